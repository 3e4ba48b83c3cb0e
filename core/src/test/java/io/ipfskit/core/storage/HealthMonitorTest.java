package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.storage.BackendHealth.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every transition of {@link HealthMonitor}, driven by a hand-moved clock. */
class HealthMonitorTest {
  static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration FAST = Duration.ofMillis(3);

  static final class MovableClock extends Clock {
    Instant now = START;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final MovableClock clock = new MovableClock();
  /** 95 % / 80 %, 1 s max response, 3 errors in a row, 60 s window, 10 calls, 4 history entries. */
  final HealthThresholds thresholds = new HealthThresholds(Duration.ofSeconds(15), 95, 80, Duration.ofSeconds(1), 3,
      Duration.ofSeconds(60), 10, 4);
  final HealthMonitor monitor = new HealthMonitor(List.of("ipfs"), thresholds, clock);
  final List<String> changes = new ArrayList<>();

  {
    monitor.onChange((b, before, after) -> changes.add(b + ":" + before.status() + "->" + after.status()));
  }

  private void calls(int ok, int failed) {
    for (int i = 0; i < ok; i++) monitor.recordCall("ipfs", FAST, null);
    for (int i = 0; i < failed; i++) monitor.recordCall("ipfs", FAST, "BackendUnavailable");
  }

  @Test
  void current_nothingRecorded_isUnknownNeverChecked() {
    assertEquals(Status.UNKNOWN, monitor.current("ipfs").status());
    assertTrue(monitor.current("ipfs").lastChecked().isEmpty());
    assertFalse(monitor.unhealthy("ipfs"));
  }

  @Test
  void recordProbe_healthyFirstProbe_isHealthyAndNoChangeTold() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("node answers"), FAST);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
    assertEquals("node answers", monitor.current("ipfs").health().detail());
    assertEquals(START, monitor.current("ipfs").checkedAt());
    assertEquals(List.of(), changes);
  }

  @Test
  void recordProbe_failingThenHealthy_goesUnhealthyAndBackTellingBoth() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    clock.advance(Duration.ofSeconds(15));
    monitor.recordProbe("ipfs", BackendHealth.unhealthy("connection refused"), FAST);
    assertTrue(monitor.unhealthy("ipfs"));
    assertFalse(monitor.pausesQueue("ipfs"), "a failed probe alone does not pause the queue");
    assertEquals("connection refused", monitor.current("ipfs").health().detail());
    clock.advance(Duration.ofSeconds(15));
    monitor.recordProbe("ipfs", BackendHealth.healthy("up again"), FAST);
    assertFalse(monitor.unhealthy("ipfs"));
    assertEquals(List.of("ipfs:HEALTHY->UNHEALTHY", "ipfs:UNHEALTHY->HEALTHY"), changes);
  }

  @Test
  void recordProbe_unknownToUnhealthy_isToldAsAChange() {
    monitor.recordProbe("ipfs", BackendHealth.unhealthy("down"), FAST);
    assertEquals(List.of("ipfs:UNKNOWN->UNHEALTHY"), changes);
  }

  @Test
  void recordProbe_degradedProbe_isDegraded() {
    monitor.recordProbe("ipfs", new BackendHealth(Status.DEGRADED, "slow disk"), FAST);
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    assertEquals("slow disk", monitor.current("ipfs").health().detail());
  }

  @Test
  void recordProbe_slowerThanMaxResponseTime_isDegraded() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), Duration.ofMillis(1500));
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    assertEquals("the last probe took 1500 ms, more than the maximum response time of 1000 ms",
        monitor.current("ipfs").health().detail());
  }

  @Test
  void recordCall_slowCallInWindow_isDegradedUntilItLeavesTheWindow() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    monitor.recordCall("ipfs", Duration.ofSeconds(2), null);
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    clock.advance(Duration.ofSeconds(61));
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
  }

  @Test
  void recordCall_consecutiveErrorsReachTheLimit_isUnhealthyUntilAHealthyProbe() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    calls(0, 2);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status(), "2 errors in a row: below the limit of 3");
    calls(0, 1);
    assertTrue(monitor.unhealthy("ipfs"));
    assertTrue(monitor.pausesQueue("ipfs"));
    assertEquals("3 calls failed in a row (last: BackendUnavailable); the limit is 3",
        monitor.current("ipfs").health().detail());
    clock.advance(Duration.ofSeconds(15));
    monitor.recordProbe("ipfs", BackendHealth.healthy("up again"), FAST);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
    assertEquals(0, monitor.report("ipfs").consecutiveErrors());
    assertFalse(monitor.pausesQueue("ipfs"));
    assertEquals(0, monitor.report("ipfs").callsInWindow(), "calls of the outage are forgotten");
    assertEquals(List.of("ipfs:HEALTHY->UNHEALTHY", "ipfs:UNHEALTHY->HEALTHY"), changes);
  }

  @Test
  void recordCall_successBetweenErrors_resetsTheRun() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    calls(0, 2);
    calls(1, 2);
    assertEquals(2, monitor.report("ipfs").consecutiveErrors());
    assertFalse(monitor.unhealthy("ipfs"));
  }

  @Test
  void recordCall_successRateBetweenThresholds_isDegraded() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    for (int i = 0; i < 9; i++) calls(1, 0);
    calls(0, 1); // 9 of 10 = 90 %
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    assertEquals("success rate 90.0% of 10 calls in the last 60s is below 95%", monitor.current("ipfs").health().detail());
    assertEquals(0.9, monitor.report("ipfs").successRate(), 1e-9);
  }

  @Test
  void recordCall_successRateBelowDegradedWhileProbesPass_isDegradedAndDoesNotPause() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    for (int i = 0; i < 3; i++) calls(2, 1); // never 3 errors in a row
    calls(1, 0); // 7 of 10 = 70 %
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    assertFalse(monitor.unhealthy("ipfs"));
    assertFalse(monitor.pausesQueue("ipfs"), "intermittent failures that retries ride out do not pause the queue");
    assertEquals("success rate 70.0% of 10 calls in the last 60s is below 80%, but the last health probe passed: "
        + "intermittent failures", monitor.current("ipfs").health().detail());
    assertEquals(List.of("ipfs:HEALTHY->DEGRADED"), changes);
  }

  @Test
  void recordCall_successRateBelowDegradedAndProbeFails_isUnhealthyAndPausesUntilAHealthyProbe() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    for (int i = 0; i < 3; i++) calls(3, 1);
    clock.advance(Duration.ofSeconds(1));
    monitor.recordProbe("ipfs", BackendHealth.unhealthy("connection reset"), FAST);
    assertTrue(monitor.unhealthy("ipfs"));
    assertTrue(monitor.pausesQueue("ipfs"), "both the calls and the probe say it fails");
    clock.advance(Duration.ofSeconds(1));
    monitor.recordProbe("ipfs", BackendHealth.healthy("up again"), FAST);
    assertFalse(monitor.pausesQueue("ipfs"), "the first healthy probe resumes the queue");
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status(), "the outage's calls are forgotten");
    assertEquals(List.of("ipfs:HEALTHY->DEGRADED", "ipfs:DEGRADED->UNHEALTHY", "ipfs:UNHEALTHY->HEALTHY"), changes);
  }

  @Test
  void recordCall_successRateBelowDegradedBeforeAnyProbe_isUnhealthyAndPauses() {
    for (int i = 0; i < 3; i++) calls(3, 1);
    assertTrue(monitor.unhealthy("ipfs"));
    assertTrue(monitor.pausesQueue("ipfs"), "with no probe yet, the calls are the only evidence");
    assertEquals("success rate 75.0% of 12 calls in the last 60s is below 80%", monitor.current("ipfs").health().detail());
  }

  @Test
  void recordCall_thirtyPercentEvenlySpreadFailuresWithPassingProbes_neverPauses() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    for (int i = 0; i < 30; i++) { // 7 of 10 succeed, never 3 failures in a row: the bench's FAULTS part
      calls(1, 1);
      calls(2, 1);
      calls(4, 1);
      assertFalse(monitor.pausesQueue("ipfs"), "round " + i);
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
  }

  @Test
  void recordCall_fewerThanMinCalls_rateIsIgnored() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    calls(1, 1);
    calls(1, 1);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
  }

  @Test
  void recordCall_failuresAgeOutOfTheWindow_healthyAgain() {
    monitor.recordProbe("ipfs", BackendHealth.healthy("up"), FAST);
    for (int i = 0; i < 5; i++) calls(8, 1); // 40 of 45 = 88.9 %: degraded
    assertEquals(Status.DEGRADED, monitor.current("ipfs").status());
    clock.advance(Duration.ofSeconds(61));
    calls(1, 0);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
    assertEquals(List.of("ipfs:HEALTHY->DEGRADED", "ipfs:DEGRADED->HEALTHY"), changes);
  }

  @Test
  void recordCall_callsBeforeAnyProbe_healthyFromCalls() {
    calls(1, 0);
    assertEquals(Status.HEALTHY, monitor.current("ipfs").status());
    assertEquals("1 calls in the last 60s answered (not probed yet)", monitor.current("ipfs").health().detail());
  }

  @Test
  void report_history_keepsTheLastEntriesWithTimeStateReasonLatency() {
    for (int i = 0; i < 6; i++) {
      monitor.recordProbe("ipfs", i % 2 == 0 ? BackendHealth.healthy("up " + i) : BackendHealth.unhealthy("down " + i),
          Duration.ofMillis(i));
      clock.advance(Duration.ofSeconds(1));
    }
    HealthMonitor.Report r = monitor.report("ipfs");
    assertEquals(4, r.history().size());
    HealthMonitor.HistoryEntry first = r.history().get(0);
    assertEquals(START.plusSeconds(2), first.at());
    assertEquals(Status.HEALTHY, first.state());
    assertEquals("up 2", first.reason());
    assertEquals(Duration.ofMillis(2), first.latency());
    assertEquals("down 5", r.history().get(3).reason());
    assertEquals(Duration.ofMillis(5), r.lastLatency());
    assertNull(r.successRate());
  }

  @Test
  void addObserver_listenerThrows_othersStillTold() {
    List<String> seen = new ArrayList<>();
    monitor.onChange((b, x, y) -> {
      throw new IllegalStateException("boom");
    });
    monitor.addObserver((b, x, y) -> seen.add(y.status().name()));
    monitor.recordProbe("ipfs", BackendHealth.unhealthy("down"), FAST);
    assertEquals(List.of("UNHEALTHY"), seen);
  }

  @Test
  void current_backendNeverRecorded_isUnknownAndNotPaused() {
    assertEquals(Status.UNKNOWN, monitor.current("s3").status());
    assertFalse(monitor.unhealthy("s3"));
    assertEquals(List.of(), monitor.report("s3").history());
  }

  @Test
  void thresholds_degradedAboveHealthy_refusedNamingBoth() {
    var e = assertThrows(ConfigException.class, () -> HealthThresholds.from(Settings.of(
        Map.of("IPFS_KIT_HEALTH_HEALTHY_PERCENT", "90", "IPFS_KIT_HEALTH_DEGRADED_PERCENT", "91"),
        SettingSource.environment())));
    assertEquals("IPFS_KIT_HEALTH_DEGRADED_PERCENT", e.key());
    assertEquals("must be at most IPFS_KIT_HEALTH_HEALTHY_PERCENT (90), but was 91", e.rule());
  }

  @Test
  void thresholds_outOfRange_configErrorNamesTheKey() {
    var e = assertThrows(ConfigException.class, () -> HealthThresholds.from(Settings.of(
        Map.of("IPFS_KIT_HEALTH_MIN_CALLS", "0"), SettingSource.environment())));
    assertTrue(e.getMessage().contains("IPFS_KIT_HEALTH_MIN_CALLS"), e.getMessage());
  }

  @Test
  void thresholds_defaults_areTheReferenceValues() {
    HealthThresholds d = HealthThresholds.defaults();
    assertEquals(95, d.healthyPercent());
    assertEquals(80, d.degradedPercent());
    assertEquals(Duration.ofSeconds(15), d.probeInterval());
    assertEquals(Duration.ofSeconds(1), d.recoveryProbeInterval());
  }

  @Test
  void thresholds_intervalShorterThanDefaultRecovery_recoveryFollowsIt() {
    HealthThresholds t = HealthThresholds.from(Settings.of(Map.of("IPFS_KIT_HEALTH_INTERVAL", "0.5"),
        SettingSource.environment()));
    assertEquals(Duration.ofMillis(500), t.recoveryProbeInterval());
    assertEquals(Duration.ofMillis(200), HealthThresholds.from(Settings.of(Map.of("IPFS_KIT_HEALTH_INTERVAL", "0.5",
        "IPFS_KIT_HEALTH_RECOVERY_INTERVAL", "0.2"), SettingSource.environment())).recoveryProbeInterval());
  }

  @Test
  void thresholds_recoveryLongerThanInterval_refusedNamingBoth() {
    var e = assertThrows(ConfigException.class, () -> HealthThresholds.from(Settings.of(
        Map.of("IPFS_KIT_HEALTH_INTERVAL", "2", "IPFS_KIT_HEALTH_RECOVERY_INTERVAL", "3"), SettingSource.environment())));
    assertEquals("IPFS_KIT_HEALTH_RECOVERY_INTERVAL", e.key());
    assertEquals("must be at most IPFS_KIT_HEALTH_INTERVAL (2000 ms), but was 3000 ms", e.rule());
  }

  @Test
  void thresholds_recoveryBelowItsMinimum_configErrorNamesTheKey() {
    var e = assertThrows(ConfigException.class, () -> HealthThresholds.from(Settings.of(
        Map.of("IPFS_KIT_HEALTH_RECOVERY_INTERVAL", "0.05"), SettingSource.environment())));
    assertEquals("IPFS_KIT_HEALTH_RECOVERY_INTERVAL", e.key());
  }

  @Test
  void onHealthyProbe_everyHealthyProbe_toldBeforeTheChangeIsPublishedOthersNot() {
    List<String> seen = new ArrayList<>();
    monitor.onHealthyProbe(b -> seen.add("healthy probe of " + b + " while " + monitor.current(b).status()));
    monitor.onHealthyProbe(b -> {
      throw new IllegalStateException("a failing listener");
    });
    monitor.addObserver((b, before, after) -> seen.add("change to " + after.status()));
    monitor.recordProbe("ipfs", BackendHealth.unhealthy("connection refused"), FAST);
    monitor.recordProbe("ipfs", new BackendHealth(Status.DEGRADED, "slow"), FAST);
    monitor.recordProbe("ipfs", BackendHealth.healthy("node answers id"), FAST);
    monitor.recordProbe("ipfs", BackendHealth.healthy("node answers id"), FAST);
    assertEquals(List.of("change to UNHEALTHY", "change to DEGRADED", "healthy probe of ipfs while DEGRADED",
        "change to HEALTHY", "healthy probe of ipfs while HEALTHY"), seen);
  }
}
