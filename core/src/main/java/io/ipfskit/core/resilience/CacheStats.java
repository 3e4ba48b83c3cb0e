package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

/**
 * One cache's figures since it was created.
 *
 * @param cache which cache ({@code content})
 * @param hits reads answered from the cache
 * @param misses reads that went to the backend
 * @param hitRate hits / (hits + misses), 0..1 (1 when nothing was read)
 * @param evictions entries dropped for size or idleness
 * @param evictedBytes bytes those entries weighed
 * @param loads backend reads that were cached
 * @param averageLoadMillis mean time of those reads (the backend's answer streamed to the caller)
 * @param loadFailures backend reads that failed
 * @param tooLarge backend reads whose content was larger than an entry may be (not cached)
 * @param entries entries held now
 * @param weightBytes bytes held now
 * @param maxBytes the most bytes the cache may hold
 */
public record CacheStats(String cache, long hits, long misses, double hitRate, long evictions, long evictedBytes,
    long loads, double averageLoadMillis, long loadFailures, long tooLarge, long entries, long weightBytes,
    long maxBytes) {
  public CacheStats {
    requireNonNull(cache, "cache");
    if (hitRate < 0 || hitRate > 1) throw new IllegalArgumentException("hitRate must be within 0..1, but was " + hitRate);
  }

  /** Share of the byte bound in use, 0..1. */
  public double fill() {
    return maxBytes == 0 ? 0 : Math.min(1.0, (double) weightBytes / maxBytes);
  }
}
