package io.ipfskit.core.resilience;

import java.util.Locale;

/**
 * How the wait before retry {@code n} (0 = first retry) grows from the policy's initial delay
 * {@code b}, capped at its max delay {@code m}. Jitter is always drawn <em>after</em> the cap, so
 * delays that reach the cap still spread out instead of synchronising.
 *
 * <table>
 *   <caption>Delay before retry n</caption>
 *   <tr><th>backoff</th><th>delay</th></tr>
 *   <tr><td>{@link #FIXED}</td><td>b, minus up to jitter·b</td></tr>
 *   <tr><td>{@link #LINEAR}</td><td>min(m, b·(n+1)), minus up to jitter of that</td></tr>
 *   <tr><td>{@link #EXPONENTIAL}</td><td>min(m, b·multiplier^n), minus up to jitter of that</td></tr>
 *   <tr><td>{@link #EXPONENTIAL_FULL_JITTER}</td><td>uniform in [0, min(m, b·multiplier^n)]</td></tr>
 *   <tr><td>{@link #DECORRELATED_JITTER}</td><td>uniform in [b, min(m, 3·max(b, previous delay))]</td></tr>
 * </table>
 */
public enum Backoff {
  FIXED, LINEAR, EXPONENTIAL, EXPONENTIAL_FULL_JITTER, DECORRELATED_JITTER;

  /** Whether the backoff draws its own randomness (then a policy's extra {@code jitter} must be 0). */
  public boolean randomised() {
    return this == EXPONENTIAL_FULL_JITTER || this == DECORRELATED_JITTER;
  }

  /** The configuration name: {@code fixed}, {@code linear}, {@code exponential}, {@code full_jitter}, {@code decorrelated_jitter}. */
  public String wireName() {
    return switch (this) {
      case EXPONENTIAL_FULL_JITTER -> "full_jitter";
      default -> name().toLowerCase(Locale.ROOT);
    };
  }
}
