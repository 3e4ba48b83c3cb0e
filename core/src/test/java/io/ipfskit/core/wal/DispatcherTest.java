package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher alone: real queues and workers over an in-memory journal and a scripted backend. */
@Timeout(60)
class DispatcherTest {
  static final long NOW = WriteAheadLog.micros(Instant.parse("2026-03-01T12:00:00Z"));
  @TempDir java.nio.file.Path tmp;
  final ReentrantLock lock = new ReentrantLock();
  final InMemoryJournal journal = new InMemoryJournal();
  final ScriptedBackend local = new ScriptedBackend("local");
  final MutableClock clock = new MutableClock(WriteAheadLog.instant(NOW));
  final Map<String, Dispatcher.Counters> counters = new HashMap<>();
  /** Retry delays the tests can predict: 1 ms per retry already spent, plus 1 ms. */
  final RetryTiming timing = attempt -> 1000L * (attempt + 1);
  Dispatcher dispatcher;

  WalConfig config() {
    return WalTests.config(tmp, FsyncMode.ALWAYS, 1L << 20, 2, Duration.ofSeconds(10));
  }

  Dispatcher dispatcher(boolean paused) {
    Map<String, StorageBackend> backends = Map.of("local", local);
    WalConfig c = config();
    dispatcher = new Dispatcher(lock, journal, backends, () -> c, clock, WalRetries.walKeys(timing), paused, counters,
        new LatencyHistogram());
    return dispatcher;
  }

  @AfterEach
  void stop() throws InterruptedException {
    journal.closed = true;
    if (dispatcher == null) return;
    lock.lock();
    try {
      dispatcher.signalAllLocked();
    } finally {
      lock.unlock();
    }
    for (Thread t : dispatcher.workers()) t.join(10_000);
  }

  private List<String> drain(Dispatcher d, long now) {
    List<String> order = new ArrayList<>();
    lock.lock();
    try {
      Entry e;
      while ((e = d.pollLocked("local", now)) != null) order.add(e.id);
    } finally {
      lock.unlock();
    }
    return order;
  }

  private void enqueue(Dispatcher d, Entry... es) {
    lock.lock();
    try {
      for (Entry e : es) d.enqueueLocked(e, NOW);
    } finally {
      lock.unlock();
    }
  }

  @Test
  void pollLocked_mixedPriorities_higherFirstThenOlderFirst() {
    Dispatcher d = dispatcher(true);
    enqueue(d, journal.add("low", 1, NOW), journal.add("mid", 5, NOW), journal.add("high", 9, NOW),
        journal.add("mid-later", 5, NOW));
    assertEquals(List.of("high", "mid", "mid-later", "low"), drain(d, NOW));
  }

  @Test
  void restoreLocked_recoveredOperations_pollInPriorityOrderTogetherWithNewOnes() {
    Dispatcher d = dispatcher(true);
    Entry a = journal.add("a", 2, NOW);
    Entry b = journal.add("b", 8, NOW);
    Entry c = journal.add("c", 5, NOW);
    lock.lock();
    try {
      d.restoreLocked(a, NOW);
      d.restoreLocked(b, NOW);
    } finally {
      lock.unlock();
    }
    enqueue(d, c);
    assertEquals(List.of("b", "c", "a"), drain(d, NOW));
  }

  @Test
  void pollLocked_retryDueLater_staysInTheTimerQueueUntilDue() {
    Dispatcher d = dispatcher(true);
    Entry e = journal.add("later", 5, NOW);
    e.latest = Lifecycle.scheduleRetry(e.id, Lifecycle.claim(e.id, e.latest, NOW), NOW, 500, "503", "Storage");
    enqueue(d, e);
    lock.lock();
    try {
      assertEquals(NOW + 500, d.nextTimerLocked());
    } finally {
      lock.unlock();
    }
    assertEquals(List.of(), drain(d, NOW + 499));
    assertEquals(List.of("later"), drain(d, NOW + 500));
  }

  @Test
  void pollLocked_removedOrCancelledWhileQueued_isSkipped() {
    Dispatcher d = dispatcher(true);
    Entry gone = journal.add("gone", 9, NOW);
    Entry cancelled = journal.add("cancelled", 8, NOW);
    Entry kept = journal.add("kept", 1, NOW);
    enqueue(d, gone, cancelled, kept);
    journal.entries.remove("gone");
    cancelled.latest = Lifecycle.cancel(cancelled.id, cancelled.latest, NOW);
    assertEquals(List.of("kept"), drain(d, NOW));
  }

  @Test
  void afterFailure_backendOffline_waitsWithoutSpendingARetry() {
    Dispatcher d = dispatcher(true);
    OpState claimed = Lifecycle.claim("x", Lifecycle.created(NOW, 2), NOW);
    OpState s = d.afterFailure("x", OperationType.ADD, "local", claimed, new BackendUnavailableException("local is offline", null), NOW);
    assertEquals(OperationStatus.PENDING, s.status);
    assertEquals(0, s.retryCount);
    assertEquals(NOW + Dispatcher.BACKEND_WAIT_MAX.toNanos() / 1000, s.nextRetryAt, "min(retry_delay 10 s, 5 s)");
    assertEquals("BackendUnavailable", s.errorType);
  }

  @Test
  void afterFailure_retryableWithRetriesLeft_retriesAfterTheInjectedDelay() {
    Dispatcher d = dispatcher(true);
    OpState claimed = Lifecycle.claim("x", Lifecycle.created(NOW, 2), NOW);
    OpState first = d.afterFailure("x", OperationType.ADD, "local", claimed, new StorageException("local answered 503", io.ipfskit.core.storage.StorageErrorClass.TRANSIENT), NOW);
    assertEquals(OperationStatus.RETRYING, first.status);
    assertEquals(1, first.retryCount);
    assertEquals(NOW + 1000, first.nextRetryAt);
    OpState second = d.afterFailure("x", OperationType.ADD, "local", Lifecycle.claim("x", first, NOW), new StorageException("503", io.ipfskit.core.storage.StorageErrorClass.TRANSIENT), NOW);
    assertEquals(NOW + 2000, second.nextRetryAt);
    assertEquals(2, second.retryCount);
  }

  @Test
  void afterFailure_retriesExhausted_failsSayingSo() {
    Dispatcher d = dispatcher(true);
    OpState spent = new OpState(OperationStatus.PROCESSING, NOW, OpState.NONE, 2, 2, OpState.NONE, null, -1, null,
        null, null);
    OpState s = d.afterFailure("x", OperationType.ADD, "local", spent, new StorageException("local answered 503", io.ipfskit.core.storage.StorageErrorClass.TRANSIENT), NOW);
    assertEquals(OperationStatus.FAILED, s.status);
    assertEquals("gave up after 2 retries: local answered 503", s.error);
    assertEquals(NOW, s.completedAt);
  }

  @Test
  void afterFailure_notRetryable_failsAtOnceWithTheBackendMessage() {
    Dispatcher d = dispatcher(true);
    OpState claimed = Lifecycle.claim("x", Lifecycle.created(NOW, 5), NOW);
    OpState s = d.afterFailure("x", OperationType.ADD, "local", claimed, new ContentNotFoundException("local", "bafy"), NOW);
    assertEquals(OperationStatus.FAILED, s.status);
    assertEquals(0, s.retryCount);
    assertEquals("ContentNotFound", s.errorType);
  }

  @Test
  void workers_queuedWhilePaused_runInPriorityOrderEachClaimedBeforeItRuns() throws Exception {
    Dispatcher d = dispatcher(true);
    Entry low = journal.add("low", 1, NOW);
    Entry high = journal.add("high", 9, NOW);
    Entry mid = journal.add("mid", 5, NOW);
    enqueue(d, low, high, mid);
    d.start(1);
    d.resume();
    WalTests.awaitCondition("three completions", () -> List.of(low, high, mid).stream()
        .allMatch(e -> journal.durable(e).status == OperationStatus.COMPLETED));
    assertEquals(List.of("add:high", "add:mid", "add:low"), local.callOrder);
    assertEquals(3, counters.get("local").completed.sum());
    for (Entry e : List.of(low, high, mid)) {
      int claim = journal.records.indexOf("state:" + e.id + ":processing");
      int done = journal.records.indexOf("state:" + e.id + ":completed");
      assertTrue(claim >= 0 && claim < done, journal.records.toString());
    }
  }

  @Test
  void workers_failingBackend_recordRetryWithInjectedTimingThenCompleteWhenDue() throws Exception {
    Dispatcher d = dispatcher(false);
    local.failNext(1);
    Entry e = journal.add("flaky", 5, NOW);
    d.start(1);
    enqueue(d, e);
    WalTests.awaitCondition("a retry", () -> journal.durable(e).status == OperationStatus.RETRYING);
    OpState retrying = journal.durable(e);
    assertEquals(NOW + 1000, retrying.nextRetryAt);
    clock.advance(Duration.ofMillis(1));
    lock.lock();
    try {
      d.signalAllLocked();
    } finally {
      lock.unlock();
    }
    WalTests.awaitCondition("the completion", () -> journal.durable(e).status == OperationStatus.COMPLETED);
    assertEquals(2, local.calls.get());
    assertEquals(1, counters.get("local").retries.sum());
    assertEquals(1, journal.durable(e).retryCount);
    assertNull(journal.durable(e).error);
  }

  // ---------------------------------------------------------------- health gate

  final io.ipfskit.core.storage.HealthMonitor monitor = new io.ipfskit.core.storage.HealthMonitor(List.of("local"),
      new io.ipfskit.core.storage.HealthThresholds(Duration.ofSeconds(15), 95, 80, Duration.ofSeconds(5), 2,
          Duration.ofSeconds(60), 10, 20), clock);

  /** Wakes the workers and waits until one has looked again and found its backend paused. */
  private void awaitAnotherPausedRound(Dispatcher d) throws InterruptedException {
    long before = d.healthPausedRounds.sum();
    lock.lock();
    try {
      d.signalAllLocked();
    } finally {
      lock.unlock();
    }
    WalTests.awaitCondition("another paused round", () -> d.healthPausedRounds.sum() > before);
  }

  @Test
  void workers_probeUnhealthyButCallsAnswer_notPausedSoTheOperationsShowTheAnswer() throws Exception {
    Dispatcher d = dispatcher(false);
    d.watchHealth(monitor);
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.unhealthy("access denied"), Duration.ofMillis(1));
    assertTrue(monitor.unhealthy("local"));
    Entry a = journal.add("a", 5, NOW);
    d.start(1);
    enqueue(d, a);
    WalTests.awaitCondition("completed", () -> journal.durable(a).status == OperationStatus.COMPLETED);
    assertEquals(1, local.calls.get());
  }

  @Test
  void workers_failuresInARowMakeItUnhealthy_pausedWithoutSpendingRetriesThenResume() throws Exception {
    Dispatcher d = dispatcher(false);
    d.watchHealth(monitor);
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.healthy("writable"), Duration.ofMillis(1));
    local.failNext(1000);
    Entry a = journal.add("a", 9, NOW);
    Entry b = journal.add("b", 5, NOW);
    Entry c = journal.add("c", 1, NOW);
    d.start(1);
    enqueue(d, a, b, c);
    WalTests.awaitCondition("unhealthy after 2 failures in a row", () -> monitor.pausesQueue("local"));
    awaitAnotherPausedRound(d);
    clock.advance(Duration.ofMinutes(5)); // every retry is due now
    awaitAnotherPausedRound(d);
    assertEquals(2, local.calls.get(), "the two failures that made it unhealthy, nothing after");
    assertEquals("2 calls failed in a row (last: Storage); the limit is 2", monitor.current("local").health().detail());
    assertEquals(2, counters.get("local").retries.sum());
    local.failNext(0);
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.healthy("writable again"), Duration.ofMillis(1));
    WalTests.awaitCondition("all completed after recovery", () -> List.of(a, b, c).stream()
        .allMatch(e -> journal.durable(e).status == OperationStatus.COMPLETED));
    assertEquals(5, local.calls.get());
    assertEquals(2, counters.get("local").retries.sum(), "no retry spent while paused");
    assertEquals(io.ipfskit.core.storage.BackendHealth.Status.HEALTHY, monitor.current("local").status());
  }

  /**
   * A dispatcher watching {@link #monitor}, after a healthy probe and 10 calls of which 7 answered, never 2
   * failures in a row (below the 80 % floor, under the limit of 2 in a row).
   */
  private Dispatcher intermittentlyFailing() {
    Dispatcher d = dispatcher(false);
    d.watchHealth(monitor);
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.healthy("writable"), Duration.ofMillis(1));
    for (int i = 0; i < 10; i++)
      monitor.recordCall("local", Duration.ofMillis(1), i % 3 == 1 ? "BackendUnavailable" : null);
    return d;
  }

  @Test
  void workers_intermittentFailuresWhileProbesPass_degradedAndNotPaused() throws Exception {
    Dispatcher d = intermittentlyFailing();
    assertEquals(io.ipfskit.core.storage.BackendHealth.Status.DEGRADED, monitor.current("local").status());
    Entry a = journal.add("a", 5, NOW);
    Entry b = journal.add("b", 5, NOW);
    d.start(1);
    enqueue(d, a, b);
    WalTests.awaitCondition("both completed", () -> List.of(a, b).stream()
        .allMatch(e -> journal.durable(e).status == OperationStatus.COMPLETED));
    assertEquals(2, local.calls.get());
    assertEquals(0, d.healthPausedRounds.sum(), "never paused");
  }

  @Test
  void workers_intermittentFailuresAndAFailedProbe_pausedUntilTheNextHealthyProbe() throws Exception {
    Dispatcher d = intermittentlyFailing();
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.unhealthy("write probe failed"),
        Duration.ofMillis(1));
    assertTrue(monitor.pausesQueue("local"));
    Entry a = journal.add("a", 5, NOW);
    d.start(1);
    enqueue(d, a);
    awaitAnotherPausedRound(d);
    assertEquals(0, local.calls.get(), "paused: nothing claimed");
    monitor.recordProbe("local", io.ipfskit.core.storage.BackendHealth.healthy("writable again"), Duration.ofMillis(1));
    WalTests.awaitCondition("completed after the healthy probe", () -> journal.durable(a).status
        == OperationStatus.COMPLETED);
    assertEquals(1, local.calls.get());
  }

  @Test
  void recordOutcome_notFoundIsAnAnswer_unavailableCountsAgainst_hostIoIgnored() {
    Dispatcher d = dispatcher(true);
    d.watchHealth(monitor);
    d.recordOutcome("local", new ContentNotFoundException("local", "bafy"), 1000);
    d.recordOutcome("local", new java.io.IOException("disk full on this host"), 1000);
    var r = monitor.report("local");
    assertEquals(1, r.callsInWindow());
    assertEquals(1.0, r.successRate(), 1e-9);
    d.recordOutcome("local", new BackendUnavailableException("local is offline", null), 1000);
    assertEquals(1, monitor.report("local").consecutiveErrors());
  }

  @Test
  void recordOutcome_refusedByTheResilienceLayer_notCountedAgainstTheBackend() {
    Dispatcher d = dispatcher(true);
    d.watchHealth(monitor);
    d.recordOutcome("local", new io.ipfskit.core.resilience.CallRejectedException("breaker of local is open",
        io.ipfskit.core.resilience.CallRejectedException.Reason.BREAKER_OPEN, java.time.Duration.ofSeconds(1)), 1000);
    assertEquals(0, monitor.report("local").callsInWindow(), "the call never reached the backend");
    assertEquals(0, monitor.report("local").consecutiveErrors());
  }
}
