package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.Schema.array;
import static io.ipfskit.server.tools.Schema.bool;
import static io.ipfskit.server.tools.Schema.enumOf;
import static io.ipfskit.server.tools.Schema.input;
import static io.ipfskit.server.tools.Schema.integer;
import static io.ipfskit.server.tools.Schema.mapOf;
import static io.ipfskit.server.tools.Schema.number;
import static io.ipfskit.server.tools.Schema.object;
import static io.ipfskit.server.tools.Schema.optional;
import static io.ipfskit.server.tools.Schema.string;
import static io.ipfskit.server.tools.Schema.withDefault;
import static io.ipfskit.server.tools.ToolDef.Hint.DESTRUCTIVE;
import static io.ipfskit.server.tools.ToolDef.Hint.IDEMPOTENT;
import static io.ipfskit.server.tools.ToolDef.Hint.OPEN_WORLD;
import static io.ipfskit.server.tools.ToolDef.READ;
import static io.ipfskit.server.tools.ToolDef.hints;
import static io.ipfskit.server.wal.WalCalls.FINISHED_STATUSES;
import static io.ipfskit.server.wal.WalCalls.OPERATION_TYPES;
import static io.ipfskit.server.wal.WalCalls.STATUSES;

import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.PathCheck;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.content.ContentReader;
import io.ipfskit.server.content.StoredBytes;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.server.wal.WalMethod;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.ipfskit.core.wal.Operation;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The write-ahead-log MCP tools (reference names and inputs, ARCHITECTURE.md §3) plus {@code
 * wal_metrics}, {@code wal_config} and {@code wal_health}, as one table ({@link #TABLE}). Every
 * handler is the same adapter: {@link WalCalls} checks the arguments strictly (unknown, mistyped
 * or out-of-range ones are refused naming the argument and the rule, never repeating the value),
 * turns them into core types and makes one call on the {@link SharedWal#service() WalService}
 * (here or on the process owning the log); the result is structured content matching the output
 * schema plus a short text. Failures come back as {@code isError} results whose text follows the
 * failure's kind; nothing a call does can stop the server. Path arguments are checked against the
 * session's file access roots ({@link SessionRoots}, reached through the call's exchange) before an
 * operation is logged.
 */
public final class WalTools implements ToolSet {
  private static final Logger log = LoggerFactory.getLogger(WalTools.class);

  private final Supplier<SharedWal> wal;
  private final SessionRoots roots;
  private final Supplier<ContentReader> content; // null: no inline cat content
  private final java.util.function.BooleanSupplier ownedHere;

  /**
   * @param wal gives the home's shared WAL (opened on first use); called on each tool call, never
   *     while building the tool list, so {@code tools/list} never waits for WAL recovery
   * @param roots the session's file access roots
   */
  public WalTools(Supplier<SharedWal> wal, SessionRoots roots) {
    this(wal, roots, null);
  }

  /**
   * @param content reads stored content for a completed {@code cat}'s inline result (null: none)
   */
  public WalTools(Supplier<SharedWal> wal, SessionRoots roots, Supplier<ContentReader> content) {
    this(wal, roots, content, () -> false);
  }

  /**
   * @param ownedHere whether {@code wal} answers at once with a log this process owns (recovered,
   *     in memory); while false a call may wait for recovery or another process and never runs on
   *     the stdio reading thread
   */
  public WalTools(Supplier<SharedWal> wal, SessionRoots roots, Supplier<ContentReader> content,
      java.util.function.BooleanSupplier ownedHere) {
    this.wal = wal;
    this.roots = java.util.Objects.requireNonNull(roots, "roots");
    this.content = content;
    this.ownedHere = java.util.Objects.requireNonNull(ownedHere, "ownedHere");
  }

  /**
   * The calls answered from the owned log's memory alone (counts, metrics): quick once this process
   * owns the log. Not here: every call that appends to the journal (add, retry, cancel: an fsync on a
   * slow disk would stop the server reading), add also because a path argument may need the client's
   * roots/list, get and wait (may read content), list (reads the Parquet archive), cleanup (deletes
   * files), config (may write the configuration), health (may probe a backend).
   */
  static final Set<String> QUICK = Set.of("wal_status", "wal_metrics");

  @Override
  public boolean runsInline(String toolName) {
    return QUICK.contains(toolName) && ownedHere.getAsBoolean();
  }

  /** One WAL tool: its definition minus the handler, the method it calls and how its result reads as text. */
  private record Row(String name, String title, String description, Map<String, Object> input,
      Map<String, Object> output, Set<ToolDef.Hint> hints, WalMethod method, Function<ObjectNode, String> summary) {}

  private static final Map<String, Object> OPERATION_ID =
      string("The id wal_add_operation returned (see wal_list_operations)", 1, 128);

  private static final List<Row> TABLE = List.of(
      new Row("wal_add_operation", "Queue a storage operation",
          "Records a storage operation (" + String.join(", ", OPERATION_TYPES) + ") durably in the write-ahead log "
              + "and returns at once; it runs in the background with retries. Follow with wal_wait_for_operation to get its result "
              + "(for add: result.cid and result.size; on ipfs also result.pinned).",
          input(
              "operation_type", enumOf(OPERATION_TYPES, "What to do"),
              "backend", optional(withDefault(string("Which storage backend runs it: local (the embedded block store), ipfs"
                  + " (the IPFS node of IPFS_KIT_IPFS_API), s3 (the bucket of IPFS_KIT_S3_BUCKET) or storacha (the space of"
                  + " IPFS_KIT_STORACHA_SPACE); a backend that is not configured is refused with the list of configured ones", 1, 64),
                  "local")),
              "params", optional(params()),
              "priority", optional(withDefault(integer("1 (lowest) to 10 (highest); due operations run highest first", 1, 10), 5))),
          object("operation_id", string(null), "operation", operation()),
          hints(DESTRUCTIVE, OPEN_WORLD), WalMethod.ADD,
          r -> "queued " + op(r).path("operation_type").asString() + " on "
              + op(r).path("backend").asString() + " as operation " + r.path("operation_id").asString()),
      new Row("wal_status", "Write-ahead log status",
          "Counts of operations by status (pending, processing, completed, failed, retrying, cancelled), "
              + "including finished operations already moved to the Parquet archive (also counted in "
              + "archived_operations), and the log's state.",
          input(), statusSchema(), READ, WalMethod.STATUS,
          r -> r.path("total").asLong() + " operations: "
              + STATUSES.stream().map(s -> r.path(s).asLong() + " " + s).reduce((a, b) -> a + ", " + b).orElse("")),
      new Row("wal_list_operations", "List write-ahead log operations",
          "Lists operations newest first, optionally filtered by status, backend and operation type; finished ones come "
              + "from the Parquet archive.",
          input(
              "status", optional(enumOf(STATUSES, "Only operations in this status")),
              "backend", optional(string("Only operations on this backend", 1, 64)),
              "operation_type", optional(enumOf(WalCalls.ALL_OPERATION_TYPES, "Only operations of this type")),
              "limit", optional(withDefault(integer("At most this many, newest first", 1, WalCalls.Edge.MCP.maxListLimit()), 100)),
              "offset", optional(withDefault(integer("Skip this many matches first (paging)", 0, WalCalls.Edge.MCP.maxOffset()), 0))),
          object("operations", array(operation(), null), "count", integer(null)),
          READ, WalMethod.LIST, WalTools::describeList),
      new Row("wal_get_operation", "Get one operation",
          "Returns one operation with its status, parameters, result and last error.",
          input("operation_id", OPERATION_ID), object("operation", operation()),
          READ, WalMethod.GET, WalTools::describeOperation),
      new Row("wal_wait_for_operation", "Wait for an operation to finish",
          "Blocks until the operation is completed, failed or cancelled, or the timeout passes; returns it either way. "
              + "completed is true only for status completed; finished is true for any final status.",
          input("operation_id", OPERATION_ID, "timeout", optional(waitTimeout())),
          object("operation", operation(), "completed", bool(null), "finished", optional(bool(null)),
              "status", enumOf(STATUSES, null)),
          READ, WalMethod.WAIT,
          r -> r.path("finished").asBoolean()
              ? describeOperation(r) : describeOperation(r) + " (still running when the timeout passed; wait again)"),
      new Row("wal_retry_operation", "Retry a failed operation",
          "Puts a failed or cancelled operation back to pending with a fresh retry budget.",
          input("operation_id", OPERATION_ID), object("operation", operation()),
          hints(), WalMethod.RETRY, WalTools::describeOperation),
      new Row("wal_cancel_operation", "Cancel a queued operation",
          "Cancels an operation that is pending, waiting to retry or running (a running copy stops within one chunk, "
              + "leaves no temp file and is recorded cancelled); a finished one cannot be cancelled.",
          input("operation_id", OPERATION_ID), object("operation", operation()),
          hints(DESTRUCTIVE), WalMethod.CANCEL, WalTools::describeOperation),
      new Row("wal_cleanup", "Remove old finished operations",
          "Deletes finished (completed, failed, cancelled) operations older than age_days from the log and its archive.",
          input(
              "age_days", optional(integer("Remove finished operations older than this many days (default: the configured max_age_days)",
                  0, WalCalls.MAX_AGE_DAYS)),
              "status", optional(enumOf(FINISHED_STATUSES, "Only remove operations in this final status"))),
          object("removed_count", integer(null), "age_days", optional(integer(null)), "status", optional(string(null))),
          hints(DESTRUCTIVE, IDEMPOTENT), WalMethod.CLEANUP,
          r -> "removed " + r.path("removed_count").asLong() + " operation(s) older than "
              + r.path("age_days").asInt() + " day(s)"),
      new Row("wal_metrics", "Write-ahead log metrics",
          "Append and fsync counts, append and operation latency percentiles, and per-backend results and health.",
          input(),
          object("records_appended", integer(null), "fsyncs", integer(null),
              "records_per_fsync", optional(number(null)),
              "append_latency_p50_micros", optional(number(null)), "append_latency_p99_micros", optional(number(null)),
              "operation_latency_p50_millis", optional(number(null)), "operation_latency_p99_millis", optional(number(null)),
              "backends", array(backendStats(), null)),
          READ, WalMethod.METRICS,
          r -> r.path("records_appended").asLong() + " records, " + r.path("fsyncs").asLong()
              + " fsyncs, operation latency p50 " + r.path("operation_latency_p50_millis").asDouble() + " ms"),
      new Row("wal_config", "Show or change the WAL configuration",
          "Without set: returns the configuration. With set: changes the live-updatable keys and returns the result.",
          input("set", optional(configSet())),
          object("config", mapOf(string(null), null), "changed", array(string(null), null)),
          hints(IDEMPOTENT), WalMethod.CONFIG,
          r -> (r.path("changed").isEmpty() ? "WAL configuration: " : "changed " + r.path("changed")
              + "; WAL configuration: ") + r.path("config")),
      new Row("wal_health", "Write-ahead log health",
          "Whether the log accepts writes and each backend's health, with pending, retrying and failed counts, and the "
              + "file access roots in force for this session (file_access).",
          input(),
          object("healthy", bool(null), "failed_closed", bool(null), "pending", optional(integer(null)),
              "retrying", optional(integer(null)), "failed", optional(integer(null)), "backends", array(backendStats(), null),
              "file_access", optional(fileAccess())),
          READ, WalMethod.HEALTH,
          r -> (r.path("healthy").asBoolean() ? "healthy" : "unhealthy")
              + (r.path("failed_closed").asBoolean() ? " (failed closed after an fsync error: restart the server)" : "")
              + "; backends: " + describeBackends(r.path("backends"))
              + "; file access roots: " + r.path("file_access").path("roots").asString("unknown")));

  /**
   * The input schema of the tool that calls {@code method} (a fresh copy), so another edge (the REST
   * API's OpenAPI document) advertises the same argument names, types and bounds as the tool.
   */
  public static ObjectNode inputSchema(WalMethod method) {
    return OperationJson.MAPPER.valueToTree(row(method).input());
  }

  /** The output schema of the tool that calls {@code method} (a fresh copy); see {@link #inputSchema}. */
  public static ObjectNode outputSchema(WalMethod method) {
    return OperationJson.MAPPER.valueToTree(row(method).output());
  }

  /** The tool name that calls {@code method}, e.g. {@code wal_list_operations}. */
  public static String toolName(WalMethod method) {
    return row(method).name();
  }

  private static Row row(WalMethod method) {
    return TABLE.stream().filter(r -> r.method() == method).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no WAL tool calls method " + method));
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return TABLE.stream().map(row -> new ToolDef(row.name(), row.title(), row.description(), row.input(), row.output(),
        row.hints(), (exchange, args) -> call(row, exchange, args)).specification()).toList();
  }

  /** {@code wal_wait_for_operation} as a {@link LongCall}: parked on the log, no thread while it waits. */
  @Override
  public List<LongCall> longCalls() {
    Row row = TABLE.stream().filter(r -> r.method() == WalMethod.WAIT).findFirst().orElseThrow();
    return List.of(new LongCall() {
      @Override
      public String name() {
        return row.name();
      }

      @Override
      public Started start(Map<String, Object> arguments) {
        long startNanos = System.nanoTime();
        Object id = arguments.get("operation_id");
        String label = id instanceof String s && s.matches("[A-Za-z0-9_.:-]{1,128}") ? "operation " + s : "the operation";
        AtomicReference<CompletableFuture<Operation>> wait = new AtomicReference<>();
        CompletableFuture<CallToolResult> result = CompletableFuture
            .supplyAsync(wal, OPENER)
            .thenCompose(shared -> {
              CompletableFuture<Operation> w =
                  WalCalls.waitAsync(shared.service(), OperationJson.MAPPER.valueToTree(arguments), row.name());
              wait.set(w);
              return w;
            })
            .handle((op, e) -> op != null ? waited(row, op) : failure(row, e));
        result.whenComplete((r, e) -> {
          CompletableFuture<Operation> w = wait.get();
          if (result.isCancelled() && w != null) w.cancel(true);
        });
        return new Started(result, () -> "waiting for " + label + " ("
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos) + " s so far)");
      }
    });
  }

  /** The wait's answer, with a completed cat's content inline as the synchronous handler gives it. */
  private CallToolResult waited(Row row, Operation op) {
    ObjectNode result = OperationJson.waited(op);
    if (content != null) inlineCatContent(result);
    return success(row, result);
  }

  private static CallToolResult success(Row row, ObjectNode result) {
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = OperationJson.MAPPER.convertValue(result, Map.class);
    return ToolResults.success(structured, row.summary().apply(result));
  }

  private static CallToolResult failure(Row row, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof WalException w) return ToolResults.error(errorText(w));
    if (cause instanceof WalCallException w) return ToolResults.error(w.getMessage());
    log.error("{} failed unexpectedly", row.name(), cause);
    return ToolResults.error(row.name() + " failed unexpectedly (" + cause.getClass().getSimpleName() + "); see the server log");
  }

  /** Opens the shared WAL for long calls (blocks only while the log recovers on first use). */
  private static final ExecutorService OPENER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "wal-long-call-open");
    t.setDaemon(true);
    return t;
  });

  /** One call; {@code exchange} may be null outside a client session (tests): operator roots only. */
  private CallToolResult call(Row row, McpSyncServerExchange exchange, Map<String, Object> arguments) {
    try {
      ObjectNode args = OperationJson.MAPPER.valueToTree(arguments);
      ObjectNode result = WalCalls.call(wal.get().service(), row.method(), args, WalCalls.Edge.MCP, row.name(),
          PathCheck.atCaller(() -> roots.policy(exchange)));
      if (content != null && (row.method() == WalMethod.GET || row.method() == WalMethod.WAIT)) {
        inlineCatContent(result);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> structured = OperationJson.MAPPER.convertValue(result, Map.class);
      return ToolResults.success(structured, row.summary().apply(result));
    } catch (WalException e) {
      return ToolResults.error(errorText(e));
    } catch (WalCallException e) {
      return ToolResults.error(e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} failed unexpectedly", row.name(), e);
      return ToolResults.error(row.name() + " failed unexpectedly (" + e.getClass().getSimpleName() + "); see the server log");
    }
  }

  /**
   * A completed {@code cat} without a destination answers with its content: read from the store
   * now, at most {@code IPFS_KIT_CONTENT_MAX_BYTES}, as {@code result.content} (UTF-8 text) or
   * {@code result.content_base64}, with {@code result.truncated}. The WAL record keeps only cid and
   * size: content never enters the log, so a large cat cannot bloat segments, checkpoints or the
   * Parquet archive, and the bytes come from the one place that holds them.
   */
  private void inlineCatContent(ObjectNode answer) {
    JsonNode o = answer.path("operation");
    JsonNode r = o.path("result");
    if (!"cat".equals(o.path("operation_type").asString("")) || !"completed".equals(o.path("status").asString(""))
        || !r.isObject() || r.has("destination") || !r.path("cid").isString()) {
      return;
    }
    ObjectNode result = (ObjectNode) r;
    try {
      StoredBytes bytes = content.get().read(o.path("backend").asString(), r.path("cid").asString());
      bytes.text().ifPresentOrElse(text -> result.put("content", text),
          () -> result.put("content_base64", bytes.base64()));
      result.put("truncated", bytes.truncated());
    } catch (StorageException | RuntimeException e) {
      result.put("content_error", "the content could not be read now: " + e.getMessage());
    }
  }

  /** The text a model reads for a failure: the message plus what to do, by kind. */
  static String errorText(WalException e) {
    return switch (e.kind()) {
      case INVALID_OPERATION -> "invalid argument: " + e.getMessage();
      case OPERATION_NOT_FOUND -> e.getMessage() + "; list known ids with wal_list_operations";
      case ILLEGAL_TRANSITION -> e.getMessage() + " (see its status with wal_get_operation)";
      case BACKEND_NOT_CONFIGURED -> e.getMessage() + " (pass a configured backend, or omit backend for local)";
      case LOG_FAILED_CLOSED -> "the write-ahead log failed closed and accepts nothing until the server restarts: "
          + e.getMessage();
      case ARCHIVE_FAILED_CLOSED -> "the operation archive failed closed until the server restarts: " + e.getMessage();
    };
  }

  // ---------------------------------------------------------------- schemas

  private static Map<String, Object> params() {
    Map<String, Object> s = object(
        "content", optional(string("add: UTF-8 text to store")),
        "path", optional(string("add: a local file to store (absolute, or relative to the server's working directory); "
            + "it must lie inside the allowed roots (the client's MCP roots and/or IPFS_KIT_ALLOWED_ROOTS)", 1, 4096)),
        "cid", optional(string(cidUsers() + ": the content id, e.g. bafkrei...", 1, 512)),
        "destination", optional(string("get, cat: a local file to write the content to, inside the allowed roots", 1, 4096)),
        "overwrite", optional(withDefault(bool("get, cat: replace an existing destination file (default false: "
            + "an existing file is refused)"), false)));
    s.put("additionalProperties", false);
    s.put("description", "What the operation works on: add needs content or path; " + cidUsers()
        + " need cid. No other keys.");
    return s;
  }

  /** The roots {@code wal_health} reports for the calling session. */
  private static Map<String, Object> fileAccess() {
    return object(
        "roots", string("The file access roots in force for this session, in words"),
        "allows_nothing", bool("True when no folder is allowed: path arguments are refused"),
        "operator_roots", optional(array(string(null), "IPFS_KIT_ALLOWED_ROOTS (absent when unset)")),
        "client_roots", optional(array(string(null), "The client's usable MCP roots (absent when it offers none)")));
  }

  private static String cidUsers() {
    return String.join(", ", WalCalls.PARAMS_BY_TYPE.entrySet().stream()
        .filter(e -> e.getValue().contains("cid")).map(Map.Entry::getKey)
        .sorted((a, b) -> OPERATION_TYPES.indexOf(a) - OPERATION_TYPES.indexOf(b)).toList());
  }

  private static Map<String, Object> waitTimeout() {
    Map<String, Object> timeout = number("Seconds to wait at most (default 60, at most 300)");
    timeout.put("exclusiveMinimum", 0);
    timeout.put("maximum", 300);
    timeout.put("default", 60);
    return timeout;
  }

  private static Map<String, Object> configSet() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("anyOf", List.of(string(null, 1, 64), number(null), bool(null)));
    Map<String, Object> set = mapOf(value, "Keys to change now, e.g. {\"max_retries\": 3}; live-updatable keys: "
        + String.join(", ", WalConfig.LIVE_KEYS));
    set.put("propertyNames", enumOf(WalConfig.LIVE_KEYS, null));
    set.put("minProperties", 1);
    return set;
  }

  private static Map<String, Object> statusSchema() {
    List<Object> p = new java.util.ArrayList<>(List.of("total", integer("Operations the log knows")));
    for (String s : STATUSES) p.addAll(List.of(s, integer(null)));
    p.addAll(List.of(
        "last_sequence", optional(integer(null)),
        "fsync_mode", optional(string(null)),
        "segment_count", optional(integer(null)),
        "archived_operations", optional(integer(null)),
        "partition_count", optional(integer(null)),
        "last_checkpoint", optional(string("When this process last wrote a checkpoint (absent if it has not)")),
        "failed_closed", optional(bool("True after an fsync failure: the log accepts nothing until reopened"))));
    return object(p.toArray());
  }

  /** An operation as {@link OperationJson#operation} writes it; absent values are absent keys. */
  private static Map<String, Object> operation() {
    Map<String, Object> result = object(
        "cid", optional(string(null)), "size", optional(integer(null)), "destination", optional(string(null)),
        "location", optional(string("Where the backend keeps the content when that is more than the cid (ipfs: the node's"
            + " API address; s3: the object key)")),
        "pinned", optional(bool("Whether the content is pinned on the backend after this operation (add with pinning,"
            + " pin: true; unpin, rm: false)")),
        "content", optional(string("cat without destination: the content as UTF-8 text, up to IPFS_KIT_CONTENT_MAX_BYTES")),
        "content_base64", optional(string("cat without destination: the content in base64 when it is not UTF-8 text")),
        "truncated", optional(bool("cat: true when the content is larger than IPFS_KIT_CONTENT_MAX_BYTES and was cut")),
        "content_error", optional(string("cat: why the content could not be read (the operation itself completed)")));
    result.put("description", "What a completed operation produced (absent until then)");
    List<String> allTypes = Arrays.stream(OperationType.values()).map(OperationType::wireName).toList();
    return object(
        "operation_id", string(null),
        "operation_type", enumOf(allTypes, null),
        "backend", string(null),
        "parameters", object(),
        "status", enumOf(STATUSES, null),
        "priority", integer(null),
        "timestamp", string("When the operation was added (ISO-8601 UTC)"),
        "updated_at", string(null),
        "completed_at", optional(string("When it reached a final status (absent until then)")),
        "result", optional(result),
        "error", optional(string("Why the last attempt failed (absent unless it did)")),
        "error_type", optional(string(null)),
        "retry_count", integer(null),
        "max_retries", integer(null),
        "next_retry_at", optional(string("When it runs again (absent unless retrying)")));
  }

  private static Map<String, Object> backendStats() {
    return object(
        "backend", string(null),
        "health", string(null),
        "completed", optional(integer(null)),
        "failed", optional(integer(null)),
        "retries", optional(integer(null)));
  }

  // ---------------------------------------------------------------- text summaries

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
    if (result.path("content").isString()) {
      sb.append(result.path("truncated").asBoolean() ? "; its first bytes (truncated at IPFS_KIT_CONTENT_MAX_BYTES):\n"
          : "; content:\n").append(result.path("content").asString());
    } else if (result.path("content_base64").isString()) {
      sb.append("; binary content in result.content_base64").append(result.path("truncated").asBoolean() ? " (truncated)" : "");
    }
    return sb.toString();
  }
}
