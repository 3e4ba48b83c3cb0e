package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.WalSchemas.FINISHED_STATUSES;
import static io.ipfskit.server.tools.WalSchemas.OPERATION_TYPES;
import static io.ipfskit.server.tools.WalSchemas.STATUSES;
import static io.ipfskit.server.tools.WalSchemas.arrayOf;
import static io.ipfskit.server.tools.WalSchemas.backendStats;
import static io.ipfskit.server.tools.WalSchemas.enumOf;
import static io.ipfskit.server.tools.WalSchemas.input;
import static io.ipfskit.server.tools.WalSchemas.integer;
import static io.ipfskit.server.tools.WalSchemas.nullable;
import static io.ipfskit.server.tools.WalSchemas.object;
import static io.ipfskit.server.tools.WalSchemas.operation;
import static io.ipfskit.server.tools.WalSchemas.props;
import static io.ipfskit.server.tools.WalSchemas.string;
import static io.ipfskit.server.tools.WalSchemas.type;

import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.server.wal.WalMethod;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The write-ahead-log MCP tools (reference names and inputs, ARCHITECTURE.md §3) plus {@code
 * wal_metrics}, {@code wal_config} and {@code wal_health}. Each handler hands its arguments to one
 * {@link SharedWal#call} (which runs here or on the process owning the log) and shapes the result:
 * structured content that matches the output schema plus a short text ({@link ToolResults}).
 * Expected failures come back as {@code isError} results with a message the model can act on;
 * nothing a call does can stop the server.
 *
 * <p>Arguments are checked twice: by the SDK against the input schema here, and by the process that
 * owns the log ({@code WalArguments}), because calls may arrive there forwarded from another
 * process. The schemas are built with {@link WalSchemas} rather than {@link ToolInput}, which has no
 * object ({@code params}, {@code set}) or fractional number ({@code timeout}) arguments.
 */
public final class WalTools implements ToolSet {
  private static final Logger log = LoggerFactory.getLogger(WalTools.class);

  private final Supplier<SharedWal> wal;

  /**
   * @param wal gives the home's shared WAL (opened on first use); called on each tool call, never
   *     while building the tool list, so {@code tools/list} never waits for WAL recovery
   */
  public WalTools(Supplier<SharedWal> wal) {
    this.wal = wal;
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return List.of(addOperation(), status(), listOperations(), getOperation(), waitForOperation(),
        retryOperation(), cancelOperation(), cleanup(), metrics(), config(), health());
  }

  private static final Map<String, Object> OPERATION_ID =
      string("The id wal_add_operation returned (see wal_list_operations)", 1, 128);

  private SyncToolSpecification addOperation() {
    Map<String, Object> params = object(props(
        "content", type("string", "add: UTF-8 text to store"),
        "path", string("add: a local file to store (absolute, or relative to the server's working directory)", 1, 4096),
        "cid", string("get, cat, pin, unpin, rm: the content id, e.g. bafkrei...", 1, 512),
        "destination", string("get: a local file to write the content to", 1, 4096)));
    params.put("description", "What the operation works on: add needs content or path; get/cat/pin/unpin/rm need cid");
    Tool tool = Tool.builder("wal_add_operation", input(props(
            "operation_type", enumOf(OPERATION_TYPES, "What to do"),
            "backend", withDefault(string("Which storage backend runs it", 1, 64), "local"),
            "params", params,
            "priority", integer("1 (lowest) to 10 (highest); due operations run highest first", 1, 10, 5)),
            "operation_type"))
        .title("Queue a storage operation")
        .description("Records a storage operation (add, get, cat, pin, unpin, rm, ...) durably in the write-ahead log "
            + "and returns at once; it runs in the background with retries. Follow with wal_wait_for_operation to get its result "
            + "(for add: result.cid and result.size).")
        .outputSchema(object(props("operation_id", type("string", null), "operation", operation()), "operation_id", "operation"))
        .annotations(annotations("Queue a storage operation", false, true, false, true))
        .build();
    return spec(tool, WalMethod.ADD, r -> "queued " + op(r).path("operation_type").asString() + " on "
        + op(r).path("backend").asString() + " as operation " + r.path("operation_id").asString());
  }

  private SyncToolSpecification status() {
    Map<String, Object> p = props("total", type("integer", "Operations the log knows"));
    for (String s : STATUSES) p.put(s, type("integer", null));
    p.put("last_sequence", type("integer", null));
    p.put("fsync_mode", type("string", null));
    p.put("segment_count", type("integer", null));
    p.put("archived_operations", type("integer", null));
    p.put("partition_count", type("integer", null));
    p.put("last_checkpoint", nullable("string"));
    p.put("failed_closed", type("boolean", "True after an fsync failure: the log accepts nothing until reopened"));
    List<String> required = new java.util.ArrayList<>(STATUSES);
    required.add(0, "total");
    Tool tool = Tool.builder("wal_status", input(props()))
        .title("Write-ahead log status")
        .description("Counts of operations by status (pending, processing, completed, failed, retrying, cancelled), "
            + "including finished operations already moved to the Parquet archive (also counted in "
            + "archived_operations), and the log's state.")
        .outputSchema(object(p, required.toArray(String[]::new)))
        .annotations(annotations("Write-ahead log status", true, false, true, false))
        .build();
    return spec(tool, WalMethod.STATUS, r -> r.path("total").asLong() + " operations: "
        + STATUSES.stream().map(s -> r.path(s).asLong() + " " + s).reduce((a, b) -> a + ", " + b).orElse(""));
  }

  private SyncToolSpecification listOperations() {
    Tool tool = Tool.builder("wal_list_operations", input(props(
            "status", enumOf(STATUSES, "Only operations in this status"),
            "backend", string("Only operations on this backend", 1, 64),
            "limit", integer("At most this many, newest first", 1, 1000, 100),
            "offset", integer("Skip this many matches first (paging)", 0, 1_000_000, 0))))
        .title("List write-ahead log operations")
        .description("Lists operations newest first, optionally filtered by status and backend; finished ones come from the Parquet archive.")
        .outputSchema(object(props("operations", arrayOf(operation()), "count", type("integer", null)), "operations", "count"))
        .annotations(annotations("List write-ahead log operations", true, false, true, false))
        .build();
    return spec(tool, WalMethod.LIST, WalTools::describeList);
  }

  private SyncToolSpecification getOperation() {
    Tool tool = Tool.builder("wal_get_operation", input(props("operation_id", OPERATION_ID), "operation_id"))
        .title("Get one operation")
        .description("Returns one operation with its status, parameters, result and last error.")
        .outputSchema(object(props("operation", operation()), "operation"))
        .annotations(annotations("Get one operation", true, false, true, false))
        .build();
    return spec(tool, WalMethod.GET, WalTools::describeOperation);
  }

  private SyncToolSpecification waitForOperation() {
    Map<String, Object> timeout = type("number", "Seconds to wait at most (default 60, at most 300)");
    timeout.put("exclusiveMinimum", 0);
    timeout.put("maximum", 300);
    timeout.put("default", 60);
    Tool tool = Tool.builder("wal_wait_for_operation", input(props("operation_id", OPERATION_ID, "timeout", timeout), "operation_id"))
        .title("Wait for an operation to finish")
        .description("Blocks until the operation is completed, failed or cancelled, or the timeout passes; returns it either way. "
            + "completed is true only for status completed; finished is true for any final status.")
        .outputSchema(object(props("operation", operation(), "completed", type("boolean", null),
            "finished", type("boolean", null), "status", enumOf(STATUSES, null)), "operation", "completed", "status"))
        .annotations(annotations("Wait for an operation to finish", true, false, true, false))
        .build();
    return spec(tool, WalMethod.WAIT, r -> r.path("finished").asBoolean()
        ? describeOperation(r) : describeOperation(r) + " (still running when the timeout passed; wait again)");
  }

  private SyncToolSpecification retryOperation() {
    Tool tool = Tool.builder("wal_retry_operation", input(props("operation_id", OPERATION_ID), "operation_id"))
        .title("Retry a failed operation")
        .description("Puts a failed or cancelled operation back to pending with a fresh retry budget.")
        .outputSchema(object(props("operation", operation()), "operation"))
        .annotations(annotations("Retry a failed operation", false, false, false, false))
        .build();
    return spec(tool, WalMethod.RETRY, WalTools::describeOperation);
  }

  private SyncToolSpecification cancelOperation() {
    Tool tool = Tool.builder("wal_cancel_operation", input(props("operation_id", OPERATION_ID), "operation_id"))
        .title("Cancel a queued operation")
        .description("Cancels an operation that is pending or waiting to retry; a running or finished one cannot be cancelled.")
        .outputSchema(object(props("operation", operation()), "operation"))
        .annotations(annotations("Cancel a queued operation", false, true, false, false))
        .build();
    return spec(tool, WalMethod.CANCEL, WalTools::describeOperation);
  }

  private SyncToolSpecification cleanup() {
    Tool tool = Tool.builder("wal_cleanup", input(props(
            "age_days", integer("Remove finished operations older than this many days (default: the configured max_age_days)", 0, 36_500, null),
            "status", enumOf(FINISHED_STATUSES, "Only remove operations in this final status"))))
        .title("Remove old finished operations")
        .description("Deletes finished (completed, failed, cancelled) operations older than age_days from the log and its archive.")
        .outputSchema(object(props("removed_count", type("integer", null), "age_days", type("integer", null),
            "status", nullable("string")), "removed_count"))
        .annotations(annotations("Remove old finished operations", false, true, true, false))
        .build();
    return spec(tool, WalMethod.CLEANUP, r -> "removed " + r.path("removed_count").asLong() + " operation(s) older than "
        + r.path("age_days").asInt() + " day(s)");
  }

  private SyncToolSpecification metrics() {
    Tool tool = Tool.builder("wal_metrics", input(props()))
        .title("Write-ahead log metrics")
        .description("Append and fsync counts, append and operation latency percentiles, and per-backend results and health.")
        .outputSchema(object(props(
            "records_appended", type("integer", null), "fsyncs", type("integer", null),
            "records_per_fsync", type("number", null),
            "append_latency_p50_micros", type("number", null), "append_latency_p99_micros", type("number", null),
            "operation_latency_p50_millis", type("number", null), "operation_latency_p99_millis", type("number", null),
            "backends", arrayOf(backendStats())), "records_appended", "fsyncs", "backends"))
        .annotations(annotations("Write-ahead log metrics", true, false, true, false))
        .build();
    return spec(tool, WalMethod.METRICS, r -> r.path("records_appended").asLong() + " records, "
        + r.path("fsyncs").asLong() + " fsyncs, operation latency p50 " + r.path("operation_latency_p50_millis").asDouble() + " ms");
  }

  private SyncToolSpecification config() {
    Map<String, Object> value = type(List.of("string", "number", "boolean"), null);
    Map<String, Object> set = type("object", "Keys to change now, e.g. {\"max_retries\": 3}; live-updatable keys: "
        + String.join(", ", WalConfig.LIVE_KEYS));
    set.put("propertyNames", enumOf(WalConfig.LIVE_KEYS, null));
    set.put("additionalProperties", value);
    set.put("minProperties", 1);
    Map<String, Object> configOut = type("object", null);
    configOut.put("additionalProperties", type("string", null));
    Tool tool = Tool.builder("wal_config", input(props("set", set)))
        .title("Show or change the WAL configuration")
        .description("Without set: returns the configuration. With set: changes the live-updatable keys and returns the result.")
        .outputSchema(object(props("config", configOut, "changed", arrayOf(type("string", null))), "config", "changed"))
        .annotations(annotations("Show or change the WAL configuration", false, false, true, false))
        .build();
    return spec(tool, WalMethod.CONFIG, r -> (r.path("changed").isEmpty() ? "WAL configuration: " : "changed "
        + r.path("changed") + "; WAL configuration: ") + r.path("config"));
  }

  private SyncToolSpecification health() {
    Tool tool = Tool.builder("wal_health", input(props()))
        .title("Write-ahead log health")
        .description("Whether the log accepts writes and each backend's health, with pending, retrying and failed counts.")
        .outputSchema(object(props("healthy", type("boolean", null), "failed_closed", type("boolean", null),
            "pending", type("integer", null), "retrying", type("integer", null), "failed", type("integer", null),
            "backends", arrayOf(backendStats())), "healthy", "failed_closed", "backends"))
        .annotations(annotations("Write-ahead log health", true, false, true, false))
        .build();
    return spec(tool, WalMethod.HEALTH, r -> (r.path("healthy").asBoolean() ? "healthy" : "unhealthy")
        + (r.path("failed_closed").asBoolean() ? " (failed closed after an fsync error: restart the server)" : "")
        + "; backends: " + describeBackends(r.path("backends")));
  }

  private SyncToolSpecification spec(Tool tool, WalMethod method, Function<ObjectNode, String> summary) {
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler((exchange, request) -> call(tool.name(), method, request, summary))
        .build();
  }

  private CallToolResult call(String toolName, WalMethod method, CallToolRequest request, Function<ObjectNode, String> summary) {
    try {
      ObjectNode args = request.arguments() == null
          ? OperationJson.MAPPER.createObjectNode()
          : OperationJson.MAPPER.valueToTree(request.arguments());
      ObjectNode result = wal.get().call(method, args);
      @SuppressWarnings("unchecked")
      Map<String, Object> structured = OperationJson.MAPPER.convertValue(result, Map.class);
      return ToolResults.success(structured, summary.apply(result));
    } catch (WalCallException e) {
      return error(e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} failed unexpectedly", toolName, e);
      return error(toolName + " failed unexpectedly (" + e.getClass().getSimpleName() + "); see the server log");
    }
  }

  private static CallToolResult error(String message) {
    return ToolResults.error(message);
  }

  private static String describeBackends(JsonNode backends) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : backends) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(b.path("backend").asString()).append(' ').append(b.path("health").asString());
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  private static JsonNode op(ObjectNode r) {
    return r.path("operation");
  }

  private static String describeList(ObjectNode r) {
    StringBuilder sb = new StringBuilder().append(r.path("count").asInt()).append(" operation(s)");
    int shown = 0;
    for (JsonNode o : r.path("operations")) {
      if (shown++ == 20) {
        sb.append("\n...");
        break;
      }
      sb.append("\n").append(o.path("operation_id").asString()).append(' ').append(o.path("operation_type").asString())
          .append(' ').append(o.path("backend").asString()).append(' ').append(o.path("status").asString());
    }
    return sb.toString();
  }

  private static String describeOperation(ObjectNode r) {
    JsonNode o = op(r);
    StringBuilder sb = new StringBuilder("operation ").append(o.path("operation_id").asString())
        .append(" (").append(o.path("operation_type").asString()).append(" on ").append(o.path("backend").asString())
        .append(") is ").append(o.path("status").asString());
    JsonNode result = o.path("result");
    if (result.isObject() && result.path("cid").isString()) sb.append(": cid ").append(result.path("cid").asString());
    if (o.path("error").isString()) sb.append(": ").append(o.path("error").asString());
    return sb.toString();
  }

  private static Map<String, Object> withDefault(Map<String, Object> schema, Object value) {
    schema.put("default", value);
    return schema;
  }

  private static ToolAnnotations annotations(String title, boolean readOnly, boolean destructive, boolean idempotent,
      boolean openWorld) {
    return ToolAnnotations.builder().title(title).readOnlyHint(readOnly).destructiveHint(destructive)
        .idempotentHint(idempotent).openWorldHint(openWorld).build();
  }

}
