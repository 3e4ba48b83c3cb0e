package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.PoolStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules behind the report's recommendations, each from observed figures:
 *
 * <ul>
 *   <li>Pool size from utilisation and wait: callers waiting, requests that got no connection, or an
 *       acquire-wait p99 over {@link #SLOW_WAIT_MILLIS} → raise the maximum by half; a pool that saw
 *       real traffic ({@link #MIN_ACQUIRES}) but is under 20 % used with no wait → it may shrink.
 *   <li>Breaker thresholds from observed error and slow rates: a closed breaker whose failure (slow)
 *       rate is at least {@link #NEAR_THRESHOLD} of its threshold is close to opening; a breaker that
 *       changed state {@link #FLAPPING_TRANSITIONS}+ times flaps (more minimum calls, or a threshold
 *       above the observed rate); a slow rate near its threshold suggests the slow-call duration is
 *       tighter than the backend's normal latency.
 *   <li>Cache size from hit rate and evictions: a hit rate under 50 % with evictions over 20 % of what
 *       was cached → double the byte bound; reads mostly too large to cache → raise the entry bound;
 *       a cache with traffic using under 25 % of its bound → it may shrink.
 *   <li>Backends not healthy, a WAL append p99 over {@link #SLOW_WAL_MICROS}, every leaked lease.
 * </ul>
 */
final class PerformanceAdvice {
  static final double SLOW_WAIT_MILLIS = 50;
  static final long MIN_ACQUIRES = 100;
  static final double NEAR_THRESHOLD = 0.8;
  static final long FLAPPING_TRANSITIONS = 6;
  static final double SLOW_WAL_MICROS = 20_000;

  private PerformanceAdvice() {}

  static List<Recommendation> pools(List<PoolStats> pools) {
    List<Recommendation> out = new ArrayList<>();
    for (PoolStats p : pools) {
      boolean starved = p.pending() > 0 || p.exhaustions() > 0 || p.acquireWaitP99Millis() > SLOW_WAIT_MILLIS;
      if (starved && p.max() > 0) {
        out.add(new Recommendation("pool", p.pool(), "warning", "callers wait for connections (" + p.describe()
            + ", acquire wait p99 " + fmt(p.acquireWaitP99Millis()) + " ms, " + p.exhaustions()
            + " requests got none): raise the pool from " + p.max() + " to " + (int) Math.ceil(p.max() * 1.5)
            + " connections, or lower concurrent calls"));
      } else if (p.acquires() >= MIN_ACQUIRES && p.utilisation() < 0.2 && p.max() > 4) {
        out.add(new Recommendation("pool", p.pool(), "info", "the pool is " + pct(p.utilisation())
            + " used with no wait over " + p.acquires() + " requests: " + Math.max(4, (int) Math.ceil(p.max() / 2.0))
            + " connections would do"));
      }
    }
    return out;
  }

  static List<Recommendation> breakers(List<BreakerStatus> breakers, ResilienceConfig.Breaker config) {
    List<Recommendation> out = new ArrayList<>();
    for (BreakerStatus b : breakers) {
      if (b.state() != BreakerState.CLOSED) {
        out.add(new Recommendation("breaker", b.name(), "warning", "the breaker is " + b.state()
            + ": calls to it fast-fail until it recovers (" + b.notPermittedCalls() + " refused so far)"));
      }
      if (b.transitions() >= FLAPPING_TRANSITIONS) {
        out.add(new Recommendation("breaker", b.name(), "warning", "the breaker changed state " + b.transitions()
            + " times: it flaps; raise its minimum calls"
            + (config == null ? "" : " (now " + config.minimumCalls() + ")")
            + " or its failure threshold above the observed rate"));
      }
      if (config == null || b.state() != BreakerState.CLOSED) continue;
      if (b.failureRatePercent() >= NEAR_THRESHOLD * config.failureRateThreshold()) {
        out.add(new Recommendation("breaker", b.name(), "info", "failure rate " + fmt(b.failureRatePercent())
            + " % is close to the threshold " + config.failureRateThreshold() + " %: if these failures are normal for"
            + " this backend, raise the threshold to " + Math.min(100, (int) Math.ceil(b.failureRatePercent()) + 10)
            + " %; if not, the backend is failing"));
      }
      if (b.slowCallRatePercent() >= NEAR_THRESHOLD * config.slowCallRateThreshold()) {
        out.add(new Recommendation("breaker", b.name(), "info", "slow-call rate " + fmt(b.slowCallRatePercent())
            + " % is close to the threshold " + config.slowCallRateThreshold() + " %: the slow-call duration "
            + config.slowCallDuration().toMillis() + " ms is tighter than this backend's usual latency; raise it"));
      }
    }
    return out;
  }

  static List<Recommendation> caches(List<CacheStats> caches) {
    List<Recommendation> out = new ArrayList<>();
    for (CacheStats c : caches) {
      long reads = c.hits() + c.misses();
      if (reads == 0) continue;
      if (c.hitRate() < 0.5 && c.loads() > 0 && c.evictions() > 0.2 * c.loads()) {
        out.add(new Recommendation("cache", c.cache(), "warning", "hit rate " + pct(c.hitRate()) + " with "
            + c.evictions() + " evictions for " + c.loads() + " entries cached: " + (c.maxBytes() == 0
                ? "raise its entry bound" : "raise the bound from " + c.maxBytes() + " to " + c.maxBytes() * 2 + " bytes")));
      }
      if (c.tooLarge() > c.loads() && c.tooLarge() > 0) {
        out.add(new Recommendation("cache", c.cache(), "info", c.tooLarge() + " reads were too large to cache ("
            + c.loads() + " were cached): raise the entry bound if memory allows"));
      }
      if (reads >= MIN_ACQUIRES && c.maxBytes() > 0 && c.fill() < 0.25 && c.evictions() == 0) { // byte-bound only
        out.add(new Recommendation("cache", c.cache(), "info", "the cache holds " + c.weightBytes() + " of "
            + c.maxBytes() + " bytes (" + pct(c.fill()) + ") without evictions: "
            + Math.max(c.weightBytes() * 2, 1L << 20) + " bytes would do"));
      }
    }
    return out;
  }

  static List<Recommendation> health(Map<String, CheckedHealth> health) {
    List<Recommendation> out = new ArrayList<>();
    health.forEach((name, h) -> {
      if (h.status() == BackendHealth.Status.DEGRADED || h.status() == BackendHealth.Status.UNHEALTHY)
        out.add(new Recommendation("health", name, "warning", "the backend is " + h.status() + ": "
            + h.health().detail()));
    });
    return out;
  }

  static List<Recommendation> wal(double appendP99Micros) {
    if (appendP99Micros <= SLOW_WAL_MICROS) return List.of();
    return List.of(new Recommendation("wal", "wal", "info", "WAL append p99 is " + fmt(appendP99Micros / 1000)
        + " ms (it includes the fsync wait): the disk syncs slowly; a sync mode that groups records trades a"
        + " short durability window for latency"));
  }

  static List<Recommendation> leaks(List<LeaseInfo> leaks) {
    List<Recommendation> out = new ArrayList<>();
    for (LeaseInfo l : leaks) {
      String firstFrame = l.stack().lines().findFirst().orElse("at an unknown place");
      out.add(new Recommendation("leak", l.owner(), "warning", l.what() + " has been held for " + l.age().toSeconds()
          + " s, leased " + firstFrame + ": it is probably never closed"));
    }
    return out;
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.0f %%", share * 100);
  }
}
