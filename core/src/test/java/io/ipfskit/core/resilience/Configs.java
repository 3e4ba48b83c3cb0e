package io.ipfskit.core.resilience;

import io.ipfskit.core.resilience.ResilienceConfig.Breaker;
import io.ipfskit.core.resilience.ResilienceConfig.Ramp;
import io.ipfskit.core.resilience.ResilienceConfig.WindowType;
import java.time.Duration;

/** Small configurations the tests can reason about. */
final class Configs {
  private Configs() {}

  /** Count window of 4, 2 calls minimum, open at 50 % failures or 50 % slow calls (>= 1 s), 10 s open, 2 probes. */
  static Breaker breaker() {
    return new Breaker(50, 50, Duration.ofSeconds(1), WindowType.COUNT, 4, 2, Duration.ofSeconds(10), 2, 100);
  }

  static Ramp noRamp() {
    return new Ramp(RampStrategy.NONE, 0.1, 0.2, Duration.ofSeconds(5), 0, 1, Duration.ofMinutes(1), Duration.ZERO);
  }

  /** Linear from 25 % by 25 % per 10 s, 4 successes to finish, 2 failures restart, 5 min max, no cooldown. */
  static Ramp ramp(RampStrategy s) {
    return new Ramp(s, 0.25, 0.25, Duration.ofSeconds(10), 4, 2, Duration.ofMinutes(5), Duration.ZERO);
  }

  static ResilienceConfig config(Breaker b, Ramp r) {
    ResilienceConfig d = ResilienceConfig.defaults();
    return new ResilienceConfig(b, r, d.retry(), d.budget(), d.concurrency(), d.peers());
  }
}
