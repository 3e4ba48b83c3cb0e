package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The report on fixed figures: scores and advice are pure functions of them. */
class PerformanceReportTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final double EXACT = 1e-9;

  private static PoolStats pool(String name, int max, int leased, int pending, long acquires, double p99, long exhaustions) {
    return new PoolStats(name, max, leased, max - leased, pending, acquires, p99 / 2, p99, exhaustions, "test");
  }

  private static CacheStats cache(long hits, long misses, long evictions, long loads, long tooLarge, long weight, long max) {
    double rate = hits + misses == 0 ? 1 : (double) hits / (hits + misses);
    return new CacheStats("content", hits, misses, rate, evictions, evictions * 100, loads, 2.0, 0, tooLarge, 5, weight, max);
  }

  private static BreakerStatus breaker(String name, BreakerState state, float failure, float slow, long transitions) {
    return new BreakerStatus(name, state, failure, slow, 20, 0, false, 1, 0, transitions, List.of());
  }

  @Nested
  class Scores {
    @Test
    void cache_fixedFigures_weighsHitRateEvictionAndMemory() {
      // 60 % hits (0.6), 10 evictions of 40 cached (0.75), half the bound used (0.5):
      // 60*0.6 + 20*0.75 + 20*0.5 = 61
      assertEquals(61.0, EfficiencyScores.cache(cache(60, 40, 10, 40, 0, 500, 1000)), EXACT);
    }

    @Test
    void cache_boundedByEntriesNotBytes_scoredOnHitsAndEvictionsScaledTo100() {
      // the S3 head answers: no byte bound. 80 % hits, no evictions: (60*0.8 + 20*1) / 0.8 = 85
      assertEquals(85.0, EfficiencyScores.cache(cache(80, 20, 0, 20, 0, 0, 0)), EXACT);
    }

    @Test
    void caches_boundedByEntriesManyEvictions_adviceRaisesTheEntryBoundNoByteAdvice() {
      List<Recommendation> advice = PerformanceAdvice.caches(List.of(cache(30, 170, 40, 170, 0, 0, 0),
          cache(500, 0, 0, 0, 0, 0, 0)));
      assertEquals(1, advice.size(), advice.toString());
      assertTrue(advice.get(0).advice().endsWith("raise its entry bound"), advice.toString());
    }

    @Test
    void cache_noReads_isMinusOne() {
      assertEquals(-1, EfficiencyScores.cache(cache(0, 0, 0, 0, 0, 0, 1000)), EXACT);
    }

    @Test
    void pool_withinTheBand_fullUtilisationMarks() {
      // 70 % used (1), p99 20 ms (0.8), 10 of 1000 failed (0.99): 40 + 24 + 29.7 = 93.7
      assertEquals(93.7, EfficiencyScores.pool(pool("ipfs", 10, 7, 0, 990, 20, 10)), EXACT);
    }

    @Test
    void pool_saturatedAndSlow_lowScore() {
      // 90 % used (0.5), p99 200 ms (0), 40 of 100 failed (0.6): 20 + 0 + 18 = 38
      assertEquals(38.0, EfficiencyScores.pool(pool("s3", 10, 9, 3, 60, 200, 40)), EXACT);
    }

    @Test
    void pool_underUsedUnmeasuredWait_scoresUtilisationLinearly() {
      // 30 % used (0.5), wait unmeasured (1), no failures (1): 20 + 30 + 30 = 80
      assertEquals(80.0, EfficiencyScores.pool(new PoolStats("p", 10, 3, 7, 0, 5, -1, -1, 0, "t")), EXACT);
    }
  }

  @Nested
  class Report {
    private PerformanceReport report() {
      ResilienceConfig.Breaker config = Configs.breaker(); // failure 50 %, slow 50 %, minimum calls 2
      return PerformanceReport.build(new PerformanceReport.Sources(
          List.of(breaker("ipfs", BreakerState.CLOSED, 45, 0, 0), breaker("s3", BreakerState.OPEN, 80, 0, 7)),
          config,
          Map.of("ipfs", new Resilience.RetryFigures(100, 5, 5, 0)),
          List.of(pool("ipfs", 10, 7, 0, 990, 20, 10), pool("s3", 10, 9, 3, 60, 200, 40)),
          List.of(cache(30, 70, 20, 70, 0, 900, 1000)),
          Map.of("ipfs", new CheckedHealth(BackendHealth.healthy("ok"), NOW),
              "s3", new CheckedHealth(BackendHealth.unhealthy("head-bucket refused"), NOW)),
          30_000,
          new Leases.Stats(1, 10, 9, Duration.ofMinutes(3)),
          List.of(new LeaseInfo(3, "ipfs", "get bafk stream", NOW.minusSeconds(180), Duration.ofSeconds(180),
              "at io.ipfskit.Example.read(Example.java:12)\nat io.ipfskit.Example.main(Example.java:3)\n"))), NOW);
    }

    @Test
    void build_fixedFigures_scoresMeansAndLeaseFigures() {
      PerformanceReport r = report();
      assertEquals(NOW, r.generatedAt());
      assertEquals(65.85, r.scores().pools(), 0.051);
      // 30 % hits, 20 evictions of 70 cached (1 - 0.2857), 90 % full: 18 + 14.29 + 18 = 50.3
      assertEquals(50.3, r.scores().caches(), EXACT);
      assertEquals(new PerformanceReport.LeaseFigures(1, 10, 9, 180), r.leases());
      assertEquals(30_000, r.walAppendP99Micros(), EXACT);
    }

    @Test
    void build_fixedFigures_adviceWarningsFirstEachFromItsRule() {
      List<String> seen = report().recommendations().stream()
          .map(x -> x.severity() + " " + x.area() + " " + x.subject()).toList();
      assertEquals(List.of(
          "warning health s3",
          "warning breaker s3",     // open
          "warning breaker s3",     // 7 transitions: flapping
          "warning pool ipfs",      // 10 exhaustions
          "warning pool s3",        // waiting, p99 200 ms
          "warning cache content",  // 30 % hits, many evictions
          "warning leak ipfs",
          "info breaker ipfs",      // 45 % of a 50 % threshold
          "info wal wal"), seen);
    }

    @Test
    void build_starvedPool_adviceNamesFiguresAndNewSize() {
      Recommendation s3 = report().recommendations().stream()
          .filter(x -> x.area().equals("pool") && x.subject().equals("s3")).findFirst().orElseThrow();
      assertEquals("callers wait for connections (total 10, active 9, idle 1, waiting 3, acquire wait p99 200.0 ms,"
          + " 40 requests got none): raise the pool from 10 to 15 connections, or lower concurrent calls", s3.advice());
    }

    @Test
    void build_leak_adviceNamesTheBorrowersFirstFrame() {
      Recommendation leak = report().recommendations().stream()
          .filter(x -> x.area().equals("leak")).findFirst().orElseThrow();
      assertEquals("get bafk stream has been held for 180 s, leased at io.ipfskit.Example.read(Example.java:12):"
          + " it is probably never closed", leak.advice());
    }

    @Test
    void build_quietSystem_noAdvice() {
      PerformanceReport r = PerformanceReport.build(new PerformanceReport.Sources(
          List.of(breaker("ipfs", BreakerState.CLOSED, 0, 0, 0)), Configs.breaker(), Map.of(),
          List.of(pool("ipfs", 10, 7, 0, 50, 1, 0)), List.of(cache(90, 10, 0, 10, 0, 800, 1000)),
          Map.of("ipfs", new CheckedHealth(BackendHealth.healthy("ok"), NOW)), 900, null, List.of()), NOW);
      assertEquals(List.of(), r.recommendations());
      assertEquals(new PerformanceReport.LeaseFigures(0, 0, 0, 0), r.leases());
    }
  }

  @Nested
  class WithLeasesOf {
    /** A clock the test moves. */
    final class Moving extends java.time.Clock {
      volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    }

    @Test
    void withLeasesOf_twoRegistries_countsSummedOldestKeptLeaksMergedOldestFirst() {
      Moving clock = new Moving();
      Leases owner = new Leases(clock);
      Leases http = new Leases(clock);
      http.acquire("http", "MCP session aaaaaaaa", () -> {});
      clock.now = clock.now.plusSeconds(60);
      owner.acquire("ipfs", "get bafk stream", () -> {}).close();
      owner.acquire("ipfs", "get bafy stream", () -> {});
      clock.now = clock.now.plusSeconds(600);
      PerformanceReport.Sources base = new PerformanceReport.Sources(List.of(), null, Map.of(), List.of(), List.of(),
          Map.of(), -1, owner.stats(), owner.leaks(Duration.ofMinutes(5)));

      PerformanceReport.Sources merged = base.withLeasesOf(http, Duration.ofMinutes(5));

      assertEquals(new Leases.Stats(2, 3, 1, Duration.ofSeconds(660)), merged.leases());
      assertEquals(List.of("MCP session aaaaaaaa", "get bafy stream"), merged.leaks().stream().map(LeaseInfo::what).toList());
    }

    @Test
    void withLeasesOf_noOwnerRegistry_theOtherRegistryAlone() {
      Moving clock = new Moving();
      Leases http = new Leases(clock);
      http.acquire("http", "MCP session bbbbbbbb", () -> {});
      clock.now = clock.now.plusSeconds(30);

      PerformanceReport.Sources merged = PerformanceReport.Sources.none().withLeasesOf(http, Duration.ofMinutes(5));

      assertEquals(new Leases.Stats(1, 1, 0, Duration.ofSeconds(30)), merged.leases());
      assertTrue(merged.leaks().isEmpty());
      assertEquals(1, PerformanceReport.build(merged, clock.now).leases().open());
    }
  }
}
