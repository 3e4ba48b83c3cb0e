package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.ResilienceConfig.Budget;

/**
 * Caps retries at a share of the traffic, so an outage is not amplified by every caller retrying:
 * over the last {@code window}, retries may be at most {@code minRetriesPerSecond × window seconds +
 * ratio × first attempts}. The window is {@value #BUCKETS} buckets that roll with the time passed in.
 *
 * <p>Concurrency: every method is {@code synchronized} (a few array reads per call; the benchmark
 * {@code RetryBudgetJmh} measures it). Times are {@code nanoTime}-style readings.
 */
final class RetryBudget {
  static final int BUCKETS = 10;
  private final double ratio;
  private final double floor;
  private final long bucketNanos;
  // guarded by this
  private final long[] calls = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long currentBucket = Long.MIN_VALUE;
  private long granted;
  private long denied;

  RetryBudget(Budget config) {
    requireNonNull(config, "config");
    this.ratio = config.ratio();
    this.floor = config.minRetriesPerSecond() * (config.window().toNanos() / 1e9);
    this.bucketNanos = Math.max(1, config.window().toNanos() / BUCKETS);
  }

  /** Counts one first attempt (a call that is not a retry). */
  synchronized void recordCall(long now) {
    calls[roll(now)]++;
  }

  /** Takes one retry from the budget if it has room. */
  synchronized boolean tryAcquireRetry(long now) {
    int i = roll(now);
    long c = 0, r = 0;
    for (int b = 0; b < BUCKETS; b++) {
      c += calls[b];
      r += retries[b];
    }
    if (r + 1 <= floor + ratio * c) {
      retries[i]++;
      granted++;
      return true;
    }
    denied++;
    return false;
  }

  /** First attempts, retries in the window, retries granted and denied since creation. */
  synchronized long[] figures(long now) {
    roll(now);
    long c = 0, r = 0;
    for (int b = 0; b < BUCKETS; b++) {
      c += calls[b];
      r += retries[b];
    }
    return new long[] {c, r, granted, denied};
  }

  /** Moves the window to {@code now}, clearing buckets that fell out; returns the current bucket. */
  private int roll(long now) {
    long bucket = Math.floorDiv(now, bucketNanos);
    if (currentBucket == Long.MIN_VALUE) {
      currentBucket = bucket;
    } else if (bucket > currentBucket) { // a reading that goes back stays in the current bucket
      for (long k = currentBucket + 1; k <= Math.min(bucket, currentBucket + BUCKETS); k++) {
        int idx = (int) Math.floorMod(k, BUCKETS);
        calls[idx] = 0;
        retries[idx] = 0;
      }
      currentBucket = bucket;
    }
    return (int) Math.floorMod(currentBucket, BUCKETS);
  }
}
