package io.ipfskit.server.wal;

import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a process can do with a home's write-ahead log, in core types. Two implementations: one
 * over the {@code WriteAheadLog} this process owns, one over the owner socket of the process that
 * owns it; {@link SharedWal#service()} hands out the right one per call. JSON exists only at the
 * socket and at the MCP edge, never here.
 *
 * <p>Errors: a {@link WalException} whose {@link WalException#kind() kind} says what happened (the
 * same kind whether the log runs here or in the owner), or a {@link WalCallException} when the log
 * cannot be reached at all. Messages never repeat a value the caller sent.
 */
public interface WalService {

  /** Logs {@code operation} durably and returns it as queued. */
  Operation add(NewOperation operation);

  /** @throws WalException of kind {@code OPERATION_NOT_FOUND} when no live or archived operation has the id */
  Operation get(String operationId);

  List<Operation> list(OperationQuery query);

  /** Blocks until the operation is finished or {@code timeout} passes; returns it either way. */
  Operation waitFor(String operationId, Duration timeout);

  /**
   * {@link #waitFor} without blocking the caller: the future completes with the operation when it
   * is finished or {@code timeout} passed, or exceptionally as {@code waitFor} would throw.
   * Cancelling the future abandons the wait. This default runs {@code waitFor} on a shared
   * forwarding pool (a forwarded wait holds a thread on the socket I/O, never the caller's); the
   * in-process log parks the wait without any thread.
   */
  default CompletableFuture<Operation> waitForAsync(String operationId, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> waitFor(operationId, timeout), ForwardedWaits.EXECUTOR);
  }

  Operation retry(String operationId);

  Operation cancel(String operationId);

  /**
   * Removes finished operations older than {@code ageDays} ({@code null}: the configured
   * {@code max_age_days}), only those in {@code finishedStatusOrNull} when given.
   */
  CleanupResult cleanup(Integer ageDays, OperationStatus finishedStatusOrNull);

  WalStatus status();

  WalMetrics metrics();

  WalHealth health();

  WalConfig config();

  /**
   * The circuit breakers of the backends the log runs on (backends first, then peers, by name).
   * They live in the process that owns the log (they guard its calls); another process asks it.
   */
  java.util.List<io.ipfskit.core.resilience.BreakerStatus> breakers();

  /**
   * Forces a breaker open or closed, or resets it, and returns it afterwards.
   *
   * @throws WalException of kind {@code INVALID_OPERATION} naming the known breakers when there is none so named
   */
  io.ipfskit.core.resilience.BreakerStatus controlBreaker(String breaker, BreakerAction action);

  /**
   * The health of every backend the log runs on (configured ones, in the registry's order), with
   * history. The health monitor lives in the process that owns the log; another process asks it.
   */
  java.util.List<io.ipfskit.core.storage.HealthMonitor.Report> backendHealth();

  /**
   * The performance report's figures: what the backends the log runs on, their resilience layer
   * (breakers, retry budgets, pools, read cache, leases) and the log itself show now; leases held
   * longer than {@code leakThreshold} are leaks. They live in the process that owns the log; another
   * process asks it.
   */
  io.ipfskit.core.resilience.PerformanceReport.Sources performance(java.time.Duration leakThreshold);

  /** Changes live-updatable keys ({@link WalConfig#LIVE_KEYS}); returns the configuration after the change. */
  WalConfig updateConfig(Map<String, String> changes);
}
