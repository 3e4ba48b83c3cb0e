package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.CallRejectedException;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's failure rules under the resilience layer's per-class policies and retry budget
 * ({@link WalRetries#perClass}), on a hand-moved clock: each state an operation can reach after a
 * failed run, and what the budget saw.
 */
class DispatcherRetryRulesTest {
  static final long NOW = WriteAheadLog.micros(Instant.parse("2026-03-01T12:00:00Z"));
  static final StorageException TRANSIENT = new StorageException("ipfs answered 503", StorageErrorClass.TRANSIENT);
  static final String BUDGET_NOTE = "; retry deferred, no retry spent: the retry budget of backend 'ipfs' is used up";

  @TempDir java.nio.file.Path tmp;
  final MutableClock clock = new MutableClock(WriteAheadLog.instant(NOW));
  Resilience layer;

  /** The reference policies (no jitter drawn); a budget of {@code perSecond} retries a second over 10 s, ratio 0. */
  Dispatcher dispatcher(int perSecond) {
    ResilienceConfig d = ResilienceConfig.defaults();
    layer = Resilience.create(new ResilienceConfig(d.breaker(), d.ramp(), d.retry(),
        new ResilienceConfig.Budget(0, perSecond, Duration.ofSeconds(10)), d.concurrency(), d.peers()), clock,
        () -> WriteAheadLog.micros(clock.instant()) * 1000);
    WalConfig c = WalTests.config(tmp, FsyncMode.ALWAYS, 1L << 20, 7, Duration.ofSeconds(60));
    return new Dispatcher(new ReentrantLock(), new InMemoryJournal(), Map.of("ipfs", new ScriptedBackend("ipfs")),
        () -> c, clock, WalRetries.perClass(layer, Set.of(), WalRetriesTest.NO_JITTER), true, new HashMap<>(),
        new LatencyHistogram());
  }

  static OpState claimed(int retryCount, int maxRetries) {
    return new OpState(OperationStatus.PROCESSING, NOW, OpState.NONE, retryCount, maxRetries, OpState.NONE, null, -1,
        null, null, null);
  }

  List<Long> budget() {
    Resilience.RetryFigures f = layer.retryFigures("ipfs");
    return List.of(f.retriesGranted(), f.retriesDenied());
  }

  @Test
  void afterFailure_transientWithBudget_spendsARetryAfterTheClassDelay() {
    Dispatcher d = dispatcher(1);
    OpState s = d.afterFailure("x", OperationType.PIN, "ipfs", claimed(1, 10), TRANSIENT, NOW);
    assertEquals(OperationStatus.RETRYING, s.status);
    assertEquals(2, s.retryCount);
    assertEquals(NOW + 10_000_000, s.nextRetryAt, "pin: 5 s doubled once");
    assertEquals("ipfs answered 503", s.error);
    assertEquals(List.of(1L, 0L), budget());
  }

  @Test
  void afterFailure_transientBudgetSpent_deferredNotFailedNoRetrySpent() {
    Dispatcher d = dispatcher(0); // no retry ever allowed
    OpState first = d.afterFailure("x", OperationType.ADD, "ipfs", claimed(0, 3), TRANSIENT, NOW);
    assertEquals(OperationStatus.PENDING, first.status, "no retry spent yet: still pending");
    assertEquals(0, first.retryCount);
    assertEquals(3, first.maxRetries);
    assertEquals(NOW + 2_000_000, first.nextRetryAt, "write's 2 s, more than the 1 s budget bucket");
    assertEquals("ipfs answered 503" + BUDGET_NOTE, first.error);

    OpState later = d.afterFailure("x", OperationType.ADD, "ipfs", claimed(2, 3), TRANSIENT, NOW);
    assertEquals(OperationStatus.RETRYING, later.status, "a retry was spent before: stays retrying");
    assertEquals(2, later.retryCount);
    assertEquals(NOW + 8_000_000, later.nextRetryAt, "the delay retry 2 would have had");
    assertEquals(List.of(0L, 2L), budget());
  }

  @Test
  void afterFailure_retriesExhausted_failsWithoutAskingTheBudget() {
    Dispatcher d = dispatcher(0);
    OpState s = d.afterFailure("x", OperationType.ADD, "ipfs", claimed(3, 3), TRANSIENT, NOW);
    assertEquals(OperationStatus.FAILED, s.status);
    assertEquals("gave up after 3 retries: ipfs answered 503", s.error);
    assertEquals(List.of(0L, 0L), budget());
  }

  @Test
  void afterFailure_backendUnreachableWithBudget_waitsTheClassFirstDelayWithoutSpendingARetry() {
    Dispatcher d = dispatcher(1);
    OpState s = d.afterFailure("x", OperationType.GET, "ipfs", claimed(0, 5),
        new BackendUnavailableException("ipfs: connection refused", null), NOW);
    assertEquals(OperationStatus.PENDING, s.status);
    assertEquals(0, s.retryCount);
    assertEquals(NOW + 500_000, s.nextRetryAt, "read's first delay, 0.5 s");
    assertEquals(List.of(1L, 0L), budget(), "the re-run will reach the network: it takes from the budget");
  }

  @Test
  void afterFailure_backendUnreachableBudgetSpent_waitsLongerSayingWhy() {
    Dispatcher d = dispatcher(0);
    OpState s = d.afterFailure("x", OperationType.GET, "ipfs", claimed(0, 5),
        new BackendUnavailableException("ipfs: connection refused", null), NOW);
    assertEquals(OperationStatus.PENDING, s.status);
    assertEquals(0, s.retryCount);
    assertEquals(NOW + 1_000_000, s.nextRetryAt, "one bucket (a tenth of the 10 s window) beats read's 0.5 s");
    assertTrue(s.error.endsWith(BUDGET_NOTE), s.error);
    assertEquals(List.of(0L, 1L), budget());
  }

  @Test
  void afterFailure_refusedByOpenBreaker_waitsWithoutSpendingARetryOrBudget() {
    Dispatcher d = dispatcher(0);
    CallRejectedException refused = new CallRejectedException("ipfs circuit breaker is open",
        CallRejectedException.Reason.BREAKER_OPEN, Duration.ofSeconds(20));
    OpState s = d.afterFailure("x", OperationType.PIN, "ipfs", claimed(4, 10), refused, NOW);
    assertEquals(OperationStatus.RETRYING, s.status);
    assertEquals(4, s.retryCount, "no retry spent");
    assertEquals(NOW + Dispatcher.BACKEND_WAIT_MAX.toNanos() / 1000, s.nextRetryAt, "min(pin's 5 s, 5 s)");
    assertEquals("CallRejected", s.errorType);
    assertEquals(List.of(0L, 0L), budget(), "no call was made: nothing asked of the budget");
  }
}
