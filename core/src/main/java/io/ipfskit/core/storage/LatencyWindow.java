package io.ipfskit.core.storage;

import java.util.Arrays;

/**
 * The latest {@code capacity} durations (nanoseconds) and their percentiles: a ring that
 * overwrites the oldest sample. Thread-safe: {@link #record} and {@link #percentileMillis} hold
 * the instance lock (the ring is small, a record is a store and an increment).
 */
public final class LatencyWindow {
  private final long[] samples;
  private long count;

  public LatencyWindow(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
    this.samples = new long[capacity];
  }

  public synchronized void record(long nanos) {
    samples[(int) (count % samples.length)] = Math.max(0, nanos);
    count++;
  }

  /** Samples recorded since creation (the window holds the latest {@code capacity} of them). */
  public synchronized long count() {
    return count;
  }

  /** The {@code percentile} (0..100, nearest rank) of the window in milliseconds, or -1 when empty. */
  public synchronized double percentileMillis(double percentile) {
    if (percentile < 0 || percentile > 100)
      throw new IllegalArgumentException("percentile must be within 0..100, but was " + percentile);
    int n = (int) Math.min(count, samples.length);
    if (n == 0) return -1;
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100.0 * n);
    return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
  }
}
