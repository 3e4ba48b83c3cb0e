package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  /** Always the largest value a bounded draw allows. */
  static final RandomGenerator HIGHEST = new RandomGenerator() {
    @Override
    public long nextLong() {
      throw new AssertionError("only bounded draws are expected");
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };
  /** Always 0. */
  static final RandomGenerator LOWEST = new RandomGenerator() {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public long nextLong(long bound) {
      return 0;
    }
  };

  static RetryPolicy policy(Backoff b, long initialMillis, long maxMillis, double jitter) {
    return new RetryPolicy(5, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis), b, 2, jitter);
  }

  @ParameterizedTest(name = "{0} attempt {1}: {2} ms")
  @CsvSource({
      "FIXED, 0, 1000", "FIXED, 7, 1000",
      "LINEAR, 0, 1000", "LINEAR, 1, 2000", "LINEAR, 2, 2500", "LINEAR, 90, 2500",
      "EXPONENTIAL, 0, 1000", "EXPONENTIAL, 1, 2000", "EXPONENTIAL, 1, 2000", "EXPONENTIAL, 2, 2500", "EXPONENTIAL, 100, 2500"})
  void delayMicros_noJitter_growsAndStopsAtTheCap(Backoff b, int attempt, long wantMillis) {
    assertEquals(wantMillis * 1000, policy(b, 1000, 2500, 0).delayMicros(attempt, 0, HIGHEST));
  }

  @Test
  void delayMicros_jitterOnACappedDelay_isDrawnAfterTheCap() {
    RetryPolicy p = policy(Backoff.EXPONENTIAL, 500, 30_000, 0.2);
    assertEquals(30_000_000, p.delayMicros(10, 0, LOWEST), "nothing taken off");
    assertEquals(24_000_000, p.delayMicros(10, 0, HIGHEST), "20 % of the cap taken off, so capped delays spread");
    assertEquals(400_000, p.delayMicros(0, 0, HIGHEST));
  }

  @ParameterizedTest(name = "attempt {0}: cap {1} µs")
  @CsvSource({"0, 1000000", "1, 2000000", "3, 8000000", "4, 10000000", "62, 10000000", "1000, 10000000"})
  void delayMicros_fullJitter_isUniformUpToTheDoublingCap(int attempt, long cap) {
    RetryPolicy p = policy(Backoff.EXPONENTIAL_FULL_JITTER, 1000, 10_000, 0);
    assertEquals(cap, p.delayMicros(attempt, 0, HIGHEST));
    assertEquals(0, p.delayMicros(attempt, 0, LOWEST));
  }

  @ParameterizedTest(name = "after {0} µs: from {1} to {2}")
  @CsvSource({"0, 1000000, 3000000", "3000000, 1000000, 9000000", "9000000, 1000000, 10000000"})
  void delayMicros_decorrelatedJitter_drawsBetweenBaseAndThreeTimesThePreviousCapped(long previous, long low, long high) {
    RetryPolicy p = policy(Backoff.DECORRELATED_JITTER, 1000, 10_000, 0);
    assertEquals(low, p.delayMicros(3, previous, LOWEST));
    assertEquals(high, p.delayMicros(3, previous, HIGHEST));
  }

  @Test
  void referenceDefault_eachClass_matchesTheReferenceTable() {
    assertEquals("5 PT0.5S exponential", text(RetryPolicy.referenceDefault(OperationClass.READ)));
    assertEquals("3 PT2S exponential", text(RetryPolicy.referenceDefault(OperationClass.WRITE)));
    assertEquals("10 PT5S exponential", text(RetryPolicy.referenceDefault(OperationClass.PIN)));
    assertEquals("3 PT1S linear", text(RetryPolicy.referenceDefault(OperationClass.DELETE)));
    assertEquals("3 PT1S exponential", text(RetryPolicy.referenceDefault(OperationClass.LIST)));
  }

  private static String text(RetryPolicy p) {
    return p.maxRetries() + " " + p.initialDelay() + " " + p.backoff().wireName();
  }

  @Test
  void constructor_jitterWithARandomisedBackoff_isRefusedNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> policy(Backoff.EXPONENTIAL_FULL_JITTER, 1000, 2000, 0.1));
    assertEquals("jitter must be 0 with backoff full_jitter (it draws its own), but was 0.1", e.getMessage());
  }

  @Test
  void constructor_maxBelowInitial_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy(Backoff.FIXED, 2000, 1000, 0));
    assertEquals("maxDelay must be from initialDelay (PT2S) to 1 day, but was PT1S", e.getMessage());
  }

  @Test
  void constructor_negativeRetries_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RetryPolicy(-1, Duration.ofSeconds(1), Duration.ofSeconds(1), Backoff.FIXED, 2, 0));
    assertEquals("maxRetries must be from 0 to 100, but was -1", e.getMessage());
  }
}
