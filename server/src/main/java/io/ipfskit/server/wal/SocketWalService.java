package io.ipfskit.server.wal;

import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link WalService} over the owner socket of the process that owns the log: each call is one
 * request in the socket's JSON protocol ({@link OwnerSocketServer}), and the answer is read back
 * into core types; an error answer is rethrown with its kind ({@link WalErrors#fromWire}). When no
 * owner answers, calls throw {@link Unreachable}, which {@link SharedWal} turns into a handover.
 * Stateless and thread-safe.
 */
final class SocketWalService implements WalService {
  /** No owner answers, or it went away; {@link #requestSent} says whether it may have acted. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean requestSent;

    Unreachable(OwnerSocketClient.OwnerUnreachableException cause) {
      super(cause.getMessage(), cause);
      this.requestSent = cause.requestSent();
    }

    boolean requestSent() {
      return requestSent;
    }
  }

  private final Path socketPath;
  private final Path walDir;

  SocketWalService(Path socketPath, Path walDir) {
    this.socketPath = socketPath;
    this.walDir = walDir;
  }

  private ObjectNode call(WalMethod method, ObjectNode args) {
    return call(method, args, method.forwardTimeout());
  }

  private ObjectNode call(WalMethod method, ObjectNode args, Duration timeout) {
    try {
      return OwnerSocketClient.call(socketPath, walDir, method, args, timeout);
    } catch (OwnerSocketClient.OwnerUnreachableException e) {
      throw new Unreachable(e);
    }
  }

  private static ObjectNode args() {
    return OperationJson.MAPPER.createObjectNode();
  }

  private static ObjectNode id(String operationId) {
    ObjectNode a = args();
    a.put("operation_id", operationId);
    return a;
  }

  @Override
  public Operation add(NewOperation operation) {
    ObjectNode a = args();
    a.put("operation_type", operation.operationType().wireName());
    a.put("backend", operation.backend());
    a.set("params", operation.parameters());
    a.put("priority", operation.priority());
    return OperationJson.readOperation(call(WalMethod.ADD, a).path("operation"));
  }

  @Override
  public Operation get(String operationId) {
    return OperationJson.readOperation(call(WalMethod.GET, id(operationId)).path("operation"));
  }

  @Override
  public List<Operation> list(OperationQuery query) {
    ObjectNode a = args();
    if (query.status() != null) a.put("status", query.status().wireName());
    if (query.backend() != null) a.put("backend", query.backend());
    if (query.operationType() != null) a.put("operation_type", query.operationType().wireName());
    a.put("limit", query.limit());
    a.put("offset", query.offset());
    return OperationJson.readOperations(call(WalMethod.LIST, a).path("operations"));
  }

  @Override
  public Operation waitFor(String operationId, Duration timeout) {
    ObjectNode a = id(operationId);
    a.put("timeout", timeout.toNanos() / 1e9);
    return OperationJson.readOperation(call(WalMethod.WAIT, a, WalMethod.WAIT.forwardTimeout().plus(timeout))
        .path("operation"));
  }

  @Override
  public Operation retry(String operationId) {
    return OperationJson.readOperation(call(WalMethod.RETRY, id(operationId)).path("operation"));
  }

  @Override
  public Operation cancel(String operationId) {
    return OperationJson.readOperation(call(WalMethod.CANCEL, id(operationId)).path("operation"));
  }

  @Override
  public CleanupResult cleanup(Integer ageDays, OperationStatus finishedStatusOrNull) {
    ObjectNode a = args();
    if (ageDays != null) a.put("age_days", ageDays);
    if (finishedStatusOrNull != null) a.put("status", finishedStatusOrNull.wireName());
    return OperationJson.readCleanup(call(WalMethod.CLEANUP, a));
  }

  @Override
  public WalStatus status() {
    return OperationJson.readStatus(call(WalMethod.STATUS, args()));
  }

  @Override
  public WalMetrics metrics() {
    return OperationJson.readMetrics(call(WalMethod.METRICS, args()));
  }

  @Override
  public WalHealth health() {
    return OperationJson.readHealth(call(WalMethod.HEALTH, args()));
  }

  @Override
  public WalConfig config() {
    return OperationJson.readConfig(call(WalMethod.CONFIG, args()).path("config"));
  }

  @Override
  public WalConfig updateConfig(Map<String, String> changes) {
    ObjectNode a = args();
    if (!changes.isEmpty()) {
      ObjectNode set = a.putObject("set");
      changes.forEach(set::put);
    }
    return OperationJson.readConfig(call(WalMethod.CONFIG, a).path("config"));
  }

  @Override
  public List<io.ipfskit.core.storage.HealthMonitor.Report> backendHealth() {
    return HealthJson.readList(call(WalMethod.BACKEND_HEALTH, args()));
  }

  @Override
  public io.ipfskit.core.resilience.PerformanceReport.Sources performance(Duration leakThreshold) {
    ObjectNode a = args();
    a.put(WalCalls.LEAK_THRESHOLD, leakThreshold.toSeconds());
    return PerformanceJson.readSources(call(WalMethod.PERFORMANCE, a));
  }

  @Override
  public List<io.ipfskit.core.resilience.BreakerStatus> breakers() {
    return BreakerJson.readList(call(WalMethod.BREAKERS, args()));
  }

  @Override
  public io.ipfskit.core.resilience.BreakerStatus controlBreaker(String breaker, BreakerAction action) {
    ObjectNode a = args();
    a.put("action", action.wireName());
    a.put("breaker", breaker);
    return BreakerJson.read(call(WalMethod.BREAKER_CONTROL, a).path("breaker"));
  }

  /** {@code pid, wal_dir, owner_since} of the owner. */
  ObjectNode ping(Duration timeout) {
    return call(WalMethod.PING, args(), timeout);
  }
}
