package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How long a failed operation waits before its next attempt. Injected into the {@link Dispatcher}; the
 * production timing is {@link #fullJitter}, a {@link RetryPolicy} built from the live configuration.
 */
@FunctionalInterface
interface RetryTiming {
  /**
   * @param attempt retries spent so far (0 before the first retry)
   * @return the delay in microseconds, &gt;= 0
   */
  long delayMicros(int attempt);

  /**
   * Full jitter (uniform in [0, min(max_retry_delay, retry_delay * 2^attempt)]), read from the
   * current configuration at every call, so a live {@code retry_delay} change applies at once. The
   * delay is the resilience layer's {@link RetryPolicy} ({@link #policy}), the same object type that
   * times in-process retries.
   *
   * @param random the jitter source; tests pass a fixed one
   */
  static RetryTiming fullJitter(Supplier<WalConfig> config, RandomGenerator random) {
    requireNonNull(config, "config");
    requireNonNull(random, "random");
    return attempt -> policy(config.get()).delayMicros(attempt, 0, random);
  }

  /**
   * The log's retry policy under {@code c}: {@code max_retries} retries, exponential (doubling) with
   * full jitter from {@code retry_delay} up to {@code max_retry_delay}. The {@code max_retries} an
   * operation keeps is the one recorded when it was created ({@code OpState.maxRetries}).
   */
  static RetryPolicy policy(WalConfig c) {
    return RetryPolicy.fullJitter(c.maxRetries(), c.retryDelay(), c.maxRetryDelay());
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
