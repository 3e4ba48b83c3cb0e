package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content cache in front of a real local block store, on a fake ticker. */
class ContentCacheTest {
  @TempDir Path dir;
  private final FakeTime time = new FakeTime();
  private Counting store;

  /** The real store, counting its reads; each read takes 3 ms of fake time. */
  private final class Counting implements StorageBackend {
    final LocalBlockStore local;
    int gets;

    Counting(LocalBlockStore local) {
      this.local = local;
    }

    @Override public String name() { return local.name(); }
    @Override public StoredContent add(InputStream content) throws StorageException { return local.add(content); }
    @Override public void get(String cid, OutputStream out) throws StorageException {
      gets++;
      time.advance(Duration.ofMillis(3));
      local.get(cid, out);
    }
    @Override public void pin(String cid) throws StorageException { local.pin(cid); }
    @Override public void unpin(String cid) throws StorageException { local.unpin(cid); }
    @Override public void remove(String cid) throws StorageException { local.remove(cid); }
    @Override public BackendHealth health() { return local.health(); }
  }

  @BeforeEach
  void open() throws Exception {
    store = new Counting(LocalBlockStore.open(dir));
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(StorageBackend b, String cid) throws StorageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.get(cid, out);
    return out.toByteArray();
  }

  @Test
  void get_secondRead_answeredFromTheCacheWithStatistics() throws Exception {
    ContentCache cache = ContentCache.create(new ContentCacheConfig(10_000, 1_000, Duration.ofMinutes(1)), time::nanos);
    StorageBackend cached = cache.wrap(store);
    byte[] content = bytes(600, 1);
    String cid = cached.add(new ByteArrayInputStream(content)).cid();

    assertArrayEquals(content, read(cached, cid));
    assertArrayEquals(content, read(cached, cid));
    assertArrayEquals(content, read(cached, cid));

    assertEquals(1, store.gets, "only the first read reached the store");
    assertEquals(new CacheStats("content", 2, 1, 2 / 3.0, 0, 0, 1, 3.0, 0, 0, 1, 600, 10_000), cache.stats());
  }

  @Test
  void get_contentLargerThanAnEntry_streamedEveryTimeNotCached() throws Exception {
    ContentCache cache = ContentCache.create(new ContentCacheConfig(10_000, 1_000, Duration.ofMinutes(1)), time::nanos);
    StorageBackend cached = cache.wrap(store);
    byte[] content = bytes(1_001, 2);
    String cid = cached.add(new ByteArrayInputStream(content)).cid();

    assertArrayEquals(content, read(cached, cid));
    assertArrayEquals(content, read(cached, cid));

    assertEquals(2, store.gets);
    CacheStats s = cache.stats();
    assertEquals(2, s.tooLarge());
    assertEquals(0, s.entries());
    assertEquals(2, s.misses());
  }

  @Test
  void get_pastTheByteBound_evictsAndCountsEvictedBytes() throws Exception {
    ContentCache cache = ContentCache.create(new ContentCacheConfig(1_000, 600, Duration.ofMinutes(1)), time::nanos);
    StorageBackend cached = cache.wrap(store);
    String a = cached.add(new ByteArrayInputStream(bytes(500, 3))).cid();
    String b = cached.add(new ByteArrayInputStream(bytes(500, 4))).cid();
    String c = cached.add(new ByteArrayInputStream(bytes(500, 5))).cid();
    read(cached, a);
    read(cached, b);
    read(cached, c);

    CacheStats s = cache.stats();
    assertEquals(1, s.evictions());
    assertEquals(500, s.evictedBytes());
    assertEquals(2, s.entries());
    assertEquals(1_000, s.weightBytes());
    assertEquals(1.0, s.fill());
  }

  @Test
  void get_afterIdleTtl_readsTheStoreAgain() throws Exception {
    ContentCache cache = ContentCache.create(new ContentCacheConfig(10_000, 1_000, Duration.ofMinutes(1)), time::nanos);
    StorageBackend cached = cache.wrap(store);
    String cid = cached.add(new ByteArrayInputStream(bytes(100, 6))).cid();
    read(cached, cid);
    time.advance(Duration.ofSeconds(59));
    read(cached, cid);
    assertEquals(1, store.gets, "read within the idle time: cached");
    time.advance(Duration.ofSeconds(61));
    read(cached, cid);
    assertEquals(2, store.gets, "idle longer than a minute: expired, read again");
    assertEquals(1, cache.stats().evictions());
  }

  @Test
  void remove_dropsTheEntry_getIsNotFoundAsWithoutTheCache() throws Exception {
    ContentCache cache = ContentCache.create(new ContentCacheConfig(10_000, 1_000, Duration.ofMinutes(1)), time::nanos);
    StorageBackend cached = cache.wrap(store);
    String cid = cached.add(new ByteArrayInputStream(bytes(100, 7))).cid();
    read(cached, cid);
    cached.remove(cid);
    assertThrows(ContentNotFoundException.class, () -> read(cached, cid));
    assertEquals(1, cache.stats().loadFailures());
  }

  @Test
  void config_entryBoundAboveTotal_failsNamingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ContentCacheConfig(100, 200, Duration.ofMinutes(1)));
    assertEquals("maxEntryBytes must be <= maxBytes (100), but was 200", e.getMessage());
  }
}
