package io.ipfskit.core.wal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of non-negative longs (16 sub-buckets per power of two, so a
 * percentile is within ~6% of the true value). Thread-safe; reads are approximate under writes.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private final AtomicLongArray counts = new AtomicLongArray(64 * SUB);

  void record(long value) {
    counts.incrementAndGet(index(Math.max(0, value)));
  }

  private static int index(long v) {
    if (v < SUB) return (int) v;
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (msb - SUB_BITS)) & (SUB - 1);
    return (msb - SUB_BITS + 1) * SUB + sub;
  }

  private static double lowerBound(int index) {
    if (index < SUB) return index;
    int msb = index / SUB + SUB_BITS - 1;
    int sub = index % SUB;
    return (double) ((1L << msb) | ((long) sub << (msb - SUB_BITS)));
  }

  /** The value at quantile q (0..1), 0 when empty. */
  double percentile(double q) {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) total += counts.get(i);
    if (total == 0) return 0;
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank && counts.get(i) > 0) return lowerBound(i);
    }
    return lowerBound(counts.length() - 1);
  }
}
