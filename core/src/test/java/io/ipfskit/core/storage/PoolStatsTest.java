package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PoolStatsTest {

  @Test
  void describe_namesTotalActiveIdleWaiting() {
    PoolStats s = new PoolStats("ipfs", 16, 12, 4, 9, 10, 1, 2, 0, "now");
    assertEquals("total 16, active 12, idle 4, waiting 9", s.describe());
    assertEquals(0.75, s.utilisation());
  }

  @Test
  void new_negativeLeased_failsNamingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PoolStats("ipfs", 16, -1, 4, 0, 0, -1, -1, 0, "now"));
    assertEquals("leased, available and pending must be >= 0, but were -1, 4, 0", e.getMessage());
  }

  @Test
  void latencyWindow_overCapacity_keepsTheLatest() {
    LatencyWindow w = new LatencyWindow(10);
    assertEquals(-1, w.percentileMillis(50));
    for (int i = 1; i <= 20; i++) w.record(i * 1_000_000L);
    assertEquals(20, w.count());
    assertEquals(15.0, w.percentileMillis(50));
    assertEquals(20.0, w.percentileMillis(99));
    assertEquals(11.0, w.percentileMillis(0));
  }
}
