package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.awaitOp;
import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Retries against a backend that fails on purpose, driven by a hand-moved clock. */
@Timeout(60)
class WalRetryTest {
  static final Duration RETRY_DELAY = Duration.ofSeconds(10);
  @TempDir java.nio.file.Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  final ScriptedBackend local = new ScriptedBackend("local");
  WriteAheadLog wal;

  private void open(int maxRetries) throws Exception {
    wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, maxRetries, RETRY_DELAY),
        backends(local), clock, new WriteAheadLog.Options(null, null, false));
  }

  @AfterEach
  void close() throws Exception {
    if (wal != null) wal.close();
  }

  private void nextAttempt() {
    clock.advance(Duration.ofMinutes(2)); // past any backoff: max_retry_delay is 60 s
    wal.wakeProcessor();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void processor_backendFailsNTimes_completesWithRetryCountNAndIntactParameters(int failures) throws Exception {
    open(5);
    local.failNext(failures);
    ObjectNode params = content("flaky");
    params.putObject("meta").put("tag", "keep-me");
    String id = wal.add(new NewOperation(OperationType.ADD, "local", params)).operationId();
    for (int k = 1; k <= failures; k++) {
      int want = k;
      Operation op = awaitOp(wal, id, "retry " + k, o -> o.retryCount() >= want || o.status().isTerminal());
      assertEquals(params, op.parameters(), "parameters after retry " + k);
      if (op.status() == OperationStatus.RETRYING && op.retryCount() == k) {
        Instant now = clock.instant();
        long capMillis = Math.min(60_000, RETRY_DELAY.toMillis() << (k - 1));
        assertTrue(!op.nextRetryAt().isBefore(now) && !op.nextRetryAt().isAfter(now.plusMillis(capMillis)),
            "next_retry_at " + op.nextRetryAt() + " within full-jitter cap " + capMillis + " ms of " + now);
        assertEquals("local answered 503 Service Unavailable", op.error());
        assertEquals("Storage", op.errorType());
      }
      nextAttempt();
    }
    Operation done = wal.waitFor(id, Duration.ofSeconds(20));
    assertEquals(OperationStatus.COMPLETED, done.status());
    assertEquals(failures, done.retryCount());
    assertEquals(params, done.parameters());
    assertNull(done.error());
    assertEquals(failures + 1, local.calls.get());
    assertEquals(failures, wal.metrics().backends().get("local").retries());
  }

  @Test
  void processor_retriesExhausted_failsWithLastErrorAndMaxRetryCount() throws Exception {
    open(2);
    local.failNext(Integer.MAX_VALUE);
    ObjectNode params = content("never");
    String id = wal.add(new NewOperation(OperationType.ADD, "local", params)).operationId();
    for (int k = 1; k <= 2; k++) {
      int want = k;
      awaitOp(wal, id, "retry " + k, o -> o.retryCount() >= want);
      nextAttempt();
    }
    Operation failed = wal.waitFor(id, Duration.ofSeconds(20));
    assertEquals(OperationStatus.FAILED, failed.status());
    assertEquals(2, failed.retryCount());
    assertEquals("gave up after 2 retries: local answered 503 Service Unavailable", failed.error());
    assertEquals("Storage", failed.errorType());
    assertEquals(params, failed.parameters());
    assertEquals(3, local.calls.get());
    assertEquals(1, wal.metrics().backends().get("local").failed());
    assertEquals(clock.instant(), failed.completedAt());
  }

  @Test
  void processor_backendOffline_waitsWithoutSpendingRetriesThenCompletes() throws Exception {
    open(1);
    local.setOffline(true);
    ObjectNode params = content("patient");
    String id = wal.add(new NewOperation(OperationType.ADD, "local", params)).operationId();
    for (int round = 1; round <= 3; round++) {
      Instant attemptAt = clock.instant();
      Operation op = awaitOp(wal, id, "offline attempt " + round,
          o -> o.status() != OperationStatus.PROCESSING && "BackendUnavailable".equals(o.errorType())
              && o.updatedAt().equals(attemptAt));
      assertEquals(OperationStatus.PENDING, op.status());
      assertEquals(0, op.retryCount(), "an offline backend must not burn retries");
      assertEquals(attemptAt.plus(Duration.ofSeconds(5)), op.nextRetryAt());
      assertEquals(params, op.parameters());
      nextAttempt();
    }
    local.setOffline(false);
    nextAttempt();
    Operation done = wal.waitFor(id, Duration.ofSeconds(20));
    assertEquals(OperationStatus.COMPLETED, done.status());
    assertEquals(0, done.retryCount());
    assertEquals(params, done.parameters());
  }

  @Test
  void processor_contentNotFound_failsAtOnceWithoutRetry() throws Exception {
    open(5);
    String id = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("bafy-missing"))).operationId();
    Operation failed = wal.waitFor(id, Duration.ofSeconds(20));
    assertEquals(OperationStatus.FAILED, failed.status());
    assertEquals(0, failed.retryCount());
    assertEquals("ContentNotFound", failed.errorType());
    assertEquals("local backend has no content with cid bafy-missing", failed.error());
  }

  @Test
  void processor_higherPriorityQueuedLater_runsFirst() throws Exception {
    // one worker per backend in the test config: the order of backend calls is the order of runs
    wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS), backends(local), clock,
        new WriteAheadLog.Options(null, null, true));
    String low = wal.add(new NewOperation(OperationType.ADD, "local", content("low"), 1)).operationId();
    String mid = wal.add(new NewOperation(OperationType.ADD, "local", content("mid"), 5)).operationId();
    String high = wal.add(new NewOperation(OperationType.ADD, "local", content("high"), 9)).operationId();
    String mid2 = wal.add(new NewOperation(OperationType.ADD, "local", content("mid, queued later"), 5)).operationId();
    wal.resumeProcessing();
    for (String id : List.of(low, mid, high, mid2))
      assertEquals(OperationStatus.COMPLETED, wal.waitFor(id, Duration.ofSeconds(20)).status());
    assertEquals(List.of("add:high", "add:mid", "add:mid, queued later", "add:low"), local.callOrder);
  }
}
