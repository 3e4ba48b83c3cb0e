package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The S3 head answer cache on a hand-moved ticker (no sleeps), and its settings. */
class HeadCacheTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final AtomicInteger asked = new AtomicInteger();

  private HeadCache cache(int maxEntries, Duration ttl) {
    return new HeadCache(new HeadCacheConfig(maxEntries, ttl), nanos::get);
  }

  /** A head that takes 2 ms on the ticker and finds an object of {@code size} bytes, or none. */
  private HeadCache.Head head(Long sizeOrNull) {
    return () -> {
      asked.incrementAndGet();
      nanos.addAndGet(2_000_000);
      return Optional.ofNullable(sizeOrNull);
    };
  }

  @Test
  void size_askedAgainWithinTtl_answeredFromTheCache() throws Exception {
    HeadCache c = cache(100, Duration.ofSeconds(60));
    assertEquals(Optional.of(42L), c.size("k", head(42L)));
    assertEquals(Optional.of(42L), c.size("k", head(42L)));
    assertEquals(Optional.of(42L), c.size("k", head(42L)));
    assertEquals(1, asked.get(), "one request for three answers");
    CacheStats s = c.stats();
    assertEquals("s3_head", s.cache());
    assertEquals(2, s.hits());
    assertEquals(1, s.misses());
    assertEquals(1, s.loads());
    assertEquals(2.0, s.averageLoadMillis(), 1e-9);
    assertEquals(1, s.entries());
    assertEquals(0, s.maxBytes(), "bounded by entries, not bytes");
  }

  @Test
  void size_ttlPassed_asksAgain() throws Exception {
    HeadCache c = cache(100, Duration.ofSeconds(60));
    c.size("k", head(42L));
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    c.size("k", head(42L));
    assertEquals(1, asked.get(), "still fresh after 59 s (+2 ms)");
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(Optional.of(7L), c.size("k", head(7L)));
    assertEquals(2, asked.get(), "asked again once 60 s had passed since it was cached");
  }

  @Test
  void size_noSuchObject_neverKept() throws Exception {
    HeadCache c = cache(100, Duration.ofSeconds(60));
    assertEquals(Optional.empty(), c.size("k", head(null)));
    assertEquals(Optional.of(5L), c.size("k", head(5L)), "an object uploaded meanwhile by another writer is found");
    assertEquals(2, asked.get());
    assertEquals(1, c.stats().entries());
  }

  @Test
  void size_headFails_failureCountedNothingKept() {
    HeadCache c = cache(100, Duration.ofSeconds(60));
    StorageException failure = new StorageException("s3 bucket 'b': timeout", StorageErrorClass.TRANSIENT);
    StorageException thrown = assertThrows(StorageException.class, () -> c.size("k", () -> {
      throw failure;
    }));
    assertSame(failure, thrown);
    CacheStats s = c.stats();
    assertEquals(1, s.loadFailures());
    assertEquals(0, s.entries());
  }

  @Test
  void forget_afterADelete_asksAgain() throws Exception {
    HeadCache c = cache(100, Duration.ofSeconds(60));
    c.size("k", head(42L));
    c.forget("k");
    assertEquals(Optional.empty(), c.size("k", head(null)));
    assertEquals(2, asked.get());
  }

  @Test
  void size_moreKeysThanTheBound_evictsDownToTheBound() throws Exception {
    HeadCache c = cache(2, Duration.ofSeconds(60));
    for (int i = 0; i < 10; i++) c.size("k" + i, head((long) i));
    CacheStats s = c.stats();
    assertTrue(s.entries() <= 2, "entries " + s.entries());
    assertEquals(10 - s.entries(), s.evictions());
  }

  @Test
  void from_defaults_tenThousandForSixtySeconds() {
    HeadCacheConfig d = HeadCacheConfig.from(Settings.empty());
    assertEquals(HeadCacheConfig.DEFAULTS, d);
    assertEquals(new HeadCacheConfig(10_000, Duration.ofSeconds(60)), d);
    assertTrue(d.enabled());
  }

  @Test
  void from_zeroEntries_disabled() {
    HeadCacheConfig c = HeadCacheConfig.from(Settings.of(Map.of("IPFS_KIT_CACHE_S3_HEAD_MAX_ENTRIES", "0",
        "IPFS_KIT_CACHE_S3_HEAD_TTL", "2.5"), SettingSource.environment()));
    assertFalse(c.enabled());
    assertEquals(Duration.ofMillis(2500), c.ttl());
  }

  @Test
  void from_badValues_errorNamesKeyAndRule() {
    ConfigException e = assertThrows(ConfigException.class, () -> HeadCacheConfig.from(Settings.of(
        Map.of("IPFS_KIT_CACHE_S3_HEAD_MAX_ENTRIES", "-1"), SettingSource.environment())));
    assertTrue(e.getMessage().startsWith("IPFS_KIT_CACHE_S3_HEAD_MAX_ENTRIES"), e.getMessage());
    assertTrue(e.getMessage().contains("an integer from 0 to 10000000"), e.getMessage());
    ConfigException t = assertThrows(ConfigException.class, () -> HeadCacheConfig.from(Settings.of(
        Map.of("IPFS_KIT_CACHE_S3_HEAD_TTL", "0"), SettingSource.environment())));
    assertTrue(t.getMessage().startsWith("IPFS_KIT_CACHE_S3_HEAD_TTL"), t.getMessage());
  }

  @Test
  void config_invalid_refusedNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HeadCacheConfig(-1, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().startsWith("maxEntries must be >= 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new HeadCacheConfig(1, Duration.ZERO));
  }
}
