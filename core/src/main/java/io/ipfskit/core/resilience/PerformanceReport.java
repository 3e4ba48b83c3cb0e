package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the resilience layer sees, in one JSON-able record: breaker states and transitions, retry and
 * budget figures, pool use and acquire waits, cache hit rates, health per backend, the WAL's append
 * p99 (which includes its fsync wait), leased resources and leaks; with recommendations ({@link
 * PerformanceAdvice}) and efficiency scores ({@link EfficiencyScores}). Built by {@link #build} from
 * figures the caller collected ({@link Sources}), so it is a pure function of them.
 *
 * @param generatedAt when it was built
 * @param breakers every breaker
 * @param retries retry and budget figures per backend
 * @param pools every connection pool, with its score
 * @param caches every cache, with its score
 * @param health the latest health per backend
 * @param walAppendP99Micros the WAL's append latency p99 (includes the fsync wait), or -1 when unknown
 * @param leases the lease registry's figures
 * @param leaks leases held longer than the leak threshold, with the borrower's stack
 * @param scores the mean scores
 * @param recommendations what to change, warnings first
 */
public record PerformanceReport(Instant generatedAt, List<BreakerStatus> breakers,
    Map<String, Resilience.RetryFigures> retries, List<PoolReport> pools, List<CacheReport> caches,
    Map<String, CheckedHealth> health, double walAppendP99Micros, LeaseFigures leases, List<LeaseInfo> leaks,
    Scores scores, List<Recommendation> recommendations) {

  public PerformanceReport {
    requireNonNull(generatedAt, "generatedAt");
    breakers = List.copyOf(breakers);
    retries = Map.copyOf(retries);
    pools = List.copyOf(pools);
    caches = List.copyOf(caches);
    health = Map.copyOf(health);
    requireNonNull(leases, "leases");
    leaks = List.copyOf(leaks);
    requireNonNull(scores, "scores");
    recommendations = List.copyOf(recommendations);
  }

  /** A pool and its efficiency score (0..100, -1 without traffic). */
  public record PoolReport(PoolStats stats, double efficiencyScore) {}

  /** A cache and its efficiency score (0..100, -1 without traffic). */
  public record CacheReport(CacheStats stats, double efficiencyScore) {}

  /** The lease registry's figures. */
  public record LeaseFigures(int open, long acquired, long released, long oldestAgeSeconds) {}

  /** Mean efficiency of the pools and of the caches that saw traffic (-1 when none did). */
  public record Scores(double pools, double caches) {}

  /**
   * The figures a report is built from. {@code breakerConfig} may be null (then no threshold
   * advice); {@code walAppendP99Micros} is -1 when there is no WAL; {@code leases} may be null (no
   * registry).
   */
  public record Sources(List<BreakerStatus> breakers, ResilienceConfig.Breaker breakerConfig,
      Map<String, Resilience.RetryFigures> retries, List<PoolStats> pools, List<CacheStats> caches,
      Map<String, CheckedHealth> health, double walAppendP99Micros, Leases.Stats leases, List<LeaseInfo> leaks) {
    public Sources {
      breakers = List.copyOf(breakers);
      retries = Map.copyOf(retries);
      pools = List.copyOf(pools);
      caches = List.copyOf(caches);
      health = Map.copyOf(health);
      leaks = List.copyOf(leaks);
    }

    /**
     * These figures with {@code more}'s leases added (another registry of this process, e.g. the HTTP
     * server's sessions): the counts summed, the older oldest age, and {@code more}'s leases held
     * longer than {@code leakThreshold} among the leaks, oldest first. Lease ids are per registry.
     */
    public Sources withLeasesOf(Leases more, Duration leakThreshold) {
      requireNonNull(more, "more");
      Leases.Stats m = more.stats();
      Leases.Stats l = leases == null ? m : new Leases.Stats(leases.open() + m.open(), leases.acquired() + m.acquired(),
          leases.released() + m.released(), leases.oldestAge().compareTo(m.oldestAge()) >= 0 ? leases.oldestAge() : m.oldestAge());
      List<LeaseInfo> all = new ArrayList<>(leaks);
      all.addAll(more.leaks(leakThreshold));
      all.sort(java.util.Comparator.comparing(LeaseInfo::acquiredAt));
      return new Sources(breakers, breakerConfig, retries, pools, caches, health, walAppendP99Micros, l, all);
    }

    /** No figures at all: what a process that runs no backends and sees no WAL has. */
    public static Sources none() {
      return new Sources(List.of(), null, Map.of(), List.of(), List.of(), Map.of(), -1, null, List.of());
    }
  }

  public static PerformanceReport build(Sources s, Instant now) {
    requireNonNull(s, "s");
    requireNonNull(now, "now");
    List<PoolReport> pools = s.pools().stream().map(p -> new PoolReport(p, EfficiencyScores.pool(p))).toList();
    List<CacheReport> caches = s.caches().stream().map(c -> new CacheReport(c, EfficiencyScores.cache(c))).toList();
    Scores scores = new Scores(mean(pools.stream().mapToDouble(PoolReport::efficiencyScore).toArray()),
        mean(caches.stream().mapToDouble(CacheReport::efficiencyScore).toArray()));

    List<Recommendation> advice = new ArrayList<>();
    advice.addAll(PerformanceAdvice.health(new TreeMap<>(s.health())));
    advice.addAll(PerformanceAdvice.breakers(s.breakers(), s.breakerConfig()));
    advice.addAll(PerformanceAdvice.pools(s.pools()));
    advice.addAll(PerformanceAdvice.caches(s.caches()));
    advice.addAll(PerformanceAdvice.wal(s.walAppendP99Micros()));
    advice.addAll(PerformanceAdvice.leaks(s.leaks()));
    List<Recommendation> ordered = new ArrayList<>(advice.stream().filter(r -> r.severity().equals("warning")).toList());
    ordered.addAll(advice.stream().filter(r -> r.severity().equals("info")).toList());

    Leases.Stats l = s.leases() == null ? new Leases.Stats(0, 0, 0, Duration.ZERO) : s.leases();
    return new PerformanceReport(now, s.breakers(), s.retries(), pools, caches, s.health(), s.walAppendP99Micros(),
        new LeaseFigures(l.open(), l.acquired(), l.released(), l.oldestAge().toSeconds()), s.leaks(), scores, ordered);
  }

  private static double mean(double[] scores) {
    double sum = 0;
    int n = 0;
    for (double v : scores) {
      if (v < 0) continue;
      sum += v;
      n++;
    }
    return n == 0 ? -1 : Math.round(sum / n * 10) / 10.0;
  }
}
