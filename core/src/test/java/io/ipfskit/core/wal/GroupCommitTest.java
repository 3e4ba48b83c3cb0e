package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Group commit and fail-closed behaviour of the fsync path, with a fault-injecting force hook. */
@Timeout(60)
class GroupCommitTest {
  static final int THREADS = 16;
  @TempDir Path tmp;
  final ScriptedBackend local = new ScriptedBackend("local");

  @Test
  void add_manyConcurrentAppendersInAlwaysMode_shareFsyncs() throws Exception {
    AtomicReference<WriteAheadLog> ref = new AtomicReference<>();
    AtomicBoolean first = new AtomicBoolean(true);
    // The first fsync waits until every appender has a record queued behind it, so the next fsync
    // provably covers many records: the assertion below does not depend on disk speed.
    SegmentLog.ForceHook hook = seg -> {
      if (first.getAndSet(false)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ref.get().status().lastSequence() < THREADS && System.nanoTime() < deadline) Thread.onSpinWait();
      }
    };
    Path dir = tmp.resolve("wal");
    int perThread = 200;
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (WriteAheadLog wal = WriteAheadLog.open(config(dir, FsyncMode.ALWAYS), backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, hook, true))) {
      ref.set(wal);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int tt = t;
        fs.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++)
            ids.add(wal.add(new NewOperation(OperationType.ADD, "local", content(tt + "-" + i))).operationId());
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
      pool.shutdown();
      WalMetrics m = wal.metrics();
      assertEquals(THREADS * perThread, m.recordsAppended());
      assertTrue(m.fsyncs() <= m.recordsAppended() - (THREADS - 2),
          "fsyncs " + m.fsyncs() + " for " + m.recordsAppended() + " records");
      assertTrue(m.recordsPerFsync() > 1.0);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(config(dir, FsyncMode.ALWAYS), backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true))) {
      assertEquals(THREADS * perThread, ids.size());
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
    }
  }

  @ParameterizedTest
  @EnumSource(FsyncMode.class)
  void add_afterFsyncFailure_failsClosedUntilReopened(FsyncMode mode) throws Exception {
    AtomicBoolean broken = new AtomicBoolean();
    AtomicInteger failedForces = new AtomicInteger();
    SegmentLog.ForceHook hook = seg -> {
      if (broken.get()) {
        failedForces.incrementAndGet();
        throw new IOException("EIO: injected fsync failure on " + seg.getFileName());
      }
    };
    Path dir = tmp.resolve("wal");
    String before;
    WriteAheadLog wal = WriteAheadLog.open(config(dir, mode), backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, hook, true));
    try {
      before = wal.add(new NewOperation(OperationType.ADD, "local", content("before"))).operationId();
      wal.checkpoint(); // makes "before" durable in every mode
      broken.set(true);
      if (mode == FsyncMode.ALWAYS) {
        LogFailedClosedException e = assertThrows(LogFailedClosedException.class,
            () -> wal.add(new NewOperation(OperationType.ADD, "local", content("lost"))));
        assertEquals(WalException.Kind.LOG_FAILED_CLOSED, e.kind());
        assertTrue(e.getMessage().contains("failed closed"), e.getMessage());
      } else {
        // batch/periodic acknowledge before the fsync; the background fsync then fails
        wal.add(new NewOperation(OperationType.ADD, "local", content("unsynced")));
        WalTests.awaitCondition("the flusher to fail", () -> wal.status().failedClosed());
      }
      assertTrue(wal.status().failedClosed());
      int forcesSoFar = failedForces.get();
      LogFailedClosedException again = assertThrows(LogFailedClosedException.class,
          () -> wal.add(new NewOperation(OperationType.ADD, "local", content("refused"))));
      assertTrue(again.getMessage().contains("reopen the log"), again.getMessage());
      assertThrows(IOException.class, wal::checkpoint);
      assertEquals(1, forcesSoFar, "a failed fsync is never retried");
      assertEquals(forcesSoFar, failedForces.get());
    } finally {
      wal.close();
    }
    broken.set(false);
    try (WriteAheadLog reopened = WriteAheadLog.open(config(dir, mode), backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, hook, true))) {
      assertFalse(reopened.status().failedClosed());
      assertTrue(reopened.get(before).isPresent());
      reopened.add(new NewOperation(OperationType.ADD, "local", content("after reopen")));
    }
  }
}
