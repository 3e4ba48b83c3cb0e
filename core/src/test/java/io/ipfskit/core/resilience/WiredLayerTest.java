package io.ipfskit.core.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.ForwardingBackend;
import io.ipfskit.core.storage.HealthThresholds;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer as a server runs it: a registry whose backends are wrapped by a {@link Resilience} with
 * a read cache and a lease registry. Reads are cached, streams are leased while they run, and closing
 * the registry closes a stream still leased so its call ends instead of holding a closing backend.
 */
@Timeout(30)
class WiredLayerTest {
  @TempDir Path home;
  private final FakeTime time = new FakeTime();
  private final Leases leases = new Leases(time);
  private final ContentCache cache = ContentCache.create(ContentCacheConfig.DEFAULTS, time::nanos);

  private BackendRegistry open(Map<String, BackendRegistry.Factory> factories) throws Exception {
    return BackendRegistry.open(BackendsConfig.embedded(home), factories, HealthThresholds.defaults(),
        Clock.systemUTC(), Resilience.create(ResilienceConfig.defaults(), cache, leases));
  }

  @Test
  void get_twiceThroughTheRegistry_secondFromTheCacheAndEveryStreamLeasedThenReleased() throws Exception {
    Map<String, BackendRegistry.Factory> f = new LinkedHashMap<>();
    f.put("local", c -> Optional.of(LocalBlockStore.open(c.localBlocksDirectory())));
    try (BackendRegistry r = open(f)) {
      StorageBackend local = r.get("local");
      String cid = local.add(new ByteArrayInputStream("cached".getBytes(UTF_8))).cid();
      for (int i = 0; i < 2; i++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        local.get(cid, out);
        assertEquals("cached", out.toString(UTF_8));
      }
      CacheStats s = r.resilience().contentCache().orElseThrow().stats();
      assertEquals(1, s.hits());
      assertEquals(1, s.misses());
      // The add and the first get opened a stream on the store; the hit opened none.
      assertEquals(new Leases.Stats(0, 2, 2, Duration.ZERO), r.resilience().leases().orElseThrow().stats());
    }
  }

  /** A backend whose get writes nothing and waits until its output is closed. */
  private static final class Stuck extends ForwardingBackend {
    final CountDownLatch entered = new CountDownLatch(1);

    Stuck(StorageBackend delegate) {
      super(delegate);
    }

    @Override
    public String name() {
      return "stuck";
    }

    @Override
    public void get(String cid, OutputStream out) throws StorageException {
      entered.countDown();
      try {
        out.write(new byte[0]);
        while (true) {
          out.flush();
          Thread.onSpinWait();
          if (closed(out)) break;
        }
      } catch (java.io.IOException e) {
        // closed under us
      }
      throw new StorageException("the stream was closed while reading " + cid, StorageErrorClass.TRANSIENT);
    }

    private static boolean closed(OutputStream out) {
      try {
        out.write(0);
        return false;
      } catch (java.io.IOException e) {
        return true;
      }
    }
  }

  /** The caller's stream: refuses writes once closed. */
  private static final class CallerStream extends OutputStream {
    volatile boolean closed;

    @Override
    public void write(int b) throws java.io.IOException {
      if (closed) throw new java.io.IOException("closed");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void close_streamStillLeased_closesItSoTheCallEndsAndCountsItReleased() throws Exception {
    Map<String, BackendRegistry.Factory> f = new LinkedHashMap<>();
    Stuck[] stuck = new Stuck[1];
    f.put("stuck", c -> {
      stuck[0] = new Stuck(LocalBlockStore.open(c.localBlocksDirectory()));
      return Optional.of(stuck[0]);
    });
    BackendRegistry r = open(f);
    CallerStream out = new CallerStream();
    CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
      try {
        r.get("stuck").get("bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su", out);
      } catch (StorageException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    assertTrue(stuck[0].entered.await(20, TimeUnit.SECONDS));
    assertEquals(1, leases.stats().open());
    List<LeaseInfo> open = leases.open();
    assertEquals("stuck", open.get(0).owner());

    r.close();

    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
    assertInstanceOf(StorageException.class, e.getCause());
    assertTrue(out.closed, "the caller's stream was closed by the release");
    assertEquals(new Leases.Stats(0, 1, 1, Duration.ZERO), leases.stats());
  }
}
