package io.ipfskit.core.storage.s3;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.storage.StorageException;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * S3 {@code head} answers (the size of the object holding a CID's content) kept in memory, bounded
 * by {@link HeadCacheConfig#maxEntries} and asked again after {@link HeadCacheConfig#ttl}: a {@code
 * pin}/{@code unpin} check of an object asked about moments ago costs no request. Only "it exists"
 * is kept: a CID's content never changes, so the size stays right while the object stays, and an
 * object someone else deletes is noticed at the latest after the TTL (a {@link #forget} on a delete
 * through this backend drops it at once). "No such object" is never kept, so content uploaded by
 * another writer is found at once. Thread-safe (Caffeine).
 */
final class HeadCache {
  /** How the answer is found when it is not cached: empty when there is no such object. */
  @FunctionalInterface
  interface Head {
    Optional<Long> ask() throws StorageException;
  }

  private final Cache<String, Long> sizes;
  private final ConcurrentStatsCounter counter = new ConcurrentStatsCounter();
  private final LongSupplier nanoTicker;
  private final int maxEntries;

  /** @param nanoTicker the time TTLs and load times are measured in ({@code System::nanoTime}; tests pass a fake) */
  HeadCache(HeadCacheConfig config, LongSupplier nanoTicker) {
    requireNonNull(config, "config");
    this.nanoTicker = requireNonNull(nanoTicker, "nanoTicker");
    this.maxEntries = config.maxEntries();
    Ticker ticker = nanoTicker::getAsLong;
    this.sizes = Caffeine.newBuilder()
        .maximumSize(config.maxEntries())
        .expireAfterWrite(config.ttl())
        .ticker(ticker)
        .executor(Runnable::run) // evictions on the caller's thread: no background pool, deterministic
        .recordStats(() -> counter)
        .build();
  }

  /** The size of {@code key}'s object from the cache, else from {@code head} (and cached when it exists). */
  Optional<Long> size(String key, Head head) throws StorageException {
    Long cached = sizes.getIfPresent(key); // counts the hit or miss
    if (cached != null) return Optional.of(cached);
    long start = nanoTicker.getAsLong();
    Optional<Long> answer;
    try {
      answer = head.ask();
    } catch (StorageException | RuntimeException e) {
      counter.recordLoadFailure(nanoTicker.getAsLong() - start);
      throw e;
    }
    counter.recordLoadSuccess(nanoTicker.getAsLong() - start);
    answer.ifPresent(size -> sizes.put(key, size));
    return answer;
  }

  /** Drops {@code key}'s answer (its object was deleted). */
  void forget(String key) {
    sizes.invalidate(key);
  }

  /**
   * The figures as the performance report lists them, as cache {@code s3_head}: the bound is in
   * entries, not bytes, so the byte figures are 0 (the report then leaves memory use out of its score
   * and advice); {@code loads} counts every head request made, also those that found no object.
   */
  CacheStats stats() {
    sizes.cleanUp();
    com.github.benmanes.caffeine.cache.stats.CacheStats s = counter.snapshot();
    long loads = s.loadCount();
    return new CacheStats("s3_head", s.hitCount(), s.missCount(), s.hitRate(), s.evictionCount(), 0,
        loads, loads == 0 ? 0 : s.totalLoadTime() / 1e6 / loads, s.loadFailureCount(), 0, sizes.estimatedSize(), 0, 0);
  }

  int maxEntries() {
    return maxEntries;
  }
}
