package io.ipfskit.core.wal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * When the log forces appended records to stable storage.
 *
 * <ul>
 *   <li>{@code ALWAYS}: an append returns only after the fsync that covers its record; concurrent
 *       appenders share one fsync (group commit).
 *   <li>{@code BATCH}: fsync every {@code batch_size} records or every {@code batch_interval_ms}.
 *   <li>{@code PERIODIC}: fsync every {@code periodic_interval_ms}.
 * </ul>
 */
public enum FsyncMode {
  ALWAYS, BATCH, PERIODIC;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the field, the allowed values and what was given */
  public static FsyncMode parse(String field, String value) {
    if (value != null) {
      for (FsyncMode m : values()) {
        if (m.wireName().equals(value.trim().toLowerCase(Locale.ROOT))) return m;
      }
    }
    throw new IllegalArgumentException(field + " must be one of "
        + Arrays.stream(values()).map(FsyncMode::wireName).collect(Collectors.joining(", ", "[", "]"))
        + ", but was " + (value == null ? "missing" : "'" + value + "'"));
  }
}
