package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LeasesTest {
  private final FakeTime time = new FakeTime();
  private final Leases leases = new Leases(time);

  private Leases.Lease borrowFromHere(String what, AutoCloseable resource) {
    return leases.acquire("tool", what, resource);
  }

  @Test
  void leaks_olderThanTheThreshold_reportedWithTheBorrowersStack() {
    Leases.Lease old = borrowFromHere("reader A", () -> {});
    time.advance(Duration.ofSeconds(40));
    Leases.Lease young = borrowFromHere("reader B", () -> {});
    time.advance(Duration.ofSeconds(25));

    List<LeaseInfo> leaks = leases.leaks(Duration.ofSeconds(60));
    assertEquals(1, leaks.size());
    LeaseInfo leak = leaks.get(0);
    assertEquals("reader A", leak.what());
    assertEquals("tool", leak.owner());
    assertEquals(Duration.ofSeconds(65), leak.age());
    assertEquals(FakeTime.START, leak.acquiredAt());
    assertTrue(leak.stack().startsWith("at io.ipfskit.core.resilience.LeasesTest.borrowFromHere("), leak.stack());
    assertEquals(2, leases.open().size());

    old.close();
    young.close();
    young.close(); // idempotent
    assertEquals(new Leases.Stats(0, 2, 2, Duration.ZERO), leases.stats());
    assertEquals(List.of(), leases.leaks(Duration.ZERO));
  }

  @Test
  void closeAll_closesEveryResourceAndSaysWhatItReleased() {
    AtomicInteger closed = new AtomicInteger();
    borrowFromHere("first", closed::incrementAndGet);
    time.advance(Duration.ofSeconds(1));
    borrowFromHere("failing", () -> { throw new IOException("boom"); });
    time.advance(Duration.ofSeconds(1));
    borrowFromHere("third", closed::incrementAndGet).close();

    List<LeaseInfo> released = leases.closeAll();
    assertEquals(List.of("first", "failing"), released.stream().map(LeaseInfo::what).toList());
    assertEquals(1, closed.get(), "the closed lease's resource is not closed again");
    assertEquals(new Leases.Stats(0, 3, 3, Duration.ZERO), leases.stats());
  }

  @Test
  void leaks_negativeThreshold_failsNamingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> leases.leaks(Duration.ofSeconds(-1)));
    assertEquals("maxAge must be >= 0, but was PT-1S", e.getMessage());
  }

  @Test
  @Timeout(30)
  void track_getInProgress_isAnOpenLeaseThatCloseAllStops(@TempDir Path dir) throws Exception {
    StorageBackend store = leases.track(LocalBlockStore.open(dir));
    String cid = store.add(new ByteArrayInputStream(new byte[10_000])).cid();
    assertEquals(0, leases.open().size(), "the add's lease is gone once it returned");

    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch closedLatch = new CountDownLatch(1);
    OutputStream stalled = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writing.countDown();
        try {
          closedLatch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("stream closed");
      }

      @Override
      public void close() {
        closedLatch.countDown();
      }
    };
    CompletableFuture<Void> get = CompletableFuture.runAsync(() -> {
      try {
        store.get(cid, stalled);
      } catch (StorageException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    assertTrue(writing.await(10, TimeUnit.SECONDS));
    time.advance(Duration.ofMinutes(5));
    List<LeaseInfo> leaks = leases.leaks(Duration.ofMinutes(1));
    assertEquals(1, leaks.size());
    assertEquals("get " + cid + " stream", leaks.get(0).what());
    assertEquals("local", leaks.get(0).owner());

    List<LeaseInfo> released = leases.closeAll();
    assertEquals(1, released.size());
    ExecutionException failed = assertThrows(ExecutionException.class, () -> get.get(10, TimeUnit.SECONDS));
    assertTrue(failed.getCause() instanceof StorageException, String.valueOf(failed.getCause()));
    assertEquals(List.of(), leases.open());
  }
}
