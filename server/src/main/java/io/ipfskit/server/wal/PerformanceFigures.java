package io.ipfskit.server.wal;

import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.resilience.LeaseInfo;
import io.ipfskit.core.resilience.Leases;
import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.PoolStats;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.WriteAheadLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * The performance report's figures as the process owning the WAL sees them: its backends' breakers,
 * retry budgets, pools and health, the read cache and lease registry they run behind (leaks older
 * than the threshold with the borrower's stack), and the log's append p99. Only the owner has them;
 * another process asks it over the owner socket ({@link WalMethod#PERFORMANCE}).
 */
final class PerformanceFigures {
  private PerformanceFigures() {}

  static PerformanceReport.Sources collect(BackendRegistry registry, WriteAheadLog wal, Duration leakThreshold) {
    List<PoolStats> pools = new ArrayList<>();
    List<CacheStats> caches = new ArrayList<>();
    for (String name : BackendRegistry.builtInFactories().keySet()) {
      registry.find(name).flatMap(StorageBackend::poolStats).ifPresent(pools::add);
      registry.find(name).map(StorageBackend::cacheStats).ifPresent(caches::addAll); // the S3 head answers
    }
    double walAppendP99 = -1;
    try {
      walAppendP99 = wal.metrics().appendLatencyP99Micros();
    } catch (RuntimeException e) { // the rest of the report is still worth having
      LoggerFactory.getLogger(PerformanceFigures.class).debug("performance report without WAL figures: {}", e.getMessage());
    }
    Resilience layer = registry.resilience();
    List<BreakerStatus> breakers = layer.breakers();
    Map<String, Resilience.RetryFigures> retries = new TreeMap<>();
    Map<String, CheckedHealth> health = new TreeMap<>();
    for (String name : registry.names()) {
      retries.put(name, layer.retryFigures(name));
      health.put(name, registry.health(name));
    }
    layer.contentCache().ifPresent(c -> caches.add(0, c.stats()));
    Leases.Stats leases = null;
    List<LeaseInfo> leaks = List.of();
    Optional<Leases> registered = layer.leases();
    if (registered.isPresent()) {
      leases = registered.get().stats();
      leaks = registered.get().leaks(leakThreshold);
    }
    return new PerformanceReport.Sources(breakers, layer.config().breaker(), retries, pools, caches, health,
        walAppendP99, leases, leaks);
  }
}
