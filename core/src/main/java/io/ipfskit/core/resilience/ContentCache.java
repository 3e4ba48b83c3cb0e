package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import io.ipfskit.core.storage.StorageBackend;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A read cache for small content by CID (Caffeine): the bytes of a {@code get} that fit in {@link
 * ContentCacheConfig#maxEntryBytes()} are kept, weighed by their length, up to {@link
 * ContentCacheConfig#maxBytes()} in all, and dropped after {@link ContentCacheConfig#expireAfterIdle()}
 * unread. Content addressed by CID never changes, so an entry is never stale; an entry is keyed by
 * backend and CID all the same, and a {@code remove} on that backend drops it, so a read after a
 * remove behaves as it did without the cache.
 *
 * <p>Use: {@code StorageBackend cached = cache.wrap(backend)}. Thread-safe (Caffeine is; the extra
 * counters are atomics). Statistics are Caffeine's (hits, misses, evictions, load time recorded by the
 * wrapper when it fills an entry) plus the reads too large to cache.
 */
public final class ContentCache {
  record Key(String backend, String cid) {}

  private final ContentCacheConfig config;
  private final Cache<Key, byte[]> cache;
  private final ConcurrentStatsCounter counter = new ConcurrentStatsCounter();
  private final AtomicLong tooLarge = new AtomicLong();
  private final LongSupplier nanoTicker;

  /** A cache on the system ticker; maintenance runs on the calling threads. */
  public static ContentCache create(ContentCacheConfig config) {
    return new ContentCache(config, System::nanoTime);
  }

  /** A cache whose time (expiry and load times) is {@code nanoTicker} (tests pass a fake one). */
  public static ContentCache create(ContentCacheConfig config, LongSupplier nanoTicker) {
    return new ContentCache(config, nanoTicker);
  }

  private ContentCache(ContentCacheConfig config, LongSupplier nanoTicker) {
    this.config = requireNonNull(config, "config");
    this.nanoTicker = requireNonNull(nanoTicker, "nanoTicker");
    Ticker ticker = nanoTicker::getAsLong;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(config.maxBytes())
        .weigher((Key k, byte[] v) -> v.length)
        .expireAfterAccess(config.expireAfterIdle())
        .ticker(ticker)
        .executor(Runnable::run) // evictions happen on the caller's thread: no background pool, deterministic
        .recordStats(() -> counter)
        .build();
  }

  public ContentCacheConfig config() {
    return config;
  }

  /** {@code backend} with its {@code get}s answered from this cache where it can. */
  public StorageBackend wrap(StorageBackend backend) {
    return new CachingBackend(requireNonNull(backend, "backend"), this);
  }

  public CacheStats stats() {
    cache.cleanUp();
    com.github.benmanes.caffeine.cache.stats.CacheStats s = counter.snapshot();
    long weight = cache.policy().eviction().flatMap(e -> e.weightedSize().isPresent()
        ? java.util.Optional.of(e.weightedSize().getAsLong()) : java.util.Optional.empty()).orElse(0L);
    return new CacheStats("content", s.hitCount(), s.missCount(), s.hitRate(), s.evictionCount(), s.evictionWeight(),
        s.loadSuccessCount(), s.averageLoadPenalty() / 1_000_000.0, s.loadFailureCount(), tooLarge.get(),
        cache.estimatedSize(), weight, config.maxBytes());
  }

  // --- the wrapper's side (package-private) ---

  byte[] lookup(String backend, String cid) {
    return cache.getIfPresent(new Key(backend, cid));
  }

  long now() {
    return nanoTicker.getAsLong();
  }

  void loaded(String backend, String cid, byte[] content, long loadNanos) {
    counter.recordLoadSuccess(loadNanos);
    cache.put(new Key(backend, cid), content);
  }

  void notCached(long loadNanos, boolean failed) {
    if (failed) counter.recordLoadFailure(loadNanos);
    else tooLarge.incrementAndGet();
  }

  void invalidate(String backend, String cid) {
    cache.invalidate(new Key(backend, cid));
  }
}
