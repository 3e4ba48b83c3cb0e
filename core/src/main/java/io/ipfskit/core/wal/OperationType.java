package io.ipfskit.core.wal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a storage operation does. Wire names are the reference system's lower-case names. */
public enum OperationType {
  ADD, GET, PIN, UNPIN, RM, CAT, LIST, MKDIR, COPY, MOVE, UPLOAD, DOWNLOAD;

  /** The name used in JSON, Parquet and the CLI, e.g. {@code "add"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws IllegalArgumentException naming the field, the allowed values and what was given
   */
  public static OperationType parse(String field, String value) {
    if (value != null) {
      for (OperationType t : values()) {
        if (t.wireName().equals(value)) return t;
      }
    }
    throw new IllegalArgumentException(field + " must be one of " + allowed() + ", but was "
        + (value == null ? "missing" : "'" + value + "'"));
  }

  static String allowed() {
    return Arrays.stream(values()).map(OperationType::wireName).collect(Collectors.joining(", ", "[", "]"));
  }
}
