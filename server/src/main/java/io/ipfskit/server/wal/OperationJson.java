package io.ipfskit.server.wal;

import io.ipfskit.core.wal.BackendStats;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationResult;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON shape of WAL objects, shared by the MCP tools, the CLI and owner forwarding. Field
 * names are the reference system's ({@code operation_id, operation_type, backend, parameters,
 * status, timestamp, updated_at, completed_at, result{cid,size,destination}, error, error_type,
 * retry_count, max_retries, next_retry_at}) plus {@code priority}. Times are ISO-8601 UTC strings;
 * absent values are JSON {@code null} so every key is always present.
 */
public final class OperationJson {
  /** Shared, thread-safe mapper for the WAL JSON shapes. */
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private OperationJson() {}

  public static ObjectNode operation(Operation op) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("operation_id", op.operationId());
    n.put("operation_type", op.operationType().wireName());
    n.put("backend", op.backend());
    n.set("parameters", op.parameters());
    n.put("status", op.status().wireName());
    n.put("priority", op.priority());
    n.put("timestamp", time(op.timestamp()));
    n.put("updated_at", time(op.updatedAt()));
    n.put("completed_at", time(op.completedAt()));
    OperationResult r = op.result();
    if (r == null) {
      n.putNull("result");
    } else {
      ObjectNode rn = n.putObject("result");
      rn.put("cid", r.cid());
      rn.put("size", r.size());
      rn.put("destination", r.destination());
    }
    n.put("error", op.error());
    n.put("error_type", op.errorType());
    n.put("retry_count", op.retryCount());
    n.put("max_retries", op.maxRetries());
    n.put("next_retry_at", time(op.nextRetryAt()));
    return n;
  }

  public static ArrayNode operations(Iterable<Operation> ops) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Operation op : ops) a.add(operation(op));
    return a;
  }

  /** {@code total}, one count per status wire name, then the log's own facts. */
  public static ObjectNode status(WalStatus s) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("total", s.totalOperations());
    for (OperationStatus st : OperationStatus.values()) {
      n.put(st.wireName(), s.byStatus().getOrDefault(st, 0L));
    }
    n.put("last_sequence", s.lastSequence());
    n.put("fsync_mode", s.fsyncMode().wireName());
    n.put("segment_count", s.segmentCount());
    n.put("archived_operations", s.archivedOperations());
    n.put("partition_count", s.partitionCount());
    n.put("last_checkpoint", time(s.lastCheckpointOrNull()));
    n.put("failed_closed", s.failedClosed());
    return n;
  }

  public static ObjectNode metrics(WalMetrics m) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("records_appended", m.recordsAppended());
    n.put("fsyncs", m.fsyncs());
    n.put("records_per_fsync", finite(m.recordsPerFsync()));
    n.put("append_latency_p50_micros", finite(m.appendLatencyP50Micros()));
    n.put("append_latency_p99_micros", finite(m.appendLatencyP99Micros()));
    n.put("operation_latency_p50_millis", finite(m.operationLatencyP50Millis()));
    n.put("operation_latency_p99_millis", finite(m.operationLatencyP99Millis()));
    n.set("backends", backends(m.backends()));
    return n;
  }

  public static ArrayNode backends(Map<String, BackendStats> stats) {
    ArrayNode a = MAPPER.createArrayNode();
    stats.values().stream()
        .sorted((x, y) -> x.backend().compareTo(y.backend()))
        .forEach(b -> {
          ObjectNode bn = a.addObject();
          bn.put("backend", b.backend());
          bn.put("health", b.health());
          bn.put("completed", b.completed());
          bn.put("failed", b.failed());
          bn.put("retries", b.retries());
        });
    return a;
  }

  /** The configuration as the reference key names with string values (what {@code with} accepts). */
  public static ObjectNode config(WalConfig c) {
    ObjectNode n = MAPPER.createObjectNode();
    c.toMap().forEach(n::put);
    return n;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }

  /** JSON has no NaN/Infinity; a metric with no samples yet is reported as 0. */
  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0.0;
  }
}
