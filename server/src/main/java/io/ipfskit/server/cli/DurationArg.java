package io.ipfskit.server.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses command-line durations: {@code 90} (seconds), {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}, or ISO {@code PT1H}. */
final class DurationArg {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");

  private DurationArg() {}

  static Duration parse(String option, String value) {
    Duration d = null;
    Matcher m = SIMPLE.matcher(value.trim());
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      double millis = n * switch (unit) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        case "h" -> 3_600_000;
        default -> 86_400_000;
      };
      d = Duration.ofMillis((long) millis);
    } else {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + " must be a positive duration like 30s, 5m, 24h or 7d, but was '" + value + "'");
    }
    return d;
  }

}
