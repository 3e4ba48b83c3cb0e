package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.ResilienceConfig.Budget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  static final long S = 1_000_000_000L;
  static final long T0 = 1000 * S;

  @Test
  void tryAcquireRetry_ratioOfFirstAttempts_grantsThatManyThenDenies() {
    RetryBudget b = new RetryBudget(new Budget(0.2, 0, Duration.ofSeconds(10)));
    for (int i = 0; i < 10; i++) b.recordCall(T0);
    assertTrue(b.tryAcquireRetry(T0));
    assertTrue(b.tryAcquireRetry(T0));
    assertFalse(b.tryAcquireRetry(T0), "2 retries = 20 % of 10 calls");
    assertArrayEquals(new long[] {10, 2, 2, 1}, b.figures(T0));
  }

  @Test
  void tryAcquireRetry_callsFellOutOfTheWindow_deniesWhileRetriesStillCount() {
    RetryBudget b = new RetryBudget(new Budget(0.5, 0, Duration.ofSeconds(10)));
    for (int i = 0; i < 4; i++) b.recordCall(T0);
    assertTrue(b.tryAcquireRetry(T0 + 5 * S));
    assertFalse(b.tryAcquireRetry(T0 + 10 * S), "the calls at T0 left the window; the retry at +5 s did not");
    assertArrayEquals(new long[] {0, 1, 1, 1}, b.figures(T0 + 10 * S));
    assertArrayEquals(new long[] {0, 0, 1, 1}, b.figures(T0 + 15 * S));
  }

  @Test
  void tryAcquireRetry_quietBackend_getsTheMinimumPerSecond() {
    RetryBudget b = new RetryBudget(new Budget(0.2, 1, Duration.ofSeconds(10)));
    for (int i = 0; i < 10; i++) assertTrue(b.tryAcquireRetry(T0), "retry " + i);
    assertFalse(b.tryAcquireRetry(T0));
  }

  @Test
  void tryAcquireRetry_longOutage_capsRetriesAtTheRatioOfTraffic() {
    RetryBudget b = new RetryBudget(new Budget(0.1, 0, Duration.ofSeconds(10)));
    long granted = 0;
    for (int second = 0; second < 60; second++) { // 10 calls a second, each failing and wanting 3 retries
      long now = T0 + second * S;
      for (int call = 0; call < 10; call++) {
        b.recordCall(now);
        for (int r = 0; r < 3; r++) if (b.tryAcquireRetry(now)) granted++;
      }
    }
    assertTrue(granted <= 60 + 10, "at most 10 % of 600 calls (+ one window's rounding), got " + granted);
    assertTrue(granted >= 50, "the budget is used, got " + granted);
  }
}
