package io.ipfskit.core.resilience;

import java.util.Locale;

/**
 * How admitted traffic grows after a breaker closes again ({@link ResilienceConfig.Ramp}), with
 * {@code k = floor(time since the ramp (re)started − cooldown, over interval)}:
 *
 * <ul>
 *   <li>{@link #NONE}: no ramp, everything is admitted as soon as the breaker closes.
 *   <li>{@link #LINEAR}: {@code initial + increment × elapsed / interval}, growing continuously.
 *   <li>{@link #STEP}: {@code initial + increment × k}, in whole steps held for one interval each.
 *   <li>{@link #EXPONENTIAL}: {@code initial × (1 + increment)^k} (increment 1 doubles each interval).
 * </ul>
 */
public enum RampStrategy {
  NONE, LINEAR, EXPONENTIAL, STEP;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
