package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.ResilienceConfig.Budget;
import io.ipfskit.core.resilience.ResilienceConfig.Concurrency;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public entry over a real in-memory backend, on a fake clock whose sleeps move the clock. */
class ResilienceTest {
  final FakeTime time = new FakeTime();
  final FlakyBackend ipfs = new FlakyBackend("ipfs", time);
  final List<Duration> slept = new ArrayList<>();

  Resilience resilience(ResilienceConfig c) {
    return new Resilience(c, time, time::nanos, RetryPolicyTest.LOWEST, d -> {
      slept.add(d);
      time.advance(d);
    });
  }

  Resilience resilience() {
    return resilience(Configs.config(Configs.breaker(), Configs.ramp(RampStrategy.STEP)));
  }

  static ResilienceConfig with(ResilienceConfig c, Budget b, Concurrency k) {
    return new ResilienceConfig(c.breaker(), c.ramp(), c.retry(), b, k, c.peers());
  }

  static String text(StorageBackend b, String cid) throws StorageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.get(cid, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void wrap_backendGoesDown_breakerOpensAndLaterCallsFailFastWithoutReachingIt() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    ipfs.offline = true;
    for (int i = 0; i < 2; i++) assertThrows(StorageException.class, () -> b.pin("id-x"));
    for (int i = 0; i < 50; i++) {
      CallRejectedException e = assertThrows(CallRejectedException.class, () -> b.pin("id-x"));
      assertEquals(StorageErrorClass.UNAVAILABLE, e.errorClass());
    }
    assertEquals(2, ipfs.calls.get(), "48 wasted calls saved");
    assertEquals(BreakerState.OPEN, r.breaker("ipfs").orElseThrow().state());
    assertEquals(50, r.breaker("ipfs").orElseThrow().notPermittedCalls());
  }

  @Test
  void wrap_backendComesBack_halfOpensClosesThenRampsUpToFullTraffic() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    String cid = b.add(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8))).cid();
    ipfs.offline = true;
    assertThrows(StorageException.class, () -> b.pin(cid));
    assertThrows(StorageException.class, () -> b.pin(cid));
    assertEquals(BreakerState.OPEN, r.breaker("ipfs").orElseThrow().state());
    ipfs.offline = false;
    time.advance(Duration.ofSeconds(11));
    b.pin(cid); // probe 1: half-open
    b.pin(cid); // probe 2: closes, the ramp starts at 25 %
    BreakerStatus s = r.breaker("ipfs").orElseThrow();
    assertEquals(BreakerState.CLOSED, s.state());
    assertTrue(s.recovering());
    assertEquals(0.25, s.admittedRate());
    StringBuilder pattern = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      try {
        b.pin(cid);
        pattern.append('T');
      } catch (CallRejectedException e) {
        assertEquals(CallRejectedException.Reason.RECOVERING, e.reason());
        assertEquals("ipfs is recovering: admitting 25 % of calls, this one was held back", e.getMessage());
        pattern.append('F');
      }
    }
    assertEquals("TFFTFFFT", pattern.toString());
    time.advance(Duration.ofSeconds(30)); // STEP: 25 % + 3 × 25 % = 100 %
    for (int i = 0; i < 4; i++) b.pin(cid); // the ramp's success threshold
    assertFalse(r.breaker("ipfs").orElseThrow().recovering());
    assertEquals("hello", text(b, cid));
    assertEquals(List.of("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED"), r.breaker("ipfs").orElseThrow().history()
        .stream().map(t -> t.from() + ">" + t.to()).toList());
  }

  @Test
  void wrap_notFoundAndPermanentErrors_passThroughAndNeverOpen() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    for (int i = 0; i < 10; i++) {
      StorageException e = assertThrows(StorageException.class, () -> b.pin("id-missing"));
      assertEquals(StorageErrorClass.NOT_FOUND, e.errorClass());
    }
    ipfs.failNext(10, StorageErrorClass.PERMANENT);
    for (int i = 0; i < 10; i++) assertThrows(StorageException.class, () -> b.unpin("id-x"));
    assertEquals(BreakerState.CLOSED, r.breaker("ipfs").orElseThrow().state());
  }

  @Test
  void wrap_atTheAdaptiveLimit_refusesTheExtraCallWithoutReachingTheBackend() throws Exception {
    Resilience r = resilience(with(Configs.config(Configs.breaker(), Configs.noRamp()), ResilienceConfig.defaults().budget(),
        new Concurrency(1, 1, 4, Duration.ofSeconds(1), 0.5)));
    ResilientBackend b = (ResilientBackend) r.wrap(ipfs);
    CallRejectedException e = assertThrows(CallRejectedException.class, () -> b.guarded(() -> {
      b.unpin("id-a"); // a second call while the first is in flight
      return null;
    }));
    assertEquals(CallRejectedException.Reason.CONCURRENCY_LIMIT, e.reason());
    assertEquals("ipfs has 1 calls in flight, at its adaptive limit of 1; call refused without contacting the backend",
        e.getMessage());
    assertEquals(0, ipfs.calls.get());
    assertEquals(BreakerState.CLOSED, r.breaker("ipfs").orElseThrow().state(), "a refusal is not a backend failure");
  }

  @Test
  void wrap_slowBackend_shrinksTheLimitAndFastCallsGrowItBack() throws Exception {
    Resilience r = resilience(with(Configs.config(Configs.breaker(), Configs.noRamp()), ResilienceConfig.defaults().budget(),
        new Concurrency(2, 1, 4, Duration.ofMillis(100), 0.5)));
    StorageBackend b = r.wrap(ipfs);
    ipfs.latency = Duration.ofMillis(500);
    b.unpin("id-a");
    assertEquals(1, r.concurrencyLimit("ipfs").orElseThrow());
    ipfs.latency = Duration.ofMillis(5);
    b.unpin("id-a");
    assertEquals(2, r.concurrencyLimit("ipfs").orElseThrow(), "1 in flight of a limit of 1: busy, so +1");
  }

  @Test
  void retrying_transientFailures_retriesAfterThePolicyDelaysThenSucceeds() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    String cid = b.add(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))).cid();
    r.reset("ipfs", "test setup");
    ipfs.failNext(1, StorageErrorClass.TRANSIENT);
    r.retrying("ipfs", OperationClass.READ, () -> text(b, cid));
    assertEquals(List.of(Duration.ofMillis(500)), slept, "read: from 0.5 s");
    assertEquals(1, r.retryFigures("ipfs").retriesGranted());
  }

  @Test
  void retrying_retriesExhausted_throwsTheLastFailureAfterMaxRetries() {
    Resilience r = resilience(Configs.config(new ResilienceConfig.Breaker(50, 50, Duration.ofSeconds(1),
        ResilienceConfig.WindowType.COUNT, 100, 100, Duration.ofSeconds(10), 2, 10), Configs.noRamp()));
    StorageBackend b = r.wrap(ipfs);
    ipfs.failNext(100, StorageErrorClass.TRANSIENT);
    StorageException e = assertThrows(StorageException.class,
        () -> r.retrying("ipfs", OperationClass.DELETE, () -> {
          b.remove("id-x");
          return null;
        }));
    assertEquals("ipfs failed (TRANSIENT)", e.getMessage());
    assertEquals(4, ipfs.calls.get(), "delete: 3 retries");
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), slept, "linear from 1 s");
  }

  @Test
  void retrying_permanentFailure_isNotRetried() {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    ipfs.failNext(1, StorageErrorClass.PERMANENT);
    assertThrows(StorageException.class, () -> r.retrying("ipfs", OperationClass.PIN, () -> {
      b.pin("id-x");
      return null;
    }));
    assertEquals(1, ipfs.calls.get());
    assertEquals(List.of(), slept);
  }

  @Test
  void retrying_breakerOpen_failsFastWithoutWaitingOrRetrying() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    r.forceOpen("ipfs", "test");
    assertInstanceOf(CallRejectedException.class, assertThrows(StorageException.class,
        () -> r.retrying("ipfs", OperationClass.PIN, () -> {
          b.pin("id-x");
          return null;
        })));
    assertEquals(0, ipfs.calls.get());
    assertEquals(List.of(), slept);
  }

  @Test
  void onTransition_forceOpenThenReset_listenerToldEachWithNameAndCause() {
    Resilience r = resilience();
    r.wrap(ipfs);
    List<String> told = new java.util.ArrayList<>();
    r.onTransition((name, t) -> told.add(name + " " + t.from() + "->" + t.to() + " " + t.cause()));
    r.forceOpen("ipfs", "node maintenance");
    r.reset("ipfs", "maintenance over");
    assertEquals(2, told.size(), told.toString());
    assertEquals("ipfs CLOSED->FORCED_OPEN", told.get(0).substring(0, "ipfs CLOSED->FORCED_OPEN".length()), told.toString());
    assertTrue(told.get(0).contains("node maintenance"), told.toString());
    assertTrue(told.get(1).startsWith("ipfs FORCED_OPEN->CLOSED"), told.toString());
    r.onTransition((name, t) -> { throw new IllegalStateException("a broken listener"); });
    r.forceOpen("ipfs", "again"); // a throwing listener does not break the breaker
    assertEquals(BreakerState.FORCED_OPEN, r.breaker("ipfs").orElseThrow().state());
  }

  @Test
  void retrying_budgetSpent_throwsTheFailureSayingWhyItWasNotRetried() {
    Resilience r = resilience(with(Configs.config(Configs.breaker(), Configs.noRamp()), new Budget(0, 0,
        Duration.ofSeconds(10)), ResilienceConfig.defaults().concurrency()));
    ipfs.failNext(1, StorageErrorClass.TRANSIENT);
    StorageException e = assertThrows(StorageException.class, () -> r.retrying("ipfs", OperationClass.PIN, () -> {
      ipfs.pin("id-x");
      return null;
    }));
    assertEquals("not retried: the retry budget of backend 'ipfs' is spent (0.0 of the calls in the last 10 s)",
        e.getSuppressed()[0].getMessage());
    assertEquals(1, r.retryFigures("ipfs").retriesDenied());
  }

  @Test
  void guardPeer_onePeerFailing_opensOnlyThatPeersBreaker() throws Exception {
    Resilience r = resilience();
    for (int i = 0; i < 2; i++)
      assertThrows(StorageException.class, () -> r.guardPeer("ipfs", "bad", () -> {
        throw new StorageException("timeout", StorageErrorClass.TRANSIENT);
      }));
    assertThrows(CallRejectedException.class, () -> r.guardPeer("ipfs", "bad", () -> "never"));
    assertEquals("ok", r.guardPeer("ipfs", "good", () -> "ok"));
    r.wrap(ipfs);
    assertEquals(List.of("ipfs:CLOSED", "ipfs@bad:OPEN", "ipfs@good:CLOSED"),
        r.breakers().stream().map(s -> s.name() + ":" + s.state()).toList());
  }

  @Test
  void forceOpen_unknownBreaker_errorNamesTheKnownOnes() {
    Resilience r = resilience();
    r.wrap(ipfs);
    r.wrap(new FlakyBackend("s3", time));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.forceOpen("ipfz", "typo"));
    assertEquals("breaker must be one of [ipfs, s3], but was 'ipfz'", e.getMessage());
  }

  @Test
  void forceClosed_thenReset_statusShowsEachStep() {
    Resilience r = resilience();
    r.wrap(ipfs);
    assertEquals(BreakerState.FORCED_CLOSED, r.forceClosed("ipfs", "ops").state());
    assertEquals(BreakerState.CLOSED, r.reset("ipfs", "ops done").state());
    assertEquals(2, r.breaker("ipfs").orElseThrow().transitions());
  }

  @Test
  void healthyProbe_openBreaker_halfOpensItOthersUntouched() throws Exception {
    Resilience r = resilience();
    StorageBackend b = r.wrap(ipfs);
    assertFalse(r.healthyProbe("ipfs"), "closed: nothing to do");
    assertFalse(r.healthyProbe("s3"), "never wrapped: no breaker");
    ipfs.offline = true;
    for (int i = 0; i < 2; i++) assertThrows(StorageException.class, () -> b.pin("id-x"));
    assertEquals(BreakerState.OPEN, r.breaker("ipfs").orElseThrow().state());
    ipfs.offline = false;
    assertTrue(r.healthyProbe("ipfs"));
    BreakerStatus s = r.breaker("ipfs").orElseThrow();
    assertEquals(BreakerState.HALF_OPEN, s.state());
    assertEquals(Resilience.HEALTHY_PROBE_CAUSE, s.history().get(s.history().size() - 1).cause());
    b.unpin("id-x");
    b.unpin("id-x");
    assertEquals(BreakerState.CLOSED, r.breaker("ipfs").orElseThrow().state(), "the two probes closed it");
  }
}
