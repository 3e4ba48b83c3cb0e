package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

/**
 * One connection pool's figures at one moment, as the performance report and the pool tools show
 * them.
 *
 * @param pool which pool ({@code ipfs}, {@code s3})
 * @param max the most connections the pool will open
 * @param leased connections in use now
 * @param available idle connections kept open for reuse now
 * @param pending callers waiting for a connection now
 * @param acquires connection requests measured (the wait percentiles cover the latest of them)
 * @param acquireWaitP50Millis median wait for a connection, or -1 when nothing was measured
 * @param acquireWaitP99Millis 99th percentile wait for a connection, or -1 when nothing was measured
 * @param exhaustions requests that got no connection within their timeout
 * @param source where the figures come from (e.g. the pool itself now, or the SDK's metrics as of
 *     its latest request)
 */
public record PoolStats(String pool, int max, int leased, int available, int pending, long acquires,
    double acquireWaitP50Millis, double acquireWaitP99Millis, long exhaustions, String source) {
  public PoolStats {
    requireNonNull(pool, "pool");
    requireNonNull(source, "source");
    if (max < 0) throw new IllegalArgumentException("max must be >= 0, but was " + max);
    if (leased < 0 || available < 0 || pending < 0)
      throw new IllegalArgumentException("leased, available and pending must be >= 0, but were "
          + leased + ", " + available + ", " + pending);
  }

  /** Share of the pool in use, 0..1 (0 for a pool with no maximum). */
  public double utilisation() {
    return max == 0 ? 0 : Math.min(1.0, (double) leased / max);
  }

  /** "total 2, active 2, idle 0, waiting 62": the figures an exhaustion error names. */
  public String describe() {
    return "total " + max + ", active " + leased + ", idle " + available + ", waiting " + pending;
  }
}
