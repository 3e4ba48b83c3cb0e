package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

@Timeout(60)
class WriteAheadLogTest {
  @TempDir Path tmp;
  final ScriptedBackend local = new ScriptedBackend("local");

  private WriteAheadLog open(FsyncMode mode, OperationArchive archive, boolean paused) throws IOException {
    return WriteAheadLog.open(config(tmp.resolve("wal"), mode), backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(archive, null, paused));
  }

  @Test
  void add_contentOperation_completesWithCidSizeAndIntactParameters() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, false)) {
      ObjectNode params = content("hello wal");
      params.put("note", 42);
      Operation added = wal.add(new NewOperation(OperationType.ADD, "local", params, 7));
      assertEquals(OperationStatus.PENDING, added.status());
      Operation done = wal.waitFor(added.operationId(), Duration.ofSeconds(20));
      assertEquals(OperationStatus.COMPLETED, done.status());
      assertEquals(9L, done.result().size());
      assertTrue(done.result().cid().startsWith("sha256-"), done.result().cid());
      assertEquals(params, done.parameters());
      assertEquals(7, done.priority());
      assertEquals(1, wal.metrics().backends().get("local").completed());
    }
  }

  @Test
  void add_getWithDestination_writesTheFile(@TempDir Path files) throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.BATCH, null, false)) {
      Operation added = wal.add(new NewOperation(OperationType.ADD, "local", content("bytes to fetch")));
      String cid = wal.waitFor(added.operationId(), Duration.ofSeconds(20)).result().cid();
      Path dest = files.resolve("out.txt");
      ObjectNode p = WalTests.withWriteGrant(WalTests.cid(cid), dest, false, files, tmp);
      Operation got = wal.waitFor(wal.add(new NewOperation(OperationType.GET, "local", p)).operationId(),
          Duration.ofSeconds(20));
      assertEquals(OperationStatus.COMPLETED, got.status());
      assertEquals("bytes to fetch", Files.readString(dest));
      assertEquals(dest.toString(), got.result().destination());
      assertEquals(14L, got.result().size());
    }
  }

  @Test
  void add_unknownBackend_throwsNamingConfiguredBackends() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      BackendNotConfiguredException e = assertThrows(BackendNotConfiguredException.class,
          () -> wal.add(new NewOperation(OperationType.PIN, "ipfs", WalTests.cid("bafy"))));
      assertEquals("backend 'ipfs' is not configured; configured: [local]", e.getMessage());
      assertEquals(List.of("local"), e.configured());
      assertEquals(0, wal.status().totalOperations());
    }
  }

  @Test
  void waitFor_unknownId_throwsOperationNotFound() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      OperationNotFoundException e = assertThrows(OperationNotFoundException.class,
          () -> wal.waitFor("nope", Duration.ofMillis(1)));
      assertEquals("no operation with operation_id 'nope'", e.getMessage());
      assertTrue(wal.get("nope").isEmpty());
    }
  }

  @Test
  void cancelThenRetry_pendingOperation_goesCancelledThenPendingWithZeroRetries() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      ObjectNode params = content("x");
      String id = wal.add(new NewOperation(OperationType.ADD, "local", params)).operationId();
      Operation cancelled = wal.cancel(id);
      assertEquals(OperationStatus.CANCELLED, cancelled.status());
      assertEquals(params, cancelled.parameters());
      IllegalTransitionException again = assertThrows(IllegalTransitionException.class, () -> wal.cancel(id));
      assertEquals("operation " + id + " cannot move from cancelled to cancelled: only pending, retrying or"
          + " processing operations can be cancelled", again.getMessage());
      Operation retried = wal.retry(id);
      assertEquals(OperationStatus.PENDING, retried.status());
      assertEquals(0, retried.retryCount());
      assertEquals(params, retried.parameters());
      wal.resumeProcessing();
      Operation done = wal.waitFor(id, Duration.ofSeconds(20));
      assertEquals(OperationStatus.COMPLETED, done.status());
      IllegalTransitionException e = assertThrows(IllegalTransitionException.class, () -> wal.retry(id));
      assertEquals("operation " + id + " cannot move from completed to pending: only failed or cancelled"
          + " operations can be retried", e.getMessage());
      assertEquals(OperationStatus.COMPLETED, e.from());
      assertEquals(OperationStatus.PENDING, e.to());
    }
  }

  @Test
  void open_secondOpenOnSameDirectory_throwsWalLocked() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      WalLockedException e = assertThrows(WalLockedException.class, () -> open(FsyncMode.ALWAYS, null, true));
      assertTrue(e.getMessage().contains(tmp.resolve("wal").toString()), e.getMessage());
      assertTrue(e.getMessage().contains("another ipfs-kit process owns it"), e.getMessage());
    }
  }

  @Test
  void reopen_severalRestarts_sequenceNumbersKeepIncreasing() throws Exception {
    long previous = 0;
    List<String> ids = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true);
      assertTrue(wal.status().lastSequence() >= previous);
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
      ids.add(wal.add(new NewOperation(OperationType.ADD, "local", content("r" + round))).operationId());
      long seq = wal.status().lastSequence();
      assertTrue(seq > previous, "sequence " + seq + " after " + previous);
      previous = seq;
      if (round % 2 == 0) wal.close();
      else wal.abandonForTest(); // crash: no checkpoint, replay from segments
    }
  }

  @Test
  void checkpoint_thenMoreRecordsAndCrash_recoveryRestoresCheckpointPlusTail() throws Exception {
    Path dir = tmp.resolve("wal");
    WalConfig cfg = config(dir, FsyncMode.ALWAYS, 4096, 3, Duration.ofSeconds(1));
    String a;
    String b;
    String c;
    List<String> many = new ArrayList<>();
    WriteAheadLog wal = WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true, false));
    a = wal.add(new NewOperation(OperationType.ADD, "local", content("a"))).operationId();
    b = wal.add(new NewOperation(OperationType.ADD, "local", content("b"))).operationId();
    for (int i = 0; i < 100; i++)
      many.add(wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("c" + i))).operationId());
    assertTrue(wal.status().segmentCount() > 1, "segments: " + wal.status().segmentCount());
    wal.checkpoint();
    assertEquals(1, wal.status().segmentCount());
    assertEquals(1, countFiles(dir, ".wal"));
    assertEquals(1, countFiles(dir, ".ckpt"));
    c = wal.add(new NewOperation(OperationType.ADD, "local", content("c"))).operationId();
    wal.cancel(a);
    long lastSeq = wal.status().lastSequence();
    wal.abandonForTest();

    try (WriteAheadLog again = WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true))) {
      assertEquals(OperationStatus.CANCELLED, again.get(a).orElseThrow().status());
      assertEquals(OperationStatus.PENDING, again.get(b).orElseThrow().status());
      assertEquals(OperationStatus.PENDING, again.get(c).orElseThrow().status());
      for (String id : many) assertEquals("c" + many.indexOf(id),
          again.get(id).orElseThrow().parameters().get("cid").asString());
      assertEquals(lastSeq, again.status().lastSequence());
      assertEquals(103, again.status().totalOperations());
    }
  }

  @Test
  void recovery_operationProcessingAtCrash_goesBackToPendingAndRuns() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StorageBackend blocking = new StorageBackend() {
      @Override
      public String name() {
        return "local";
      }

      @Override
      public StoredContent add(InputStream in) throws StorageException {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new StoredContent("never-recorded", 1);
      }

      @Override
      public void get(String cid, OutputStream out) {}

      @Override
      public void pin(String cid) {}

      @Override
      public void unpin(String cid) {}

      @Override
      public void remove(String cid) {}

      @Override
      public BackendHealth health() {
        return BackendHealth.healthy("test");
      }
    };
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS);
    WriteAheadLog wal = WriteAheadLog.open(cfg, Map.of("local", blocking), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, false));
    String id = wal.add(new NewOperation(OperationType.ADD, "local", content("slow"))).operationId();
    assertTrue(entered.await(20, TimeUnit.SECONDS));
    assertEquals(OperationStatus.PROCESSING, wal.get(id).orElseThrow().status());
    wal.abandonForTest();
    release.countDown();

    try (WriteAheadLog again = WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true))) {
      Operation op = again.get(id).orElseThrow();
      assertEquals(OperationStatus.PENDING, op.status());
      assertEquals("slow", op.parameters().get("content").asString());
      again.resumeProcessing();
      Operation done = again.waitFor(id, Duration.ofSeconds(20));
      assertEquals(OperationStatus.COMPLETED, done.status());
      assertTrue(done.result().cid().startsWith("sha256-"));
    }
  }

  @Test
  void checkpoint_withArchive_movesTerminalOperationsOutOfTheLogAndCleanupRemovesThem() throws Exception {
    InMemoryArchive archive = new InMemoryArchive();
    String done;
    String cancelled;
    String pending;
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, archive, false)) {
      done = wal.add(new NewOperation(OperationType.ADD, "local", content("archived"))).operationId();
      assertEquals(OperationStatus.COMPLETED, wal.waitFor(done, Duration.ofSeconds(20)).status());
      wal.pauseProcessing();
      cancelled = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("x"))).operationId();
      wal.cancel(cancelled);
      pending = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("y"))).operationId();
      wal.checkpoint();
      assertEquals(2, archive.count());
      WalStatus st = wal.status();
      assertEquals(2, st.archivedOperations());
      assertEquals(3, st.totalOperations());
      assertEquals(1L, st.byStatus().get(OperationStatus.PENDING));
      assertEquals(1L, st.byStatus().get(OperationStatus.COMPLETED), "archived operations are counted per status");
      assertEquals(1L, st.byStatus().get(OperationStatus.CANCELLED));
      assertEquals(OperationStatus.COMPLETED, wal.get(done).orElseThrow().status());
      assertEquals("archived", wal.get(done).orElseThrow().parameters().get("content").asString());
      List<Operation> all = wal.list(new OperationQuery(null, null, 10, 0));
      assertEquals(List.of(pending, cancelled, done), all.stream().map(Operation::operationId).toList());
      assertEquals(List.of(cancelled), wal.list(new OperationQuery(OperationStatus.CANCELLED, "local", 10, 0))
          .stream().map(Operation::operationId).toList());
      // the operation type filter applies to live (pending pin) and archived (cancelled pin, completed add) operations
      assertEquals(List.of(pending, cancelled), wal.list(new OperationQuery(null, null, OperationType.PIN, 10, 0))
          .stream().map(Operation::operationId).toList());
      assertEquals(List.of(done), wal.list(new OperationQuery(null, "local", OperationType.ADD, 10, 0))
          .stream().map(Operation::operationId).toList());
    }
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, archive, true)) {
      assertEquals(2, archive.count(), "reopen must not archive twice");
      assertEquals(OperationStatus.CANCELLED, wal.get(cancelled).orElseThrow().status());
      assertEquals(2, wal.cleanup(0, null));
      assertTrue(wal.get(done).isEmpty());
      assertEquals(OperationStatus.PENDING, wal.get(pending).orElseThrow().status());
      InvalidOperationException e = assertThrows(InvalidOperationException.class,
          () -> wal.cleanup(1, OperationStatus.PENDING));
      assertEquals("status must be one of [completed, failed, cancelled] (only finished operations are cleaned up)",
          e.getMessage());
      assertEquals("status", e.field());
      InvalidOperationException age = assertThrows(InvalidOperationException.class, () -> wal.cleanup(-1, null));
      assertEquals("age_days must be >= 0", age.getMessage());
    }
  }

  @Test
  void cleanup_withoutArchive_removesOldTerminalOperationsFromTheLog() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS);
    String old;
    String fresh;
    try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends(local), clock,
        new WriteAheadLog.Options(null, null, true))) {
      old = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("old"))).operationId();
      wal.cancel(old);
      clock.advance(Duration.ofDays(10));
      fresh = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("new"))).operationId();
      wal.cancel(fresh);
      assertEquals(1, wal.cleanup(5, OperationStatus.CANCELLED));
      assertTrue(wal.get(old).isEmpty());
      assertTrue(wal.get(fresh).isPresent());
    }
    try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends(local), clock,
        new WriteAheadLog.Options(null, null, true))) {
      assertTrue(wal.get(old).isEmpty(), "removal must survive a restart");
      assertTrue(wal.get(fresh).isPresent());
    }
  }

  @Test
  void open_finishedOperationsOlderThanMaxAge_removedAtStartNotAnHourLater() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    WalConfig cfg = new WalConfig(tmp.resolve("wal"), FsyncMode.ALWAYS, 256, Duration.ofMillis(10),
        Duration.ofMillis(100), 64L << 20, 1000, 3, Duration.ofSeconds(1), Duration.ofSeconds(60), true,
        Duration.ofSeconds(1), 2, 1);
    String old;
    String live;
    try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends(local), clock,
        new WriteAheadLog.Options(null, null, true))) {
      old = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("old"))).operationId();
      wal.cancel(old);
      live = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("live"))).operationId();
    }
    clock.advance(Duration.ofDays(3)); // past max_age_days=2
    try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends(local), clock,
        new WriteAheadLog.Options(null, null, true))) {
      WalTests.awaitCondition("the start-up cleanup", () -> wal.get(old).isEmpty());
      assertEquals(OperationStatus.PENDING, wal.get(live).orElseThrow().status(), "only finished ones go");
    }
  }

  @Test
  void calls_afterClose_throwLogFailedClosed() throws Exception {
    WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true);
    String id = wal.add(new NewOperation(OperationType.ADD, "local", content("x"))).operationId();
    wal.close();
    LogFailedClosedException e = assertThrows(LogFailedClosedException.class,
        () -> wal.add(new NewOperation(OperationType.ADD, "local", content("late"))));
    assertEquals(WalException.Kind.LOG_FAILED_CLOSED, e.kind());
    assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    assertThrows(LogFailedClosedException.class, () -> wal.cancel(id));
    assertThrows(LogFailedClosedException.class, () -> wal.retry(id));
    assertThrows(LogFailedClosedException.class, () -> wal.cleanup(0, null));
  }

  @Test
  void waitFor_negativeTimeout_throwsInvalidOperationNamingTimeout() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      InvalidOperationException e = assertThrows(InvalidOperationException.class,
          () -> wal.waitFor("any", Duration.ofSeconds(-1)));
      assertEquals("timeout must be >= 0", e.getMessage());
    }
  }

  @Test
  void retry_archivedOperationOnUnconfiguredBackend_throwsBackendNotConfigured() throws Exception {
    InMemoryArchive archive = new InMemoryArchive();
    ScriptedBackend ipfs = new ScriptedBackend("ipfs");
    String id;
    try (WriteAheadLog wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS), backends(local, ipfs),
        Clock.systemUTC(), new WriteAheadLog.Options(archive, null, true))) {
      id = wal.add(new NewOperation(OperationType.PIN, "ipfs", WalTests.cid("c"))).operationId();
      wal.cancel(id);
      wal.checkpoint(); // archives it
    }
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, archive, true)) {
      assertEquals(OperationStatus.CANCELLED, wal.get(id).orElseThrow().status());
      BackendNotConfiguredException e = assertThrows(BackendNotConfiguredException.class, () -> wal.retry(id));
      assertEquals("ipfs", e.backend());
      IllegalTransitionException c = assertThrows(IllegalTransitionException.class, () -> wal.cancel(id));
      assertEquals(OperationStatus.CANCELLED, c.from());
    }
  }

  @Test
  void updateConfig_liveKey_appliesAndNonLiveKeyIsRejected() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      WalConfig c = wal.updateConfig(Map.of("max_retries", "9", "retry_delay", "0.5"));
      assertEquals(9, c.maxRetries());
      assertEquals(Duration.ofMillis(500), wal.config().retryDelay());
      assertEquals(9, wal.add(new NewOperation(OperationType.ADD, "local", content("z"))).maxRetries());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> wal.updateConfig(Map.of("fsync_mode", "batch")));
      assertEquals("key 'fsync_mode' cannot be changed while the log runs; live keys: " + WalConfig.LIVE_KEYS,
          e.getMessage());
      assertEquals(FsyncMode.ALWAYS, wal.config().fsyncMode());
    }
  }

  private static long countFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
    }
  }

  @SuppressWarnings("unused")
  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static void assertNoResult(Operation op) {
    assertNull(op.result());
    assertFalse(op.status().isTerminal());
  }

  @Test
  void nextVisibleChange_operationRuns_completesTheFutureTakenBefore() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      Operation added = wal.add(new NewOperation(OperationType.ADD, "local", content("visible"), 5));
      java.util.concurrent.CompletableFuture<Void> change = wal.nextVisibleChange();
      assertFalse(change.isDone(), "nothing was published since it was taken");
      wal.resumeProcessing();
      change.get(20, TimeUnit.SECONDS);
      assertEquals(OperationStatus.COMPLETED, wal.waitFor(added.operationId(), Duration.ofSeconds(20)).status());
    }
  }

  @Test
  void nextVisibleChange_closedLog_isAlreadyComplete() throws Exception {
    WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true);
    java.util.concurrent.CompletableFuture<Void> before = wal.nextVisibleChange();
    wal.close();
    assertTrue(before.isDone(), "closing wakes every waiter");
    assertTrue(wal.nextVisibleChange().isDone());
  }

  @Test
  void onFinished_operationCompletes_listenerGetsItOnce() throws Exception {
    try (WriteAheadLog wal = open(FsyncMode.ALWAYS, null, true)) {
      java.util.concurrent.LinkedBlockingQueue<Operation> finished = new java.util.concurrent.LinkedBlockingQueue<>();
      wal.onFinished(finished::add);
      Operation added = wal.add(new NewOperation(OperationType.ADD, "local", content("listened"), 5));
      wal.resumeProcessing();
      Operation got = finished.poll(20, TimeUnit.SECONDS);
      assertEquals(added.operationId(), got.operationId());
      assertEquals(OperationStatus.COMPLETED, got.status());
      wal.waitFor(added.operationId(), Duration.ofSeconds(20));
      assertNull(finished.poll(), "one final status, one call");
    }
  }
}
