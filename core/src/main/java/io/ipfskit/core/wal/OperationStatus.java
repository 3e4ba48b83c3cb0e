package io.ipfskit.core.wal;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an operation is in its life. {@code COMPLETED}, {@code FAILED} and {@code CANCELLED} are
 * terminal: such operations are archived to Parquet and never run again unless retried by hand.
 */
public enum OperationStatus {
  PENDING, PROCESSING, COMPLETED, FAILED, RETRYING, CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** @throws IllegalArgumentException naming the field, the allowed values and what was given */
  public static OperationStatus parse(String field, String value) {
    if (value != null) {
      for (OperationStatus s : values()) {
        if (s.wireName().equals(value)) return s;
      }
    }
    throw new IllegalArgumentException(field + " must be one of "
        + Arrays.stream(values()).map(OperationStatus::wireName).collect(Collectors.joining(", ", "[", "]"))
        + ", but was " + (value == null ? "missing" : "'" + value + "'"));
  }
}
