package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.PoolStats;

/**
 * The efficiency scores of the performance report, 0..100 (-1: no traffic to judge by).
 *
 * <ul>
 *   <li>Cache: 60 % hit rate + 20 % low eviction (1 - evictions per cached entry, floored at 0)
 *       + 20 % memory efficiency (the share of the byte bound holding content: a bound far above
 *       what is held is memory planned for nothing). A cache bounded by entries, not bytes ({@code
 *       maxBytes} 0, e.g. the S3 head answers), is scored on the first two alone, scaled to 100.
 *   <li>Pool: 40 % utilisation (full marks within 60-80 %, falling linearly to 0 at 0 % and 100 %)
 *       + 30 % low wait (1 - acquire-wait p99 / {@link #SLOW_ACQUIRE_MILLIS}, floored at 0; unmeasured
 *       counts as no wait) + 30 % low errors (1 - exhaustions / (acquires + exhaustions)).
 * </ul>
 */
final class EfficiencyScores {
  /** An acquire-wait p99 this long or longer scores 0 on "low wait". */
  static final double SLOW_ACQUIRE_MILLIS = 100;

  private EfficiencyScores() {}

  static double cache(CacheStats s) {
    if (s.hits() + s.misses() == 0) return -1;
    double lowEviction = s.loads() == 0 ? 1 : Math.max(0, 1 - (double) s.evictions() / s.loads());
    if (s.maxBytes() == 0) return round(100 * (0.6 * s.hitRate() + 0.2 * lowEviction) / 0.8);
    return round(100 * (0.6 * s.hitRate() + 0.2 * lowEviction + 0.2 * s.fill()));
  }

  static double pool(PoolStats s) {
    if (s.acquires() + s.exhaustions() == 0) return -1;
    double u = s.utilisation();
    double utilisation = u < 0.6 ? u / 0.6 : u <= 0.8 ? 1 : (1 - u) / 0.2;
    double lowWait = s.acquireWaitP99Millis() < 0 ? 1 : Math.max(0, 1 - s.acquireWaitP99Millis() / SLOW_ACQUIRE_MILLIS);
    double lowErrors = 1 - (double) s.exhaustions() / (s.acquires() + s.exhaustions());
    return round(100 * (0.4 * utilisation + 0.3 * lowWait + 0.3 * lowErrors));
  }

  private static double round(double score) {
    return Math.round(score * 10) / 10.0;
  }
}
