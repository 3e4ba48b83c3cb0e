package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** How long a failed operation waits before its next attempt. Injected into the {@link Dispatcher}. */
@FunctionalInterface
interface RetryTiming {
  /**
   * @param attempt retries spent so far (0 before the first retry)
   * @return the delay in microseconds, &gt;= 0
   */
  long delayMicros(int attempt);

  /**
   * Full jitter (uniform in [0, min(max_retry_delay, retry_delay * 2^attempt)]), read from the
   * current configuration at every call, so a live {@code retry_delay} change applies at once.
   *
   * @param random the jitter source; tests pass a fixed one
   */
  static RetryTiming fullJitter(Supplier<WalConfig> config, RandomGenerator random) {
    requireNonNull(config, "config");
    requireNonNull(random, "random");
    return attempt -> {
      WalConfig c = config.get();
      return random.nextLong(capMicros(c.retryDelay(), c.maxRetryDelay(), attempt) + 1);
    };
  }

  /** min(max, base * 2^attempt) in microseconds, without overflow; base counts as at least 1 µs. */
  static long capMicros(Duration base, Duration max, int attempt) {
    long baseMicros = Math.max(1, base.toNanos() / 1000);
    long maxMicros = max.toNanos() / 1000;
    long cap = attempt >= 62 || baseMicros > (maxMicros >> Math.min(attempt, 62)) ? maxMicros : baseMicros << attempt;
    return Math.min(cap, maxMicros);
  }

  /** The production jitter source: each calling thread's {@link ThreadLocalRandom}. */
  static RandomGenerator threadLocalRandom() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
      }
    };
  }
}
