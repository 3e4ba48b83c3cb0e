package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.ResilienceConfig.Ramp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recovery ramp alone, with times passed in (nanoseconds from 0). */
class RecoveryRampTest {
  static final long S = 1_000_000_000L;

  @ParameterizedTest(name = "{0} at {1} s: {2}")
  @CsvSource({
      "LINEAR, 0, 0.25", "LINEAR, 5, 0.375", "LINEAR, 10, 0.5", "LINEAR, 30, 1.0", "LINEAR, 100, 1.0",
      "STEP, 0, 0.25", "STEP, 5, 0.25", "STEP, 10, 0.5", "STEP, 29, 0.75", "STEP, 30, 1.0",
      "EXPONENTIAL, 0, 0.25", "EXPONENTIAL, 9, 0.25", "EXPONENTIAL, 10, 0.3125", "EXPONENTIAL, 30, 0.48828125"})
  void rate_eachStrategy_growsAsDocumented(RampStrategy s, long seconds, double want) {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(s));
    r.start(0);
    assertEquals(want, r.rate(seconds * S), 1e-12);
  }

  @ParameterizedTest(name = "default ramp at {0} ms: {1}")
  @CsvSource({"0, 0.1", "999, 0.1", "1999, 0.1", "2000, 0.2", "3000, 0.4", "4000, 0.8", "4999, 0.8", "5000, 1.0"})
  void rate_defaults_doublesEachSecondAfterOneSecondCooldownFullAtFive(long millis, double want) {
    RecoveryRamp r = new RecoveryRamp(ResilienceConfig.defaults().ramp());
    r.start(0);
    assertEquals(want, r.rate(millis * 1_000_000L), 1e-12);
  }

  @Test
  void admit_quarterRate_admitsExactlyAQuarterPlusTheFirstCall() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.STEP));
    r.start(0);
    int admitted = 0;
    for (int i = 0; i < 400; i++) if (r.admit(S)) admitted++;
    assertEquals(101, admitted);
    assertTrue(r.active());
  }

  @Test
  void admit_firstCallsOfARamp_followTheCreditPattern() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.STEP));
    r.start(0);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) b.append(r.admit(0) ? 'T' : 'F');
    assertEquals("TFFTFFFT", b.toString());
  }

  @Test
  void onSuccess_fullRateAndEnoughSuccesses_finishesTheRamp() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.LINEAR));
    r.start(0);
    for (int i = 0; i < 3; i++) r.onSuccess(30 * S);
    assertTrue(r.active(), "3 of 4 successes");
    r.onSuccess(30 * S);
    assertFalse(r.active());
    assertEquals(1.0, r.rate(30 * S));
  }

  @Test
  void onSuccess_enoughSuccessesBeforeFullRate_keepsRamping() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.LINEAR));
    r.start(0);
    for (int i = 0; i < 10; i++) r.onSuccess(S);
    assertTrue(r.active());
  }

  @Test
  void onFailure_failureThresholdReached_restartsFromTheInitialRate() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.LINEAR));
    r.start(0);
    r.onFailure(20 * S);
    assertEquals(0.75, r.rate(20 * S), 1e-12);
    r.onFailure(20 * S);
    assertEquals(0.25, r.rate(20 * S), 1e-12);
    assertEquals(0.5, r.rate(30 * S), 1e-12);
    assertEquals(1, r.restarts());
    assertTrue(r.active());
  }

  @Test
  void admit_maxRecoveryTimeSinceTheFirstStartPassed_endsTheRampDespiteRestarts() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.EXPONENTIAL));
    r.start(0);
    r.onFailure(200 * S);
    r.onFailure(200 * S); // restart at 200 s
    assertTrue(r.active());
    assertTrue(r.admit(300 * S));
    assertFalse(r.active(), "5 min after the first start");
  }

  @Test
  void rate_duringCooldown_holdsTheInitialRate() {
    RecoveryRamp r = new RecoveryRamp(new Ramp(RampStrategy.LINEAR, 0.25, 0.25, Duration.ofSeconds(10), 4, 2,
        Duration.ofMinutes(5), Duration.ofSeconds(20)));
    r.start(0);
    assertEquals(0.25, r.rate(15 * S), 1e-12);
    assertEquals(0.5, r.rate(30 * S), 1e-12);
  }

  @Test
  void start_strategyNone_neverLimits() {
    RecoveryRamp r = new RecoveryRamp(Configs.noRamp());
    r.start(0);
    assertFalse(r.active());
    for (int i = 0; i < 5; i++) assertTrue(r.admit(0));
  }

  @Test
  void stop_duringARamp_admitsEverything() {
    RecoveryRamp r = new RecoveryRamp(Configs.ramp(RampStrategy.STEP));
    r.start(0);
    r.admit(0);
    r.stop();
    assertTrue(r.admit(0));
    assertEquals(1.0, r.rate(0));
  }
}
