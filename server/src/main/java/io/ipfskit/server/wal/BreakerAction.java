package io.ipfskit.server.wal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What {@code circuit_breaker_control} does to one breaker. */
public enum BreakerAction {
  /** Refuse every call until reset or forced closed. */
  FORCE_OPEN,
  /** Pass every call (outcomes are still measured) until reset or forced open. */
  FORCE_CLOSED,
  /** Back to closed with an empty window. */
  RESET;

  /** The wire names, in declaration order (the tool's {@code action} enum). */
  public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(BreakerAction::wireName).toList();

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static BreakerAction parse(String wireName) {
    for (BreakerAction a : values()) {
      if (a.wireName().equals(wireName)) return a;
    }
    throw new IllegalArgumentException("action must be one of " + WIRE_NAMES);
  }
}
