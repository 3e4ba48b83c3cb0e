package io.ipfskit.core.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a setting's value came from, so an error (and a future {@code --check}) can say so: the
 * process environment, a file (with its path), the built-in default, or a live update.
 *
 * @param kind what kind of source
 * @param fileOrNull the file, for {@link Kind#FILE} and {@link Kind#LEGACY_FILE}; else null
 */
public record SettingSource(Kind kind, Path fileOrNull) {

  public enum Kind { DEFAULT, ENVIRONMENT, FILE, LEGACY_FILE, LIVE_UPDATE }

  private static final SettingSource DEFAULT = new SettingSource(Kind.DEFAULT, null);
  private static final SettingSource ENVIRONMENT = new SettingSource(Kind.ENVIRONMENT, null);
  private static final SettingSource LIVE_UPDATE = new SettingSource(Kind.LIVE_UPDATE, null);

  public SettingSource {
    requireNonNull(kind, "kind");
    boolean isFile = kind == Kind.FILE || kind == Kind.LEGACY_FILE;
    if (isFile != (fileOrNull != null)) {
      throw new IllegalArgumentException("fileOrNull must be set exactly for FILE and LEGACY_FILE sources, but kind was "
          + kind + " and file " + (fileOrNull == null ? "null" : "set"));
    }
  }

  public static SettingSource defaultValue() {
    return DEFAULT;
  }

  public static SettingSource environment() {
    return ENVIRONMENT;
  }

  /** A value changed while running (the {@code wal_config} tool's {@code set}). */
  public static SettingSource liveUpdate() {
    return LIVE_UPDATE;
  }

  public static SettingSource file(Path file) {
    return new SettingSource(Kind.FILE, requireNonNull(file, "file"));
  }

  /** A file of an older layout, still read once with a warning (e.g. {@code wal.properties}). */
  public static SettingSource legacyFile(Path file) {
    return new SettingSource(Kind.LEGACY_FILE, requireNonNull(file, "file"));
  }

  /** {@code default}, {@code environment}, {@code live update} or the file's path. */
  @Override
  public String toString() {
    return switch (kind) {
      case DEFAULT -> "default";
      case ENVIRONMENT -> "environment";
      case LIVE_UPDATE -> "live update";
      case FILE, LEGACY_FILE -> fileOrNull.toString();
    };
  }
}
