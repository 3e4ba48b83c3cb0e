package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.awaitOp;
import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.RampStrategy;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.storage.StorageBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's dispatcher running operations through the resilience layer (a wrapped backend): an
 * operation that meets an open breaker waits without spending its retries, and completes once the
 * breaker lets a probe through. Driven by a hand-moved clock.
 */
@Timeout(60)
class WalResilienceTest {
  @TempDir java.nio.file.Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  final ScriptedBackend local = new ScriptedBackend("local");
  WriteAheadLog wal;

  @AfterEach
  void close() throws Exception {
    if (wal != null) wal.close();
  }

  @Test
  void processor_breakerOpenAfterTheLastAllowedRetry_waitsWithoutFailingThenCompletes() throws Exception {
    ResilienceConfig d = ResilienceConfig.defaults();
    // One failure in a window of one call opens the breaker for 10 minutes; no ramp after it closes.
    ResilienceConfig c = new ResilienceConfig(
        new ResilienceConfig.Breaker(50, 100, Duration.ofMinutes(1), ResilienceConfig.WindowType.COUNT, 1, 1,
            Duration.ofMinutes(10), 1, 10),
        new ResilienceConfig.Ramp(RampStrategy.NONE, 0.1, 0.1, Duration.ofSeconds(1), 0, 1, Duration.ofMinutes(1),
            Duration.ZERO),
        d.retry(), d.budget(), d.concurrency(), d.peers());
    Resilience resilience = Resilience.create(c, clock, () -> WriteAheadLog.micros(clock.instant()) * 1000);
    StorageBackend wrapped = resilience.wrap(local);
    wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 1, Duration.ofSeconds(10)),
        Map.of("local", wrapped), clock, new WriteAheadLog.Options(null, null, false));
    local.failNext(1);
    String id = wal.add(new NewOperation(OperationType.ADD, "local", content("guarded"))).operationId();

    Operation retrying = awaitOp(wal, id, "the one allowed retry", o -> o.status() == OperationStatus.RETRYING);
    assertEquals(1, retrying.retryCount());
    assertEquals(BreakerState.OPEN, resilience.breaker("local").orElseThrow().state());

    clock.advance(Duration.ofMinutes(2)); // past the backoff (at most 10 s), not past the breaker's 10 min
    Instant attemptAt = clock.instant();
    wal.wakeProcessor();
    Operation waiting = awaitOp(wal, id, "the attempt refused by the open breaker",
        o -> o.status() == OperationStatus.RETRYING && o.updatedAt().equals(attemptAt));
    assertEquals(1, waiting.retryCount(), "a refusal by the breaker spends no retry");
    assertEquals("CallRejected", waiting.errorType());
    assertEquals(attemptAt.plusSeconds(5), waiting.nextRetryAt(), "waits min(retry_delay, 5 s) like an offline backend");
    assertEquals(1, local.calls.get(), "the backend was not contacted");

    clock.advance(Duration.ofMinutes(11)); // past the open wait: the next attempt is the half-open probe
    wal.wakeProcessor();
    Operation done = wal.waitFor(id, Duration.ofSeconds(20));
    assertEquals(OperationStatus.COMPLETED, done.status());
    assertEquals(1, done.retryCount());
    assertEquals(2, local.calls.get());
    assertEquals(BreakerState.CLOSED, resilience.breaker("local").orElseThrow().state());
  }

  /**
   * The per-class policies and the retry budget in the running log: a 30 s outage of the backend
   * itself (every call refused), 10 adds queued, the clock moved a second at a time. Retries may add
   * 1 a second over a 10 s window (ratio 0): every backend call after an operation's first must have
   * been granted, deferred operations wait without failing, and all complete once the backend returns.
   */
  @Test
  void processor_longOutageTightBudget_callsCappedByTheBudgetNoneFailedAllCompleteAfter() throws Exception {
    ResilienceConfig d = ResilienceConfig.defaults();
    Resilience layer = Resilience.create(new ResilienceConfig(d.breaker(), d.ramp(), d.retry(),
        new ResilienceConfig.Budget(0, 1, Duration.ofSeconds(10)), d.concurrency(), d.peers()), clock,
        () -> WriteAheadLog.micros(clock.instant()) * 1000);
    wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 7, Duration.ofSeconds(10)),
        Map.of("local", local), clock, new WriteAheadLog.Options(null, null, true), // paused until the pin is gone
        WalRetries.perClass(layer, java.util.Set.of(), WalRetriesTest.NO_JITTER));
    local.setOffline(true);
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++)
      ids.add(wal.add(new NewOperation(OperationType.ADD, "local", content("queued " + i))).operationId());
    String pin = wal.add(new NewOperation(OperationType.PIN, "local", cidParams("sha256-00"))).operationId();
    assertEquals(3, wal.get(ids.get(0)).orElseThrow().maxRetries(), "write: 3 retries (IPFS_KIT_RETRY_WRITE_*)");
    assertEquals(10, wal.get(pin).orElseThrow().maxRetries(), "pin: 10 retries (IPFS_KIT_RETRY_PIN_*)");
    wal.cancel(pin);
    wal.resumeProcessing();

    for (int second = 0; second < 30; second++) {
      clock.advance(Duration.ofSeconds(1));
      wal.wakeProcessor();
      quiet(wal);
    }
    Resilience.RetryFigures f = layer.retryFigures("local");
    int calls = local.calls.get();
    org.junit.jupiter.api.Assertions.assertTrue(calls <= 10 + f.retriesGranted(),
        "every call after an operation's first was granted by the budget: " + calls + " calls, " + f);
    org.junit.jupiter.api.Assertions.assertTrue(f.retriesGranted() <= 40, "10 a window, 4 windows at most: " + f);
    org.junit.jupiter.api.Assertions.assertTrue(f.retriesDenied() > 0, f.toString());
    for (String id : ids) {
      Operation op = wal.get(id).orElseThrow();
      org.junit.jupiter.api.Assertions.assertTrue(op.status() == OperationStatus.PENDING
          || op.status() == OperationStatus.PROCESSING, "waiting, not failed: " + op);
      assertEquals(0, op.retryCount(), "an unreachable backend spends no retry");
    }

    local.setOffline(false);
    for (int second = 0; second < 120
        && !ids.stream().allMatch(id -> wal.get(id).orElseThrow().status() == OperationStatus.COMPLETED); second++) {
      clock.advance(Duration.ofSeconds(1));
      wal.wakeProcessor();
      quiet(wal);
    }
    for (String id : ids) assertEquals(OperationStatus.COMPLETED, wal.get(id).orElseThrow().status(), id);
  }

  private static tools.jackson.databind.node.ObjectNode cidParams(String cid) {
    tools.jackson.databind.node.ObjectNode p = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    p.put("cid", cid);
    return p;
  }

  /** Lets the workers act on the moved clock: returns after 100 ms without a visible change (or 5 s). */
  private static void quiet(WriteAheadLog wal) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < end) {
      try {
        wal.nextVisibleChange().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException quietNow) {
        return;
      }
    }
  }
}
