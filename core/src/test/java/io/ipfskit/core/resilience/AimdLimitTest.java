package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.ResilienceConfig.Concurrency;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AimdLimitTest {
  static final long FAST = Duration.ofMillis(10).toNanos();
  static final long SLOW = Duration.ofMillis(200).toNanos();
  final AimdLimit limit = new AimdLimit(new Concurrency(4, 2, 6, Duration.ofMillis(100), 0.5));

  @Test
  void tryAcquire_atTheLimit_refusesAndCounts() {
    for (int i = 0; i < 4; i++) assertTrue(limit.tryAcquire());
    assertFalse(limit.tryAcquire());
    assertEquals(1, limit.rejected());
    assertEquals(4, limit.inFlight());
  }

  @Test
  void release_fastCallWhileBusy_raisesTheLimitByOneUpToMax() {
    for (int round = 0; round < 5; round++) {
      int l = limit.limit();
      for (int i = 0; i < l; i++) limit.tryAcquire();
      limit.release(FAST, false);
      for (int i = 1; i < l; i++) limit.cancel();
    }
    assertEquals(6, limit.limit());
  }

  @Test
  void release_fastCallWhileMostlyIdle_keepsTheLimit() {
    limit.tryAcquire();
    limit.release(FAST, false);
    assertEquals(4, limit.limit());
  }

  @Test
  void release_slowCall_halvesTheLimitDownToMin() {
    limit.tryAcquire();
    limit.release(SLOW, false);
    assertEquals(2, limit.limit());
    limit.tryAcquire();
    limit.release(SLOW, false);
    assertEquals(2, limit.limit(), "never under min");
  }

  @Test
  void release_failedCall_shrinksByAtLeastOne() {
    AimdLimit gentle = new AimdLimit(new Concurrency(4, 1, 6, Duration.ofMillis(100), 0.9));
    gentle.tryAcquire();
    gentle.release(FAST, true);
    assertEquals(3, gentle.limit(), "4 × 0.9 = 3.6, and at least one less");
    assertEquals(0, gentle.inFlight());
  }
}
