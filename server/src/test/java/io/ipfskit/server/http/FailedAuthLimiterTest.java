package io.ipfskit.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {

  final HttpServerTest.MutableClock clock = new HttpServerTest.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final FailedAuthLimiter limiter = new FailedAuthLimiter(3, Duration.ofSeconds(60), 100, clock);

  @Test
  void blockedFor_underTheLimit_empty() {
    limiter.recordFailure("a");
    limiter.recordFailure("a");
    assertEquals(Optional.empty(), limiter.blockedFor("a"));
  }

  @Test
  void blockedFor_atTheLimit_untilTheWindowEnds_perAddress() {
    for (int i = 0; i < 3; i++) limiter.recordFailure("a");
    assertEquals(Optional.of(Duration.ofSeconds(60)), limiter.blockedFor("a"));
    assertEquals(Optional.empty(), limiter.blockedFor("b"));
    clock.set(Instant.parse("2026-01-01T00:00:59Z"));
    assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.blockedFor("a"));
    clock.set(Instant.parse("2026-01-01T00:01:00Z"));
    assertEquals(Optional.empty(), limiter.blockedFor("a"));
  }

  @Test
  void recordFailure_afterTheWindow_startsANewCount() {
    limiter.recordFailure("a");
    limiter.recordFailure("a");
    clock.set(Instant.parse("2026-01-01T00:01:00Z"));
    limiter.recordFailure("a");
    assertEquals(Optional.empty(), limiter.blockedFor("a"));
  }

  @Test
  void recordFailure_manyAddresses_memoryBounded() {
    FailedAuthLimiter small = new FailedAuthLimiter(3, Duration.ofSeconds(60), 10, clock);
    for (int i = 0; i < 1000; i++) small.recordFailure("10.0.0." + i);
    assertTrue(small.tracked() <= 10, small.tracked() + " tracked");
  }

  @Test
  void constructor_badValues_nameTheField() {
    assertEquals("maxFailures must be >= 1, but was 0", assertThrows(IllegalArgumentException.class,
        () -> new FailedAuthLimiter(0, Duration.ofSeconds(1), 1, clock)).getMessage());
    assertEquals("window must be > 0, but was PT0S", assertThrows(IllegalArgumentException.class,
        () -> new FailedAuthLimiter(1, Duration.ZERO, 1, clock)).getMessage());
  }
}
