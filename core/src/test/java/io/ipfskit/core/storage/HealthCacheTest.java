package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The cached health probes, driven by explicit times: no thread, no sleep. */
class HealthCacheTest {
  static final Duration INTERVAL = Duration.ofSeconds(15);
  static final long INTERVAL_NANOS = INTERVAL.toNanos();
  static final Instant T0 = Instant.parse("2026-12-04T15:00:00Z");

  final ProbedBackend local = new ProbedBackend("local");
  final ProbedBackend ipfs = new ProbedBackend("ipfs");

  private HealthCache cache(Clock clock) {
    Map<String, StorageBackend> m = new LinkedHashMap<>();
    m.put("local", local);
    m.put("ipfs", ipfs);
    return new HealthCache(m, INTERVAL, clock);
  }

  private HealthCache cache() {
    return cache(Clock.fixed(T0, ZoneOffset.UTC));
  }

  @Test
  void health_beforeFirstProbe_unknownWithoutCheckTime() {
    HealthCache c = cache();
    CheckedHealth h = c.health("local");
    assertEquals(BackendHealth.Status.UNKNOWN, h.status());
    assertNull(h.checkedAt());
    assertTrue(h.lastChecked().isEmpty());
    assertEquals(0, local.probes.get());
  }

  @Test
  void probeDue_firstCall_probesEveryBackendStampsTimeAndReturnsInterval() {
    HealthCache c = cache();
    assertEquals(INTERVAL_NANOS, c.probeDue(1_000));
    assertEquals(1, local.probes.get());
    assertEquals(1, ipfs.probes.get());
    assertEquals(new CheckedHealth(BackendHealth.healthy("fine"), T0), c.health("local"));
  }

  @Test
  void health_readManyTimes_neverProbes() {
    HealthCache c = cache();
    c.probeDue(0);
    for (int i = 0; i < 1_000; i++) c.health("local");
    assertEquals(1, local.probes.get());
  }

  @Test
  void probeDue_beforeIntervalElapsed_probesNothingAndReturnsTimeLeft() {
    HealthCache c = cache();
    c.probeDue(0);
    long fourSeconds = TimeUnit.SECONDS.toNanos(4);
    assertEquals(INTERVAL_NANOS - fourSeconds, c.probeDue(fourSeconds));
    assertEquals(1, local.probes.get());
  }

  @Test
  void probeDue_intervalElapsed_probesAgainAndKeepsNewResultWithNewTime() {
    Instant[] now = {T0};
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override public Instant instant() {
        return now[0];
      }
    };
    HealthCache c = cache(clock);
    c.probeDue(0);
    local.answer = () -> BackendHealth.unhealthy("disk gone");
    now[0] = T0.plus(INTERVAL);
    assertEquals(INTERVAL_NANOS, c.probeDue(INTERVAL_NANOS));
    assertEquals(2, local.probes.get());
    assertEquals(new CheckedHealth(BackendHealth.unhealthy("disk gone"), T0.plus(INTERVAL)), c.health("local"));
  }

  @Test
  void probeDue_backendsProbedAtDifferentTimes_returnsEarliestDue() {
    Map<String, StorageBackend> m = new LinkedHashMap<>();
    m.put("local", local);
    HealthCache c = new HealthCache(m, INTERVAL, Clock.fixed(T0, ZoneOffset.UTC));
    c.probeDue(0);
    m.put("ipfs", ipfs); // joins later (the map is read on every round)
    long five = TimeUnit.SECONDS.toNanos(5);
    assertEquals(INTERVAL_NANOS - five, c.probeDue(five), "local is due 10 s from now, ipfs in 15 s");
    assertEquals(1, ipfs.probes.get());
  }

  @Test
  void probeDue_probeThrows_recordsUnhealthyNamingTypeInsteadOfThrowing() {
    HealthCache c = cache();
    local.answer = () -> {
      throw new IllegalStateException("secret-looking detail that must not be repeated");
    };
    c.probeDue(0);
    assertEquals(new CheckedHealth(BackendHealth.unhealthy(
        "the local backend's health probe failed with IllegalStateException"), T0), c.health("local"));
    assertEquals(BackendHealth.Status.HEALTHY, c.health("ipfs").status(), "one failing probe does not stop the round");
  }

  @Test
  void probeDue_probeReturnsNull_recordsUnhealthy() {
    HealthCache c = cache();
    local.answer = () -> null;
    c.probeDue(0);
    assertEquals(BackendHealth.unhealthy("the local backend's health probe returned nothing"), c.health("local").health());
  }

  @Test
  void new_zeroInterval_rejectedNamingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HealthCache(Map.of(), Duration.ZERO, Clock.systemUTC()));
    assertEquals("health probe interval must be > 0, but was PT0S", e.getMessage());
  }

  @Test
  void checkedHealth_knownStatusWithoutTime_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CheckedHealth(BackendHealth.healthy("x"), null));
    assertEquals("checkedAt may be null only for status UNKNOWN, but status was HEALTHY", e.getMessage());
  }

  private HealthCache recoveringCache(java.util.Set<String> breakerOpen) {
    Map<String, StorageBackend> m = new LinkedHashMap<>();
    m.put("local", local);
    m.put("ipfs", ipfs);
    HealthMonitor monitor = new HealthMonitor(m.keySet(), HealthThresholds.defaults(), Clock.fixed(T0, ZoneOffset.UTC));
    return new HealthCache(m, INTERVAL, Duration.ofSeconds(1), breakerOpen::contains, monitor);
  }

  @Test
  void probeDue_unhealthyBackend_probedEveryRecoveryIntervalOthersEveryInterval() {
    HealthCache c = recoveringCache(java.util.Set.of());
    ipfs.answer = () -> BackendHealth.unhealthy("connection refused");
    long second = TimeUnit.SECONDS.toNanos(1);
    assertEquals(second, c.probeDue(0), "the unhealthy backend is due again in the recovery interval");
    assertEquals(second, c.probeDue(second));
    assertEquals(2, ipfs.probes.get());
    assertEquals(1, local.probes.get(), "the healthy one waits its full interval");
    ipfs.answer = () -> BackendHealth.healthy("back");
    assertEquals(second, c.probeDue(2 * second), "the prober still looks every recovery interval");
    assertEquals(3, ipfs.probes.get());
    assertEquals(BackendHealth.Status.HEALTHY, c.health("ipfs").status());
    // Back to the normal interval: looking at 3 s probes nothing (local is due at 15 s, ipfs at 2 s + 15 s).
    assertEquals(second, c.probeDue(3 * second));
    assertEquals(3, ipfs.probes.get());
    assertEquals(1, local.probes.get());
  }

  @Test
  void probeDue_breakerOpensBetweenRounds_probedAtTheNextLookNotAfterTheInterval() {
    java.util.Set<String> open = new java.util.HashSet<>();
    HealthCache c = recoveringCache(open);
    long second = TimeUnit.SECONDS.toNanos(1);
    assertEquals(second, c.probeDue(0), "all healthy: the prober looks again in the recovery interval");
    assertEquals(second, c.probeDue(5 * second));
    assertEquals(1, ipfs.probes.get(), "nothing due at 5 s");
    open.add("ipfs"); // failed calls opened the breaker; nobody told the prober
    c.probeDue(6 * second);
    assertEquals(2, ipfs.probes.get(), "probed at the first look after the breaker opened");
    assertEquals(1, local.probes.get());
  }

  @Test
  void probeDue_breakerOpenWhileProbesPass_probedEveryRecoveryInterval() {
    java.util.Set<String> open = new java.util.HashSet<>(java.util.Set.of("ipfs"));
    HealthCache c = recoveringCache(open);
    long second = TimeUnit.SECONDS.toNanos(1);
    assertEquals(second, c.probeDue(0));
    c.probeDue(second);
    assertEquals(2, ipfs.probes.get());
    open.clear(); // the healthy probe half-opened it, its calls closed it
    assertEquals(second, c.probeDue(2 * second));
    assertEquals(2, ipfs.probes.get());
    assertEquals(1, local.probes.get());
  }

  @Test
  void new_recoveryIntervalLongerThanInterval_rejectedNamingTheRule() {
    var e = assertThrows(IllegalArgumentException.class, () -> new HealthCache(Map.of(), Duration.ofSeconds(1),
        Duration.ofSeconds(2), b -> false, new HealthMonitor(java.util.List.of(), HealthThresholds.defaults(),
            Clock.systemUTC())));
    assertEquals("health recovery probe interval must be > 0 and at most the probe interval (PT1S), but was PT2S",
        e.getMessage());
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = T0;

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  record Change(String backend, BackendHealth.Status from, BackendHealth.Status to, String detail, Instant at) {}

  @Test
  void onChange_goesUnhealthyThenRecovers_toldOnceEachWithReasonAndTime() {
    TestClock clock = new TestClock();
    HealthCache c = cache(clock);
    java.util.List<Change> changes = new java.util.ArrayList<>();
    c.onChange((name, before, after) -> changes.add(new Change(name, before.health().status(), after.health().status(),
        after.health().detail(), after.checkedAt())));
    c.probeDue(0);
    assertEquals(java.util.List.of(), changes, "a first probe finding a backend healthy is no change");

    ipfs.answer = () -> BackendHealth.unhealthy("ipfs daemon refused the connection");
    clock.now = T0.plusSeconds(15);
    c.probeDue(INTERVAL_NANOS);
    assertEquals(java.util.List.of(new Change("ipfs", BackendHealth.Status.HEALTHY, BackendHealth.Status.UNHEALTHY,
        "ipfs daemon refused the connection", T0.plusSeconds(15))), changes);

    clock.now = T0.plusSeconds(30);
    c.probeDue(2 * INTERVAL_NANOS);
    assertEquals(1, changes.size(), "still unhealthy: no new change");

    ipfs.answer = () -> BackendHealth.healthy("ipfs daemon answers");
    clock.now = T0.plusSeconds(45);
    c.probeDue(3 * INTERVAL_NANOS);
    assertEquals(new Change("ipfs", BackendHealth.Status.UNHEALTHY, BackendHealth.Status.HEALTHY, "ipfs daemon answers",
        T0.plusSeconds(45)), changes.get(1));
    assertEquals(2, changes.size());
  }

  @Test
  void onChange_firstProbeUnhealthyOrThrowing_told() {
    HealthCache c = cache();
    java.util.List<String> told = new java.util.ArrayList<>();
    c.onChange((name, before, after) -> told.add(name + " " + before.health().status() + "->" + after.health().status()
        + ": " + after.health().detail()));
    local.answer = () -> {
      throw new IllegalStateException("disk gone, with a long message");
    };
    ipfs.answer = () -> BackendHealth.unhealthy("no daemon");
    c.probeDue(0);
    assertEquals(java.util.List.of(
        "local UNKNOWN->UNHEALTHY: the local backend's health probe failed with IllegalStateException",
        "ipfs UNKNOWN->UNHEALTHY: no daemon"), told);
  }

  @Test
  void onChange_listenerThrows_probingGoesOnAndLaterChangesAreStillTold() {
    HealthCache c = cache();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    c.onChange((name, before, after) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    });
    ipfs.answer = () -> BackendHealth.unhealthy("down");
    c.probeDue(0);
    ipfs.answer = () -> BackendHealth.healthy("up");
    c.probeDue(INTERVAL_NANOS);
    assertEquals(2, calls.get());
    assertEquals(BackendHealth.Status.HEALTHY, c.health("ipfs").status());
  }

  @Test
  void isChange_statusPairs_onlyRealChangesExceptFirstHealthy() {
    assertEquals(false, HealthCache.isChange(BackendHealth.Status.UNKNOWN, BackendHealth.Status.HEALTHY));
    assertEquals(true, HealthCache.isChange(BackendHealth.Status.UNKNOWN, BackendHealth.Status.DEGRADED));
    assertEquals(true, HealthCache.isChange(BackendHealth.Status.HEALTHY, BackendHealth.Status.DEGRADED));
    assertEquals(true, HealthCache.isChange(BackendHealth.Status.DEGRADED, BackendHealth.Status.HEALTHY));
    assertEquals(false, HealthCache.isChange(BackendHealth.Status.UNHEALTHY, BackendHealth.Status.UNHEALTHY));
  }
}
