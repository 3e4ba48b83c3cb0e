package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryTimingTest {
  @TempDir java.nio.file.Path tmp;

  /** Always draws the largest value allowed: the delay is the cap. */
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

  /** Always draws 0: full jitter gives 0, a fraction of jitter takes nothing off. */
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

  WalConfig config(Duration retryDelay, Duration maxRetryDelay) {
    return new WalConfig(tmp, FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100), 1L << 20, 1000,
        3, retryDelay, maxRetryDelay, true, Duration.ofSeconds(1), 30, 1);
  }

  @ParameterizedTest(name = "attempt {0}: cap {1} µs")
  @CsvSource({"0, 10000000", "1, 20000000", "2, 40000000", "3, 60000000", "62, 60000000", "70, 60000000"})
  void fullJitter_highestDraw_isTheDoublingCapBoundedByMaxRetryDelay(int attempt, long capMicros) {
    WalConfig c = config(Duration.ofSeconds(10), Duration.ofSeconds(60));
    assertEquals(capMicros, RetryTiming.fullJitter(() -> c, HIGHEST).delayMicros(attempt));
  }

  @Test
  void fullJitter_lowestDraw_isZero() {
    WalConfig c = config(Duration.ofSeconds(10), Duration.ofSeconds(60));
    assertEquals(0, RetryTiming.fullJitter(() -> c, LOWEST).delayMicros(4));
  }

  @Test
  void fullJitter_configChangedLive_nextDelayUsesTheNewRetryDelay() {
    AtomicReference<WalConfig> c = new AtomicReference<>(config(Duration.ofSeconds(10), Duration.ofSeconds(60)));
    RetryTiming t = RetryTiming.fullJitter(c::get, HIGHEST);
    assertEquals(10_000_000, t.delayMicros(0));
    c.set(config(Duration.ofMillis(500), Duration.ofSeconds(60)));
    assertEquals(500_000, t.delayMicros(0));
  }

  @Test
  void fullJitter_seededRandom_isRepeatableAndWithinTheCap() {
    WalConfig c = config(Duration.ofSeconds(60), Duration.ofHours(1));
    RetryTiming a = RetryTiming.fullJitter(() -> c, new SplittableRandom(42));
    RetryTiming b = RetryTiming.fullJitter(() -> c, new SplittableRandom(42));
    for (int attempt = 0; attempt < 70; attempt++) {
      long cap = RetryTiming.capMicros(c.retryDelay(), c.maxRetryDelay(), attempt);
      long d = a.delayMicros(attempt);
      assertEquals(d, b.delayMicros(attempt), "same seed, same delays");
      assertTrue(d >= 0 && d <= cap, "attempt " + attempt + ": " + d + " > " + cap);
    }
  }

  @Test
  void capMicros_anyAttempt_neverOverflowsPastMax() {
    Duration base = Duration.ofSeconds(60);
    Duration max = Duration.ofHours(1);
    for (int attempt = 0; attempt < 70; attempt++) {
      long want = Math.min(max.toNanos() / 1000, attempt >= 20 ? Long.MAX_VALUE : (base.toNanos() / 1000) << attempt);
      assertEquals(want, RetryTiming.capMicros(base, max, attempt), "attempt " + attempt);
    }
  }

  @Test
  void capMicros_zeroBase_countsAsOneMicrosecond() {
    assertEquals(4, RetryTiming.capMicros(Duration.ZERO, Duration.ofSeconds(1), 2));
  }
}
