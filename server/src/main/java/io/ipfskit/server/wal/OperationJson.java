package io.ipfskit.server.wal;

import io.ipfskit.core.wal.BackendStats;
import io.ipfskit.core.wal.FsyncMode;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationResult;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON shape of WAL objects, shared by the MCP tools, the CLI's {@code --json} and the
 * owner socket (which also reads it back into core types). Field names are the reference system's
 * ({@code operation_id, operation_type, backend, parameters, status, timestamp, updated_at,
 * completed_at, result{cid,size,destination}, error, error_type, retry_count, max_retries,
 * next_retry_at}) plus {@code priority}, and {@code result.location} and {@code result.pinned}
 * (where the backend put the content, whether it is pinned there). Times are ISO-8601 UTC strings. An absent value is an
 * absent key, never JSON {@code null}: every property has one JSON type, which every MCP client
 * reads the same way.
 */
public final class OperationJson {
  /** Shared, thread-safe mapper for the WAL JSON shapes. */
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  private OperationJson() {}

  // ------------------------------------------------------------------ writing

  public static ObjectNode operation(Operation op) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("operation_id", op.operationId());
    n.put("operation_type", op.operationType().wireName());
    n.put("backend", op.backend());
    n.set("parameters", op.parameters());
    n.put("status", op.status().wireName());
    n.put("priority", op.priority());
    n.put("timestamp", op.timestamp().toString());
    n.put("updated_at", op.updatedAt().toString());
    putTime(n, "completed_at", op.completedAt());
    OperationResult r = op.result();
    if (r != null) {
      ObjectNode rn = n.putObject("result");
      if (r.cid() != null) rn.put("cid", r.cid());
      if (r.size() != null) rn.put("size", r.size());
      if (r.destination() != null) rn.put("destination", r.destination());
      if (r.location() != null) rn.put("location", r.location());
      if (r.pinned() != null) rn.put("pinned", r.pinned());
    }
    if (op.error() != null) n.put("error", op.error());
    if (op.errorType() != null) n.put("error_type", op.errorType());
    n.put("retry_count", op.retryCount());
    n.put("max_retries", op.maxRetries());
    putTime(n, "next_retry_at", op.nextRetryAt());
    return n;
  }

  public static ArrayNode operations(Iterable<Operation> ops) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Operation op : ops) a.add(operation(op));
    return a;
  }

  /** {@code {operation_id, operation}}: what {@code add} returns. */
  public static ObjectNode added(Operation op) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("operation_id", op.operationId());
    out.set("operation", operation(op));
    return out;
  }

  /** {@code {operation}}. */
  public static ObjectNode single(Operation op) {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("operation", operation(op));
    return out;
  }

  /** {@code {operations, count}}. */
  public static ObjectNode list(List<Operation> ops) {
    ObjectNode out = MAPPER.createObjectNode();
    out.set("operations", operations(ops));
    out.put("count", ops.size());
    return out;
  }

  /** {@code {operation, completed, finished, status}}: what {@code wait} returns. */
  public static ObjectNode waited(Operation op) {
    ObjectNode out = single(op);
    out.put("completed", op.status() == OperationStatus.COMPLETED);
    out.put("finished", op.status().isTerminal());
    out.put("status", op.status().wireName());
    return out;
  }

  /** {@code {removed_count, age_days, status?}}. */
  public static ObjectNode cleanup(CleanupResult r) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("removed_count", r.removedCount());
    out.put("age_days", r.ageDays());
    if (r.statusOrNull() != null) out.put("status", r.statusOrNull().wireName());
    return out;
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
    putTime(n, "last_checkpoint", s.lastCheckpointOrNull());
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

  public static ObjectNode health(WalHealth h) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("healthy", h.healthy());
    out.put("failed_closed", h.failedClosed());
    out.put("pending", h.pending());
    out.put("retrying", h.retrying());
    out.put("failed", h.failed());
    out.set("backends", backends(h.backends()));
    return out;
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

  /** {@code {config, changed}}: what {@code config} returns. */
  public static ObjectNode configResult(WalConfig c, List<String> changed) {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode ch = out.putArray("changed");
    changed.forEach(ch::add);
    out.set("config", config(c));
    return out;
  }

  private static void putTime(ObjectNode n, String field, Instant t) {
    if (t != null) n.put(field, t.toString());
  }

  /** JSON has no NaN/Infinity; a metric with no samples yet is reported as 0. */
  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0.0;
  }

  // ------------------------------------------------------------------ reading (owner answers)

  static Operation readOperation(JsonNode n) {
    JsonNode r = n.get("result");
    OperationResult result = r == null || !r.isObject() ? null
        : new OperationResult(text(r, "cid"), r.hasNonNull("size") ? r.get("size").asLong() : null, text(r, "destination"),
            text(r, "location"), r.path("pinned").isBoolean() ? r.get("pinned").asBoolean() : null);
    JsonNode params = n.get("parameters");
    return new Operation(
        text(n, "operation_id"),
        OperationType.parse("operation_type", text(n, "operation_type")),
        text(n, "backend"),
        params != null && params.isObject() ? (ObjectNode) params : MAPPER.createObjectNode(),
        OperationStatus.parse("status", text(n, "status")),
        n.path("priority").asInt(),
        time(n, "timestamp"),
        time(n, "updated_at"),
        time(n, "completed_at"),
        result,
        text(n, "error"),
        text(n, "error_type"),
        n.path("retry_count").asInt(),
        n.path("max_retries").asInt(),
        time(n, "next_retry_at"));
  }

  static List<Operation> readOperations(JsonNode array) {
    List<Operation> ops = new ArrayList<>();
    for (JsonNode o : array) ops.add(readOperation(o));
    return ops;
  }

  static WalStatus readStatus(JsonNode n) {
    Map<OperationStatus, Long> by = new EnumMap<>(OperationStatus.class);
    for (OperationStatus st : OperationStatus.values()) by.put(st, n.path(st.wireName()).asLong());
    return new WalStatus(n.path("total").asLong(), by, n.path("last_sequence").asLong(),
        FsyncMode.parse("fsync_mode", text(n, "fsync_mode")), n.path("segment_count").asInt(),
        n.path("archived_operations").asLong(), n.path("partition_count").asInt(), time(n, "last_checkpoint"),
        n.path("failed_closed").asBoolean());
  }

  static WalMetrics readMetrics(JsonNode n) {
    return new WalMetrics(n.path("records_appended").asLong(), n.path("fsyncs").asLong(),
        n.path("records_per_fsync").asDouble(), n.path("append_latency_p50_micros").asDouble(),
        n.path("append_latency_p99_micros").asDouble(), n.path("operation_latency_p50_millis").asDouble(),
        n.path("operation_latency_p99_millis").asDouble(), readBackends(n.path("backends")));
  }

  static WalHealth readHealth(JsonNode n) {
    return new WalHealth(n.path("healthy").asBoolean(), n.path("failed_closed").asBoolean(), n.path("pending").asLong(),
        n.path("retrying").asLong(), n.path("failed").asLong(), readBackends(n.path("backends")));
  }

  static Map<String, BackendStats> readBackends(JsonNode array) {
    Map<String, BackendStats> m = new LinkedHashMap<>();
    for (JsonNode b : array) {
      m.put(text(b, "backend"), new BackendStats(text(b, "backend"), b.path("completed").asLong(),
          b.path("failed").asLong(), b.path("retries").asLong(), text(b, "health")));
    }
    return m;
  }

  static CleanupResult readCleanup(JsonNode n) {
    String s = text(n, "status");
    return new CleanupResult(n.path("removed_count").asInt(), n.path("age_days").asInt(),
        s == null ? null : OperationStatus.parse("status", s));
  }

  /** The configuration from its {@link WalConfig#toMap()} form. */
  static WalConfig readConfig(JsonNode n) {
    return new WalConfig(
        Path.of(text(n, "path")),
        FsyncMode.parse("fsync_mode", text(n, "fsync_mode")),
        Integer.parseInt(text(n, "batch_size")),
        Duration.ofMillis(Long.parseLong(text(n, "batch_interval_ms"))),
        Duration.ofMillis(Long.parseLong(text(n, "periodic_interval_ms"))),
        Long.parseLong(text(n, "segment_size")),
        Integer.parseInt(text(n, "partition_size")),
        Integer.parseInt(text(n, "max_retries")),
        seconds(text(n, "retry_delay")),
        seconds(text(n, "max_retry_delay")),
        Boolean.parseBoolean(text(n, "archive_completed")),
        seconds(text(n, "process_interval")),
        Integer.parseInt(text(n, "max_age_days")),
        Integer.parseInt(text(n, "concurrency")));
  }

  private static Duration seconds(String s) {
    return Duration.ofNanos(new BigDecimal(s).movePointRight(9).longValueExact());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }

  private static Instant time(JsonNode n, String field) {
    String s = text(n, field);
    return s == null ? null : Instant.parse(s);
  }
}
