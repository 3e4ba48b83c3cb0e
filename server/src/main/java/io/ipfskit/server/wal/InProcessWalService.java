package io.ipfskit.server.wal;

import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationNotFoundException;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link WalService} over the {@link WriteAheadLog} this process owns. Every failure leaves as a
 * {@link WalException} of the right kind ({@link WalErrors#translate}) or a {@link WalCallException}
 * (I/O, interruption). Thread-safe because the log is.
 */
final class InProcessWalService implements WalService {
  private final WriteAheadLog wal;
  private final io.ipfskit.core.resilience.Resilience resilience; // null: no breakers (tests without a registry)
  private final java.util.function.Supplier<List<io.ipfskit.core.storage.HealthMonitor.Report>> health;
  private final java.util.function.Function<Duration, io.ipfskit.core.resilience.PerformanceReport.Sources> performance;

  InProcessWalService(WriteAheadLog wal) {
    this(wal, null);
  }

  /** @param resilienceOrNull the layer the log's backends run behind (null: none, so no breakers) */
  InProcessWalService(WriteAheadLog wal, io.ipfskit.core.resilience.Resilience resilienceOrNull) {
    this(wal, resilienceOrNull, List::of);
  }

  /** @param health the health reports of the log's backends (from the registry's monitor) */
  InProcessWalService(WriteAheadLog wal, io.ipfskit.core.resilience.Resilience resilienceOrNull,
      java.util.function.Supplier<List<io.ipfskit.core.storage.HealthMonitor.Report>> health) {
    this(wal, resilienceOrNull, health, threshold -> io.ipfskit.core.resilience.PerformanceReport.Sources.none());
  }

  /** @param performance the performance report's figures for a leak threshold ({@link PerformanceFigures#collect}) */
  InProcessWalService(WriteAheadLog wal, io.ipfskit.core.resilience.Resilience resilienceOrNull,
      java.util.function.Supplier<List<io.ipfskit.core.storage.HealthMonitor.Report>> health,
      java.util.function.Function<Duration, io.ipfskit.core.resilience.PerformanceReport.Sources> performance) {
    this.wal = wal;
    this.resilience = resilienceOrNull;
    this.health = health;
    this.performance = performance;
  }

  @Override
  public io.ipfskit.core.resilience.PerformanceReport.Sources performance(Duration leakThreshold) {
    return performance.apply(leakThreshold);
  }

  @Override
  public List<io.ipfskit.core.storage.HealthMonitor.Report> backendHealth() {
    return health.get();
  }

  @Override
  public java.util.List<io.ipfskit.core.resilience.BreakerStatus> breakers() {
    return resilience == null ? java.util.List.of() : resilience.breakers();
  }

  @Override
  public io.ipfskit.core.resilience.BreakerStatus controlBreaker(String breaker, BreakerAction action) {
    if (resilience == null || resilience.breaker(breaker).isEmpty()) {
      // Names the known breakers, never the name sent (as every WAL message).
      throw new io.ipfskit.core.wal.InvalidOperationException("breaker", "must be one of "
          + breakers().stream().map(io.ipfskit.core.resilience.BreakerStatus::name).toList());
    }
    String cause = "operator: circuit_breaker_control " + action.wireName();
    return run("breaker_control", () -> switch (action) {
      case FORCE_OPEN -> resilience.forceOpen(breaker, cause);
      case FORCE_CLOSED -> resilience.forceClosed(breaker, cause);
      case RESET -> resilience.reset(breaker, cause);
    });
  }

  @FunctionalInterface
  private interface LogCall<T> {
    T run() throws IOException, InterruptedException;
  }

  private static <T> T run(String what, LogCall<T> call) {
    try {
      return call.run();
    } catch (RuntimeException e) {
      throw WalErrors.translate(e);
    } catch (IOException e) {
      throw new WalCallException(WalCallException.Kind.INTERNAL, "the write-ahead log failed in " + what + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "interrupted during " + what + " (server shutting down)");
    }
  }

  @Override
  public Operation add(NewOperation operation) {
    return run("add", () -> wal.add(operation));
  }

  @Override
  public Operation get(String operationId) {
    return run("get", () -> wal.get(operationId).orElseThrow(() -> new OperationNotFoundException(operationId)));
  }

  @Override
  public List<Operation> list(OperationQuery query) {
    return run("list", () -> wal.list(query));
  }

  @Override
  public Operation waitFor(String operationId, Duration timeout) {
    return run("wait", () -> wal.waitFor(operationId, timeout));
  }

  @Override
  public CompletableFuture<Operation> waitForAsync(String operationId, Duration timeout) {
    if (timeout.isNegative()) {
      return CompletableFuture.failedFuture(new io.ipfskit.core.wal.InvalidOperationException("timeout", "must be >= 0"));
    }
    return ParkedWait.start(wal, operationId, timeout);
  }

  @Override
  public Operation retry(String operationId) {
    return run("retry", () -> wal.retry(operationId));
  }

  @Override
  public Operation cancel(String operationId) {
    return run("cancel", () -> wal.cancel(operationId));
  }

  @Override
  public CleanupResult cleanup(Integer ageDays, OperationStatus finishedStatusOrNull) {
    return run("cleanup", () -> {
      int age = ageDays == null ? wal.config().maxAgeDays() : ageDays;
      return new CleanupResult(wal.cleanup(age, finishedStatusOrNull), age, finishedStatusOrNull);
    });
  }

  @Override
  public WalStatus status() {
    return run("status", wal::status);
  }

  @Override
  public WalMetrics metrics() {
    return run("metrics", wal::metrics);
  }

  @Override
  public WalHealth health() {
    return run("health", () -> WalHealth.of(wal.status(), wal.metrics()));
  }

  @Override
  public WalConfig config() {
    return run("config", wal::config);
  }

  @Override
  public WalConfig updateConfig(Map<String, String> changes) {
    return run("config", () -> changes.isEmpty() ? wal.config() : wal.updateConfig(changes));
  }
}
