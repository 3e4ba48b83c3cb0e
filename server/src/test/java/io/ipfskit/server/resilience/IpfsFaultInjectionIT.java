package io.ipfskit.server.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.CallRejectedException;
import io.ipfskit.core.resilience.OperationClass;
import io.ipfskit.core.resilience.RampStrategy;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.resilience.RetryPolicy;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.core.wal.FsyncMode;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalRetries;
import io.ipfskit.core.wal.WriteAheadLog;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.BreakerTransition;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.HealthMonitor;
import io.ipfskit.core.storage.HealthThresholds;
import io.ipfskit.server.faults.FaultProxy;
import io.ipfskit.server.testing.JsIpfsNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault injection between the {@code ipfs} backend and a real IPFS node (js-ipfs): a {@link
 * FaultProxy} of our own sits on the loopback between {@link IpfsBackend} and the node, and the
 * backend is wrapped by the core {@link Resilience} layer on a {@link ShiftedTime} (real durations,
 * so slow calls are slow; the layer's waits skipped by moving the clock). What is checked is on the
 * proxy (connections accepted) and on the node itself ({@code pin/ls} through the JDK's HTTP client).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IpfsFaultInjectionIT {
  private static final String IPFS = "ipfs"; // the backend's name
  private static final Duration SLOW = Duration.ofSeconds(1);
  private static final Duration OPEN_WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private JsIpfsNode node;
  private IpfsBackend direct; // straight to the node, for setting up content

  @BeforeAll
  void start() throws Exception {
    node = JsIpfsNode.start(dir.resolve("node"));
    direct = IpfsBackend.open(new IpfsConfig(node.api(), Duration.ofSeconds(5), true));
  }

  @AfterAll
  void stop() {
    if (direct != null) direct.close();
    if (node != null) node.close();
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Count window of 4, 2 calls minimum, open at 50 % failures or 50 % slow calls (>= 1 s), 30 s
   * open, 2 half-open probes; linear ramp from 25 % by 25 % per 10 s, 4 successes to finish.
   */
  static ResilienceConfig config(int minimumCalls, ResilienceConfig.Budget budget) {
    ResilienceConfig d = ResilienceConfig.defaults();
    Map<OperationClass, RetryPolicy> retry = new EnumMap<>(OperationClass.class);
    for (OperationClass c : OperationClass.values())
      retry.put(c, RetryPolicy.fullJitter(5, Duration.ofMillis(1), Duration.ofMillis(5)));
    return new ResilienceConfig(
        new ResilienceConfig.Breaker(50, 50, SLOW, ResilienceConfig.WindowType.COUNT, Math.max(4, minimumCalls),
            minimumCalls, OPEN_WAIT, 2, 100),
        new ResilienceConfig.Ramp(RampStrategy.LINEAR, 0.25, 0.25, Duration.ofSeconds(10), 4, 2, Duration.ofMinutes(5),
            Duration.ZERO),
        retry, budget, d.concurrency(), d.peers());
  }

  /** A budget that never refuses (ratio 10, 1000 a second). */
  static final ResilienceConfig.Budget GENEROUS = new ResilienceConfig.Budget(10, 1000, Duration.ofSeconds(10));

  private static IpfsBackend through(FaultProxy proxy) {
    return IpfsBackend.open(new IpfsConfig(proxy.uri(), Duration.ofSeconds(1), true));
  }

  private String stored(String text) throws StorageException {
    return direct.add(new ByteArrayInputStream(text.getBytes(UTF_8))).cid();
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(UTF_8));
  }

  /** The node's own answer whether {@code cid} is pinned, read with the JDK's HTTP client. */
  private boolean nodePins(String cid) throws Exception {
    try {
      return node.rpc("pin/ls", "arg=" + cid + "&type=recursive&cid-base=base32").contains(cid);
    } catch (IllegalStateException notPinned) {
      assertTrue(notPinned.getMessage().contains("not pinned"), notPinned.getMessage());
      return false;
    }
  }

  private static BreakerStatus status(Resilience r) {
    return r.breaker(IPFS).orElseThrow();
  }

  // ------------------------------------------------------------------ breaker

  static Stream<Arguments> outages() {
    return Stream.of(
        Arguments.of("reset", (Consumer<FaultProxy>) FaultProxy::reset),
        Arguments.of("blackhole", (Consumer<FaultProxy>) FaultProxy::blackhole),
        Arguments.of("half-close", (Consumer<FaultProxy>) FaultProxy::halfClose));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outages")
  void wrap_outage_opensFastFailsWithoutNetworkThenHalfOpensClosesAndRampsBack(String name, Consumer<FaultProxy> outage)
      throws Exception {
    String cid = stored("breaker cycle " + name);
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(config(2, GENEROUS), time, time::nanos);
    try (FaultProxy proxy = FaultProxy.start(node.api()); StorageBackend b = r.wrap(through(proxy))) {
      b.pin(cid); // a pooled connection, which the outage breaks too
      outage.accept(proxy);
      // the window holds that success: 1 failure of 2 calls is the 50 % that opens it
      StorageException real = assertThrows(StorageException.class, () -> b.pin(cid));
      assertFalse(real instanceof CallRejectedException, "a real failure from the network: " + real);
      assertEquals(BreakerState.OPEN, status(r).state(), "open once the minimum of 2 calls is reached");

      int before = proxy.settle();
      for (int i = 0; i < 50; i++) {
        CallRejectedException e = assertThrows(CallRejectedException.class, () -> b.pin(cid));
        assertEquals(CallRejectedException.Reason.BREAKER_OPEN, e.reason());
      }
      assertEquals(before, proxy.settle(), "no connection reached the proxy while the breaker was open");
      assertEquals(50, status(r).notPermittedCalls());

      proxy.pass();
      time.advance(OPEN_WAIT.plusSeconds(1));
      b.pin(cid); // probe 1: half-open
      assertEquals(BreakerState.HALF_OPEN, status(r).state());
      b.pin(cid); // probe 2: closes, the ramp starts
      BreakerStatus closed = status(r);
      assertEquals(BreakerState.CLOSED, closed.state());
      assertTrue(closed.recovering(), closed.toString());
      assertEquals(0.25, closed.admittedRate(), 0.01, "the linear ramp starts at 25 % (real time moves it a hair)");

      int admitted = 0;
      int heldBack = 0;
      int atRampStart = proxy.settle();
      for (int i = 0; i < 8; i++) {
        try {
          b.pin(cid);
          admitted++;
        } catch (CallRejectedException e) {
          assertEquals(CallRejectedException.Reason.RECOVERING, e.reason());
          heldBack++;
        }
      }
      assertTrue(admitted >= 2 && admitted <= 3, "about a quarter of 8 calls at 25 %: " + admitted);
      assertEquals(8 - admitted, heldBack);
      assertTrue(proxy.settle() - atRampStart <= admitted, "held-back calls did not reach the network");

      double rate = 0.25;
      for (int step = 0; step < 10 && status(r).recovering(); step++) {
        time.advance(Duration.ofSeconds(10));
        double now = status(r).admittedRate();
        assertTrue(now >= rate, "the admitted share only grows: " + rate + " -> " + now);
        rate = now;
        for (int i = 0; i < 4; i++) {
          try {
            b.pin(cid);
          } catch (CallRejectedException e) {
            assertEquals(CallRejectedException.Reason.RECOVERING, e.reason());
          }
        }
      }
      BreakerStatus done = status(r);
      assertFalse(done.recovering(), "the ramp finished: " + done);
      assertEquals(1.0, done.admittedRate());
      for (int i = 0; i < 10; i++) b.pin(cid); // full traffic again
      assertTrue(nodePins(cid));
    }
  }

  /**
   * The share of calls during an outage that reach the dead backend, side by side in one run: the
   * same 100 pins through two proxies in reset mode, one backend bare, one behind the breaker. Each
   * call that reaches the network opens at least one connection at its proxy (the bare backend's own
   * one-connect check of a broken call may add a second).
   */
  @Test
  void wrap_outage_callsReachingTheDeadBackend_allWithoutTheBreakerTwoWithIt() throws Exception {
    String cid = stored("wasted calls");
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(config(2, GENEROUS), time, time::nanos);
    int calls = 100;
    try (FaultProxy bareProxy = FaultProxy.start(node.api()); FaultProxy guardedProxy = FaultProxy.start(node.api());
        StorageBackend bare = through(bareProxy); StorageBackend guarded = r.wrap(through(guardedProxy))) {
      bareProxy.reset();
      guardedProxy.reset();
      int bareReached = 0;
      int guardedReached = 0;
      for (int i = 0; i < calls; i++) {
        StorageException b = assertThrows(StorageException.class, () -> bare.pin(cid));
        if (!(b instanceof CallRejectedException)) bareReached++;
        StorageException g = assertThrows(StorageException.class, () -> guarded.pin(cid));
        if (!(g instanceof CallRejectedException)) guardedReached++;
      }
      assertEquals(calls, bareReached);
      assertEquals(2, guardedReached, "the minimum of 2 calls, then the breaker is open");
      assertTrue(bareProxy.settle() >= calls, "every bare call opened a connection");
      int guardedConnections = guardedProxy.settle();
      assertTrue(guardedConnections >= 2 && guardedConnections <= 4, guardedConnections + " connections");
      LoggerFactory.getLogger(IpfsFaultInjectionIT.class).info(
          "calls reaching a dead backend during an outage: {}/{} without the breaker ({} connections), {}/{} with it"
              + " ({} connections)", bareReached, calls, bareProxy.settle(), guardedReached, calls, guardedConnections);
    }
  }

  // ------------------------------------------------------------------ slow calls

  static Stream<Arguments> slowness() {
    return Stream.of(
        Arguments.of("delay 20 ms per chunk", (Consumer<FaultProxy>) p -> p.delay(Duration.ofMillis(20)), false),
        Arguments.of("delay 1500 ms per chunk", (Consumer<FaultProxy>) p -> p.delay(Duration.ofMillis(1500)), true),
        Arguments.of("drip 4 KiB per ms", (Consumer<FaultProxy>) p -> p.drip(4096, Duration.ofMillis(1)), false),
        Arguments.of("drip 16 B per 150 ms", (Consumer<FaultProxy>) p -> p.drip(16, Duration.ofMillis(150)), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slowness")
  void wrap_slowBackend_slowCallRateOpensOnlyOverTheThreshold(String name, Consumer<FaultProxy> slow, boolean opens)
      throws Exception {
    String cid = stored("slow calls " + name);
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(config(2, GENEROUS), time, time::nanos);
    try (FaultProxy proxy = FaultProxy.start(node.api()); StorageBackend b = r.wrap(through(proxy))) {
      slow.accept(proxy);
      int rejected = 0;
      for (int i = 0; i < 4; i++) {
        try {
          b.pin(cid); // every call that runs succeeds: only its duration counts against it
        } catch (CallRejectedException e) {
          rejected++;
        }
      }
      BreakerStatus s = status(r);
      assertEquals(0f, s.failureRatePercent(), s.toString());
      if (opens) {
        assertEquals(BreakerState.OPEN, s.state(), s.toString());
        assertEquals(2, rejected, "the 2 calls after the minimum of 2 slow ones were refused");
        assertTrue(s.slowCallRatePercent() >= 50, s.toString());
      } else {
        assertEquals(BreakerState.CLOSED, s.state(), s.toString());
        assertEquals(0, rejected);
        assertEquals(0f, s.slowCallRatePercent(), s.toString());
      }
    }
  }

  // ------------------------------------------------------------------ retries

  @Test
  void retrying_twoConnectionsReset_addSucceedsAndIsAppliedOnceOnTheNode() throws Exception {
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(config(10, GENEROUS), time, time::nanos);
    String text = "transient fault " + System.nanoTime();
    try (FaultProxy proxy = FaultProxy.start(node.api())) {
      CountingBackend counting = new CountingBackend(through(proxy));
      try (StorageBackend b = r.wrap(counting)) {
        proxy.resetNext(2);
        AtomicInteger attempts = new AtomicInteger();
        StoredContent c = r.retrying(IPFS, OperationClass.WRITE, () -> {
          attempts.incrementAndGet();
          return b.add(bytes(text));
        });
        assertTrue(attempts.get() >= 2, "at least one attempt met a reset: " + attempts);
        assertTrue(proxy.settle() >= 3, "two connections reset, then one passed");
        assertEquals(Map.of(c.cid(), 1), counting.adds(), "applied once");
        assertTrue(nodePins(c.cid()), "pinned on the node");
        assertTrue(r.retryFigures(IPFS).retriesGranted() >= 1);
        assertEquals(BreakerState.CLOSED, status(r).state());
      }
    }
  }

  @Test
  void retrying_longOutage_retryBudgetCapsAttempts() throws Exception {
    String cid = stored("budget");
    ShiftedTime time = new ShiftedTime();
    // retries may add 10 % of the calls in 60 s, nothing more; the breaker is held closed so only the
    // budget limits the attempts (5 retries per call would otherwise make 20 calls into 120 attempts)
    Resilience r = Resilience.create(config(2, new ResilienceConfig.Budget(0.1, 0, Duration.ofSeconds(60))),
        time, time::nanos);
    try (FaultProxy proxy = FaultProxy.start(node.api()); StorageBackend b = r.wrap(through(proxy))) {
      r.forceClosed(IPFS, "only the retry budget is under test");
      proxy.reset();
      int calls = 20;
      AtomicInteger attempts = new AtomicInteger();
      for (int i = 0; i < calls; i++) {
        StorageException e = assertThrows(StorageException.class, () -> r.retrying(IPFS, OperationClass.PIN,
            () -> {
              attempts.incrementAndGet();
              b.pin(cid);
              return null;
            }));
        assertFalse(e instanceof CallRejectedException, e.toString());
      }
      Resilience.RetryFigures f = r.retryFigures(IPFS);
      int allowed = (int) Math.ceil(0.1 * calls);
      assertTrue(attempts.get() <= calls + allowed, "attempts " + attempts + " for " + calls + " calls; " + f);
      assertEquals(attempts.get() - calls, f.retriesGranted(), f.toString());
      assertTrue(f.retriesDenied() >= calls - allowed, f.toString());
      int connections = proxy.settle();
      // each attempt is one connection, plus the backend's own one-connect check of a broken call
      assertTrue(connections >= attempts.get() && connections <= 2 * attempts.get(),
          connections + " connections for " + attempts + " attempts");
      assertTrue(connections < calls * 6, "far below the " + calls * 6 + " attempts retries without a budget make");
    }
  }

  // ------------------------------------------------------------------ through the write-ahead log

  @Test
  void wal_fiftyAddsQueuedDuringOutage_allCompleteAfterItNoneLostNoneAppliedTwice(@TempDir Path home) throws Exception {
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(config(2, GENEROUS), time, time::nanos);
    WalConfig walConfig = new WalConfig(home.resolve("wal"), FsyncMode.ALWAYS, 256, Duration.ofMillis(10),
        Duration.ofMillis(100), 64L << 20, 1000, 5, Duration.ofMillis(50), Duration.ofSeconds(1), false,
        Duration.ofMillis(50), 30, 4);
    try (FaultProxy proxy = FaultProxy.start(node.api())) {
      CountingBackend counting = new CountingBackend(through(proxy));
      proxy.reset(); // the outage starts before the operations are queued
      try (StorageBackend wrapped = r.wrap(counting); // the log does not close its backends
          WriteAheadLog wal = WriteAheadLog.open(walConfig, Map.of(IPFS, wrapped), Clock.systemUTC())) {
        Map<String, String> texts = queueAdds(wal, 50, "queued during the outage");
        List<String> ids = new ArrayList<>(texts.keySet());

        // the outage: the breaker opens, then the log keeps meeting it (no network, no retries spent)
        awaitWal(wal, () -> status(r).state() == BreakerState.OPEN && status(r).notPermittedCalls() >= 200,
            "the breaker open and refusing the log's calls");
        int during = proxy.settle();
        awaitWal(wal, () -> status(r).notPermittedCalls() >= 400, "the log still waiting on the open breaker");
        assertEquals(during, proxy.settle(), "the queued operations did not reach the network while open");
        for (String id : ids) {
          Operation op = wal.get(id).orElseThrow();
          assertTrue(op.status() == OperationStatus.PENDING || op.status() == OperationStatus.RETRYING
              || op.status() == OperationStatus.PROCESSING, op.toString());
          assertTrue(op.retryCount() <= 1, "waiting on the breaker spends no retry: " + op);
        }
        assertTrue(counting.adds().isEmpty(), "nothing reached the node");

        // the backend returns; the layer's 30 s open wait is moved past, then the ramp's intervals
        proxy.pass();
        time.advance(OPEN_WAIT.plusSeconds(1));
        awaitWal(wal, () -> {
          time.advance(Duration.ofSeconds(2));
          return ids.stream().allMatch(id -> wal.get(id).orElseThrow().status() == OperationStatus.COMPLETED);
        }, "all 50 operations completed");

        assertAllAppliedOnceAndPinned(wal, texts, counting);
      }
    }
  }

  /**
   * Recovery follows evidence: the log runs on the registry's backends (the real wiring: breaker,
   * health monitor probing {@code id} through the proxy every {@link #PROBE_INTERVAL}, per-class
   * retry policies and budget). 50 adds are queued while the node is unreachable; the breaker opens
   * and the queue waits. The breaker's open wait is an hour, so only the evidence can end it: when the
   * node returns, the first healthy probe half-opens the breaker (cause {@value
   * Resilience#HEALTHY_PROBE_CAUSE}) and every add completes: none lost, none applied twice, each
   * pinned on the node. The clock is never moved; the real recovery time is logged, not asserted.
   */
  @Test
  void wal_nodeReturns_healthyProbeHalfOpensTheBreakerAndFiftyQueuedAddsComplete(@TempDir Path home)
      throws Exception {
    ShiftedTime time = new ShiftedTime(); // never advanced: real time
    ResilienceConfig base = config(2, GENEROUS);
    ResilienceConfig d = ResilienceConfig.defaults();
    // reference retry policies (write: 3 retries from 2 s); a quick ramp so the whole queue is measured
    ResilienceConfig.Breaker b = base.breaker();
    ResilienceConfig.Breaker hourLong = new ResilienceConfig.Breaker(b.failureRateThreshold(), b.slowCallRateThreshold(),
        b.slowCallDuration(), b.windowType(), b.windowSize(), b.minimumCalls(), Duration.ofHours(1), b.halfOpenProbes(),
        b.historySize());
    ResilienceConfig c = new ResilienceConfig(hourLong, new ResilienceConfig.Ramp(RampStrategy.LINEAR, 0.25, 0.25,
        Duration.ofSeconds(1), 4, 2, Duration.ofMinutes(5), Duration.ZERO), d.retry(), GENEROUS, d.concurrency(), d.peers());
    Resilience r = Resilience.create(c, time, time::nanos);
    HealthThresholds health = new HealthThresholds(PROBE_INTERVAL, 95, 80, Duration.ofSeconds(5), 3,
        Duration.ofSeconds(60), 10, 100);
    try (FaultProxy proxy = FaultProxy.start(node.api())) {
      CountingBackend counting = new CountingBackend(through(proxy));
      proxy.reset(); // the outage starts before the operations are queued
      try (BackendRegistry registry = BackendRegistry.open(BackendsConfig.embedded(home),
              Map.of(IPFS, (BackendRegistry.Factory) cfg -> java.util.Optional.of(counting)), health, time, r);
          WriteAheadLog wal = WriteAheadLog.open(walConfig(home), registry.backends(), registry.monitor(),
              WalRetries.perClass(r, Settings.empty()), time)) {
        registry.startHealthProbes();
        Map<String, String> texts = queueAdds(wal, 50, "queued before the node came back");
        List<String> ids = new ArrayList<>(texts.keySet());
        awaitWal(wal, () -> status(r).state() == BreakerState.OPEN, "the breaker open");
        awaitWal(wal, () -> registry.monitor().report(IPFS).history().stream()
            .filter(h -> h.state() == BackendHealth.Status.UNHEALTHY).count() >= 2, "two probes finding the node down");
        assertEquals(BreakerState.OPEN, status(r).state(), "failed probes leave the breaker open");
        assertTrue(counting.adds().isEmpty(), "nothing reached the node");

        proxy.pass();
        long back = time.nanos();
        awaitWal(wal, () -> ids.stream().allMatch(id -> wal.get(id).orElseThrow().status() == OperationStatus.COMPLETED),
            "all 50 operations completed");
        Duration recovery = Duration.ofNanos(time.nanos() - back);

        List<BreakerTransition> history = status(r).history();
        BreakerTransition opened = history.stream().filter(t -> t.to() == BreakerState.OPEN).reduce((first, last) -> last)
            .orElseThrow();
        BreakerTransition early = history.stream()
            .filter(t -> t.to() == BreakerState.HALF_OPEN && t.cause().equals(Resilience.HEALTHY_PROBE_CAUSE))
            .findFirst().orElseThrow(() -> new AssertionError("no half-open by a health probe: " + history));
        assertEquals(BreakerState.OPEN, early.from(), history.toString());
        assertEquals(BreakerState.CLOSED, status(r).state());

        assertAllAppliedOnceAndPinned(wal, texts, counting);
        for (String id : ids) assertEquals(3, wal.get(id).orElseThrow().maxRetries(), "write's policy: 3 retries");
        LoggerFactory.getLogger(IpfsFaultInjectionIT.class).info(
            "recovery after the node returned: 50 queued adds completed in {} ms (probe interval {} ms, breaker open"
                + " wait 1 h; half-opened {} ms after opening, by a health probe)", recovery.toMillis(),
            PROBE_INTERVAL.toMillis(), Duration.between(opened.at(), early.at()).toMillis());
      }
    }
  }

  /**
   * The retry budget caps the log's attempts during a long outage, counted at the proxy: 20 pins
   * whose policy would retry within 5 ms, forever, meet a node that resets every connection. The
   * breaker is held closed and the health monitor cannot pause the queue, so only the budget (5
   * retries per 1 s window, ratio 0) stands between the queue and the node. No operation fails
   * (a refused retry is deferred, not spent); all complete once the node returns.
   */
  @Test
  void wal_longOutage_retryBudgetCapsAttemptsAtTheProxyAndNothingFails(@TempDir Path home) throws Exception {
    ShiftedTime time = new ShiftedTime();
    ResilienceConfig base = config(2, GENEROUS);
    Map<OperationClass, RetryPolicy> eager = new EnumMap<>(OperationClass.class);
    for (OperationClass k : OperationClass.values())
      eager.put(k, RetryPolicy.fullJitter(RetryPolicy.MAX_MAX_RETRIES, Duration.ofMillis(1), Duration.ofMillis(5)));
    ResilienceConfig.Budget budget = new ResilienceConfig.Budget(0, 5, Duration.ofSeconds(1));
    Resilience r = Resilience.create(new ResilienceConfig(base.breaker(), base.ramp(), eager, budget,
        base.concurrency(), base.peers()), time, time::nanos);
    // a monitor that never pauses the queue: no success rate low enough, no run of errors long enough
    HealthMonitor neverPauses = new HealthMonitor(List.of(IPFS), new HealthThresholds(Duration.ofHours(1), 95, 0,
        Duration.ofSeconds(5), Integer.MAX_VALUE, Duration.ofSeconds(60), Integer.MAX_VALUE, 10), time);
    List<String> cids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String cid = stored("budgeted pin " + i + " " + System.nanoTime());
      direct.unpin(cid); // so the log's pin is what the node shows at the end
      assertFalse(nodePins(cid));
      cids.add(cid);
    }
    try (FaultProxy proxy = FaultProxy.start(node.api()); StorageBackend b = r.wrap(through(proxy))) {
      r.forceClosed(IPFS, "only the retry budget is under test");
      proxy.reset();
      int before = proxy.settle();
      try (WriteAheadLog wal = WriteAheadLog.open(walConfig(home), Map.of(IPFS, b), neverPauses,
          WalRetries.perClass(r, Settings.empty()), time)) {
        long start = time.nanos();
        List<String> ids = new ArrayList<>();
        for (String cid : cids) {
          ObjectNode p = JsonNodeFactory.instance.objectNode();
          p.put("cid", cid);
          ids.add(wal.add(new NewOperation(OperationType.PIN, IPFS, p)).operationId());
        }
        awaitWal(wal, () -> r.retryFigures(IPFS).retriesDenied() >= 200, "the budget refusing 200 retries");
        Resilience.RetryFigures f = r.retryFigures(IPFS);
        double seconds = (time.nanos() - start) / 1e9;
        int connections = proxy.settle() - before;
        long attempts = cids.size() + f.retriesGranted(); // first attempts plus granted retries, at most
        // each attempt is one connection, plus the backend's own one-connect check of a broken call
        assertTrue(connections <= 2 * attempts, connections + " connections for at most " + attempts + " attempts; " + f);
        assertTrue(f.retriesGranted() <= 5 * (Math.ceil(seconds) + 1), "5 a second: " + f + " in " + seconds + " s");
        for (String id : ids) {
          Operation op = wal.get(id).orElseThrow();
          assertTrue(op.status() != OperationStatus.FAILED, "deferred, not failed: " + op);
        }
        LoggerFactory.getLogger(IpfsFaultInjectionIT.class).info(
            "retry budget during a {} s outage: {} connections at the proxy for 20 queued pins ({} retries granted, {}"
                + " denied); retries every <= 5 ms without it would be ~{} attempts", String.format("%.1f", seconds),
            connections, f.retriesGranted(), f.retriesDenied(), Math.round(20 * seconds * 1000 / 5));

        proxy.pass();
        awaitWal(wal, () -> ids.stream().allMatch(id -> wal.get(id).orElseThrow().status() == OperationStatus.COMPLETED),
            "all 20 pins completed");
        for (String cid : cids) assertTrue(nodePins(cid), "pinned on the node: " + cid);
      }
    }
  }

  private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

  /**
   * Each queued add completed with its own content's CID, pinned on the node, the backend answering
   * exactly one add per content: none lost, none applied twice.
   */
  private void assertAllAppliedOnceAndPinned(WriteAheadLog wal, Map<String, String> texts, CountingBackend counting)
      throws Exception {
    Set<String> cids = new HashSet<>();
    for (Map.Entry<String, String> e : texts.entrySet()) {
      String cid = wal.get(e.getKey()).orElseThrow().result().cid();
      assertEquals(cid, direct.add(bytes(e.getValue())).cid(), "the result is this operation's content");
      assertTrue(nodePins(cid), "pinned on the node: " + cid);
      cids.add(cid);
    }
    assertEquals(texts.size(), cids.size(), texts.size() + " distinct contents, none lost");
    Map<String, Integer> adds = counting.adds();
    assertEquals(texts.size(), adds.size(), adds.toString());
    assertTrue(adds.values().stream().allMatch(n -> n == 1), "each applied once by the backend: " + adds);
  }

  /** Queues {@code n} adds of distinct texts; returns operation id → text, in queueing order. */
  private static Map<String, String> queueAdds(WriteAheadLog wal, int n, String label) throws Exception {
    Map<String, String> texts = new java.util.LinkedHashMap<>();
    String run = Long.toString(System.nanoTime());
    for (int i = 0; i < n; i++) {
      ObjectNode p = JsonNodeFactory.instance.objectNode();
      String text = label + " #" + i + " of run " + run;
      p.put("content", text);
      texts.put(wal.add(new NewOperation(OperationType.ADD, IPFS, p)).operationId(), text);
    }
    return texts;
  }

  private static WalConfig walConfig(Path home) {
    return new WalConfig(home.resolve("wal"), FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100),
        64L << 20, 1000, 5, Duration.ofMillis(50), Duration.ofSeconds(1), false, Duration.ofMillis(50), 30, 4);
  }

  /** Bounded polling of the log's real state: waits for its next visible change (or 100 ms) between checks. */
  private static void awaitWal(WriteAheadLog wal, java.util.function.BooleanSupplier done, String what)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within 120 s: " + what);
      try {
        wal.nextVisibleChange().get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException quiet) {
        // check again
      }
    }
  }
}
