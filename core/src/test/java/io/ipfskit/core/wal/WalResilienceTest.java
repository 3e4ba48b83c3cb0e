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
}
