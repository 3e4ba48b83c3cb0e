package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One breaker alone, on a fake clock: every transition, what counts, control and history. */
class BreakerTest {
  final FakeTime time = new FakeTime();
  Breaker breaker = new Breaker("ipfs", Configs.breaker(), Configs.noRamp(), time, time::nanos);

  static final StorageException TRANSIENT = new StorageException("ipfs answered 503", StorageErrorClass.TRANSIENT);

  void succeed(long nanos) throws CallRejectedException {
    breaker.acquire();
    breaker.onResult(nanos, null);
  }

  void fail(Throwable t) throws CallRejectedException {
    breaker.acquire();
    breaker.onResult(1_000_000, t);
  }

  void open() throws CallRejectedException {
    succeed(1_000_000);
    fail(TRANSIENT);
    assertEquals(BreakerState.OPEN, breaker.state());
  }

  List<BreakerTransition> history() {
    return breaker.status().history();
  }

  @Nested
  class Classify {
    @ParameterizedTest
    @EnumSource(StorageErrorClass.class)
    void classify_storageErrorClass_countsAsDocumented(StorageErrorClass c) {
      Breaker.Outcome want = switch (c) {
        case NOT_FOUND -> Breaker.Outcome.SUCCESS;
        case UNAVAILABLE, TRANSIENT -> Breaker.Outcome.FAILURE;
        case PERMANENT -> Breaker.Outcome.IGNORED;
      };
      assertEquals(want, Breaker.classify(new StorageException("x", c)));
    }

    @Test
    void classify_otherThrowables_unexpectedFailsCancelledIgnored() {
      assertEquals(Breaker.Outcome.SUCCESS, Breaker.classify(null));
      assertEquals(Breaker.Outcome.FAILURE, Breaker.classify(new IllegalStateException("bug")));
      assertEquals(Breaker.Outcome.FAILURE, Breaker.classify(new IOException("reset by peer")));
      assertEquals(Breaker.Outcome.IGNORED, Breaker.classify(new java.io.InterruptedIOException("stopped")));
    }
  }

  @Test
  void onResult_failureRateReachesThreshold_opensRecordingTimeAndCause() throws Exception {
    succeed(1_000_000);
    time.advance(Duration.ofSeconds(3));
    fail(TRANSIENT);
    assertEquals(BreakerState.OPEN, breaker.state());
    BreakerTransition t = history().get(0);
    assertEquals(BreakerState.CLOSED, t.from());
    assertEquals(BreakerState.OPEN, t.to());
    assertEquals(FakeTime.START.plusSeconds(3), t.at());
    assertEquals("failure rate 50.0 % >= 50 % over 2 calls; last failure: TRANSIENT: ipfs answered 503", t.cause());
  }

  @Test
  void onResult_belowMinimumCalls_staysClosedWhateverTheRate() throws Exception {
    fail(TRANSIENT);
    assertEquals(BreakerState.CLOSED, breaker.state());
    assertEquals(-1f, breaker.status().failureRatePercent());
  }

  @Test
  void onResult_slowCallsReachSlowRate_opensNamingSlowCalls() throws Exception {
    succeed(Duration.ofSeconds(2).toNanos());
    succeed(Duration.ofSeconds(2).toNanos());
    assertEquals(BreakerState.OPEN, breaker.state());
    assertEquals("slow call rate 100.0 % >= 50 % (calls of 1000 ms or more) over 2 calls; last failure: none",
        history().get(0).cause());
  }

  @Test
  void onResult_notFoundAnswers_countAsSuccessesAndNeverOpen() throws Exception {
    for (int i = 0; i < 10; i++) fail(new ContentNotFoundException("ipfs", "bafk" + i));
    assertEquals(BreakerState.CLOSED, breaker.state());
    assertEquals(0f, breaker.status().failureRatePercent());
    assertEquals(4, breaker.status().callsInWindow());
  }

  @Test
  void onResult_permanentFailures_areNotCountedAtAll() throws Exception {
    for (int i = 0; i < 10; i++) fail(new StorageException("invalid cid", StorageErrorClass.PERMANENT));
    assertEquals(BreakerState.CLOSED, breaker.state());
    assertEquals(0, breaker.status().callsInWindow());
  }

  @Test
  void acquire_whileOpen_refusesWithoutCallingAndSaysWhenToComeBack() throws Exception {
    open();
    time.advance(Duration.ofSeconds(4));
    CallRejectedException e = assertThrows(CallRejectedException.class, breaker::acquire);
    assertEquals(CallRejectedException.Reason.BREAKER_OPEN, e.reason());
    assertEquals(StorageErrorClass.UNAVAILABLE, e.errorClass());
    assertEquals(Duration.ofSeconds(6), e.retryAfter());
    assertTrue(e.getMessage().startsWith("ipfs circuit breaker is open (failure rate 50.0 % >= 50 %"), e.getMessage());
    assertEquals(1, breaker.status().notPermittedCalls());
  }

  @Test
  void acquire_afterWaitInOpen_halfOpensAndLetsOnlyTheProbesThrough() throws Exception {
    open();
    time.advance(Duration.ofSeconds(10).plusMillis(1));
    breaker.acquire();
    assertEquals(BreakerState.HALF_OPEN, breaker.state());
    breaker.acquire();
    CallRejectedException third = assertThrows(CallRejectedException.class, breaker::acquire);
    assertTrue(third.getMessage().startsWith("ipfs circuit breaker is half_open"), third.getMessage());
    BreakerTransition t = history().get(1);
    assertEquals(BreakerState.OPEN, t.from());
    assertEquals(BreakerState.HALF_OPEN, t.to());
    assertEquals("open for 10000 ms; letting 2 probe calls through", t.cause());
  }

  @Test
  void halfOpen_probesSucceed_closes() throws Exception {
    open();
    time.advance(Duration.ofSeconds(11));
    succeed(1_000_000);
    succeed(1_000_000);
    assertEquals(BreakerState.CLOSED, breaker.state());
    assertEquals("2 probe calls passed: failure and slow call rates under 50 % and 50 %", history().get(2).cause());
  }

  @Test
  void halfOpen_aProbeFails_reopensForAnotherWait() throws Exception {
    open();
    time.advance(Duration.ofSeconds(11));
    succeed(1_000_000);
    fail(new BackendUnavailableException("ipfs refused the connection", null));
    assertEquals(BreakerState.OPEN, breaker.state());
    assertEquals("failure rate 50.0 % >= 50 % over 2 probe calls; last failure: UNAVAILABLE: ipfs refused the connection",
        history().get(2).cause());
    time.advance(Duration.ofSeconds(9));
    assertThrows(CallRejectedException.class, breaker::acquire);
  }

  @Test
  void halfOpen_permanentFailure_givesTheProbeSlotBack() throws Exception {
    open();
    time.advance(Duration.ofSeconds(11));
    fail(new StorageException("access denied", StorageErrorClass.PERMANENT));
    breaker.acquire();
    breaker.acquire(); // still two probe slots: the ignored call gave its one back
    assertEquals(BreakerState.HALF_OPEN, breaker.state());
  }

  @Test
  void forceOpen_closedBreaker_refusesUntilResetAndRecordsTheReason() throws Exception {
    breaker.forceOpen("maintenance window");
    CallRejectedException e = assertThrows(CallRejectedException.class, breaker::acquire);
    assertTrue(e.getMessage().startsWith("ipfs circuit breaker is forced_open (forced open: maintenance window)"),
        e.getMessage());
    time.advance(Duration.ofHours(1));
    assertThrows(CallRejectedException.class, breaker::acquire, "a forced open breaker never half-opens");
    breaker.reset("maintenance over");
    breaker.acquire();
    assertEquals(List.of(
        new BreakerTransition(FakeTime.START, BreakerState.CLOSED, BreakerState.FORCED_OPEN, "forced open: maintenance window"),
        new BreakerTransition(FakeTime.START.plusSeconds(3600), BreakerState.FORCED_OPEN, BreakerState.CLOSED,
            "reset: maintenance over")), history());
  }

  @Test
  void forceClosed_failingBackend_letsEverythingThroughButStillMeasures() throws Exception {
    breaker.forceClosed("operator knows better");
    for (int i = 0; i < 6; i++) fail(TRANSIENT);
    assertEquals(BreakerState.FORCED_CLOSED, breaker.state());
    assertEquals(100f, breaker.status().failureRatePercent());
    assertEquals("forced closed: operator knows better", history().get(0).cause());
  }

  @Test
  void halfOpenEarly_openBreaker_halfOpensBeforeTheWaitThenProbesClose() throws Exception {
    open();
    time.advance(Duration.ofSeconds(1)); // 9 s of the 10 s open wait left
    assertTrue(breaker.halfOpenEarly("health probe succeeded"));
    assertEquals(BreakerState.HALF_OPEN, breaker.state());
    assertEquals(new BreakerTransition(FakeTime.START.plusSeconds(1), BreakerState.OPEN, BreakerState.HALF_OPEN,
        "health probe succeeded"), history().get(history().size() - 1));
    succeed(1_000_000);
    succeed(1_000_000);
    assertEquals(BreakerState.CLOSED, breaker.state(), "the two probes decide, as after the wait");
  }

  @Test
  void halfOpenEarly_probeCallFails_opensAgainForAFullWait() throws Exception {
    open();
    assertTrue(breaker.halfOpenEarly("health probe succeeded"));
    fail(TRANSIENT);
    fail(TRANSIENT);
    assertEquals(BreakerState.OPEN, breaker.state());
    time.advance(Duration.ofSeconds(9));
    assertThrows(CallRejectedException.class, breaker::acquire, "a new 10 s wait");
  }

  @Test
  void halfOpenEarly_notOpen_leavesTheBreakerAndItsHistoryAlone() throws Exception {
    assertFalse(breaker.halfOpenEarly("health probe succeeded"), "closed");
    breaker.forceOpen("maintenance");
    assertFalse(breaker.halfOpenEarly("health probe succeeded"), "forced open stays until the operator says");
    assertEquals(BreakerState.FORCED_OPEN, breaker.state());
    breaker.reset("done");
    open();
    time.advance(Duration.ofSeconds(11));
    breaker.acquire(); // half-open by the wait
    assertFalse(breaker.halfOpenEarly("health probe succeeded"), "already half-open");
    assertEquals(4, breaker.status().transitions(), "forced, reset, opened, half-opened: nothing more");
  }

  @Test
  void reset_openBreaker_closesWithAnEmptyWindow() throws Exception {
    open();
    breaker.reset("backend replaced");
    assertEquals(BreakerState.CLOSED, breaker.state());
    assertEquals(0, breaker.status().callsInWindow());
    assertEquals(2, breaker.status().transitions());
  }

  @Test
  void history_moreTransitionsThanItsSize_keepsTheLatest() throws Exception {
    breaker = new Breaker("s3", new ResilienceConfig.Breaker(50, 50, Duration.ofSeconds(1),
        ResilienceConfig.WindowType.COUNT, 4, 2, Duration.ofSeconds(10), 2, 2), Configs.noRamp(), time, time::nanos);
    breaker.forceOpen("1");
    breaker.forceClosed("2");
    breaker.reset("3");
    BreakerStatus s = breaker.status();
    assertEquals(3, s.transitions());
    assertEquals(List.of("forced closed: 2", "reset: 3"), s.history().stream().map(BreakerTransition::cause).toList());
  }

  @Test
  void timeWindow_failuresOlderThanTheWindow_areForgotten() throws Exception {
    breaker = new Breaker("s3", new ResilienceConfig.Breaker(50, 100, Duration.ofSeconds(1),
        ResilienceConfig.WindowType.TIME, 10, 2, Duration.ofSeconds(10), 2, 10), Configs.noRamp(), time, time::nanos);
    fail(TRANSIENT);
    time.advance(Duration.ofSeconds(11));
    succeed(1_000_000);
    succeed(1_000_000);
    assertEquals(BreakerState.CLOSED, breaker.state(), "the failure 11 s ago fell out of the 10 s window");
    assertFalse(breaker.status().failureRatePercent() > 0);
  }
}
