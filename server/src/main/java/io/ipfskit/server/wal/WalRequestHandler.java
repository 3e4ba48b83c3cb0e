package io.ipfskit.server.wal;

import static io.ipfskit.server.wal.WalCallException.Kind.CONFLICT;
import static io.ipfskit.server.wal.WalCallException.Kind.INTERNAL;
import static io.ipfskit.server.wal.WalCallException.Kind.INVALID_ARGUMENT;
import static io.ipfskit.server.wal.WalCallException.Kind.NOT_FOUND;
import static io.ipfskit.server.wal.WalCallException.Kind.UNAVAILABLE;

import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one WAL call against the log this process owns: parse the JSON arguments into domain
 * types, make one core call, shape the result with {@link OperationJson}. Used for local calls and
 * for calls forwarded over the owner socket, so both give identical results and messages.
 * Thread-safe because {@link WriteAheadLog} is.
 */
final class WalRequestHandler {
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_BACKEND_LENGTH = 64;
  /** The longest a caller may block in {@code wait}. */
  static final double MAX_WAIT_SECONDS = 300;
  static final double DEFAULT_WAIT_SECONDS = 60;
  static final int DEFAULT_LIST_LIMIT = 100;
  static final int MAX_AGE_DAYS = 36_500;

  private final WriteAheadLog wal;
  private final Instant ownerSince;

  WalRequestHandler(WriteAheadLog wal, Instant ownerSince) {
    this.wal = wal;
    this.ownerSince = ownerSince;
  }

  ObjectNode handle(WalMethod method, ObjectNode arguments) {
    WalArguments args = new WalArguments(arguments);
    try {
      switch (method) {
        case ADD: return add(args);
        case STATUS: return OperationJson.status(wal.status());
        case LIST: return list(args);
        case GET: return single(find(args.requiredString("operation_id", MAX_ID_LENGTH)));
        case WAIT: return waitFor(args);
        case RETRY: return single(wal.retry(args.requiredString("operation_id", MAX_ID_LENGTH)));
        case CANCEL: return single(wal.cancel(args.requiredString("operation_id", MAX_ID_LENGTH)));
        case CLEANUP: return cleanup(args);
        case METRICS: return OperationJson.metrics(wal.metrics());
        case CONFIG: return config(args);
        case HEALTH: return health();
        case PING: return ping();
        default: throw new AssertionError(method);
      }
    } catch (WalCallException e) {
      throw e;
    } catch (io.ipfskit.core.wal.OperationNotFoundException e) {
      // the core's message names the id.
      throw new WalCallException(NOT_FOUND, e.getMessage() + "; list known ids with wal_list_operations");
    } catch (io.ipfskit.core.wal.WalException e) {
      throw new WalCallException(switch (e.kind()) {
        case ILLEGAL_TRANSITION -> CONFLICT;
        case BACKEND_NOT_CONFIGURED, INVALID_OPERATION -> INVALID_ARGUMENT;
        case LOG_FAILED_CLOSED, ARCHIVE_FAILED_CLOSED -> UNAVAILABLE;
        case OPERATION_NOT_FOUND -> NOT_FOUND;
      }, e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new WalCallException(INVALID_ARGUMENT, e.getMessage());
    } catch (IllegalStateException e) {
      throw new WalCallException(CONFLICT, e.getMessage());
    } catch (IOException e) {
      throw new WalCallException(INTERNAL, "the write-ahead log failed: " + e.getMessage(), e);
    }
  }

  private ObjectNode add(WalArguments args) throws IOException {
    OperationType type = OperationType.parse("operation_type", args.requiredString("operation_type", 32));
    String backend = Optional.ofNullable(args.optionalString("backend", MAX_BACKEND_LENGTH)).orElse("local");
    ObjectNode params = Optional.ofNullable(args.object("params")).orElseGet(OperationJson.MAPPER::createObjectNode);
    int priority = args.integer("priority", 5, 1, 10);
    Operation op = wal.add(new NewOperation(type, backend, params, priority));
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("operation_id", op.operationId());
    out.set("operation", OperationJson.operation(op));
    return out;
  }

  private ObjectNode list(WalArguments args) {
    String status = args.optionalString("status", 32);
    OperationQuery q = new OperationQuery(
        status == null ? null : OperationStatus.parse("status", status),
        args.optionalString("backend", MAX_BACKEND_LENGTH),
        args.integer("limit", DEFAULT_LIST_LIMIT, 1, OperationQuery.MAX_LIMIT),
        args.integer("offset", 0, 0, Integer.MAX_VALUE));
    var ops = wal.list(q);
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.set("operations", OperationJson.operations(ops));
    out.put("count", ops.size());
    return out;
  }

  private Operation find(String id) {
    return wal.get(id).orElseThrow(() -> new WalCallException(NOT_FOUND,
        "no operation with operation_id '" + id + "'; list known ids with wal_list_operations"));
  }

  private static ObjectNode single(Operation op) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.set("operation", OperationJson.operation(op));
    return out;
  }

  private ObjectNode waitFor(WalArguments args) {
    String id = args.requiredString("operation_id", MAX_ID_LENGTH);
    double seconds = args.seconds("timeout", DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS);
    Operation op;
    try {
      op = wal.waitFor(id, Duration.ofNanos((long) (seconds * 1e9)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WalCallException(UNAVAILABLE, "interrupted while waiting for operation " + id + " (server shutting down)");
    }
    ObjectNode out = single(op);
    out.put("completed", op.status() == OperationStatus.COMPLETED);
    out.put("finished", op.status().isTerminal());
    out.put("status", op.status().wireName());
    return out;
  }

  private ObjectNode cleanup(WalArguments args) throws IOException {
    int ageDays = args.integer("age_days", wal.config().maxAgeDays(), 0, MAX_AGE_DAYS);
    String s = args.optionalString("status", 32);
    OperationStatus status = s == null ? null : OperationStatus.parse("status", s);
    if (status != null && !status.isTerminal()) {
      throw new WalCallException(INVALID_ARGUMENT,
          "status must be a finished status (completed, failed or cancelled), but was '" + s
              + "'; cancel live operations with wal_cancel_operation first");
    }
    int removed = wal.cleanup(ageDays, status);
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("removed_count", removed);
    out.put("age_days", ageDays);
    out.put("status", s);
    return out;
  }

  private ObjectNode config(WalArguments args) throws IOException {
    ObjectNode set = args.object("set");
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    var changed = out.putArray("changed");
    WalConfig config;
    if (set == null || set.isEmpty()) {
      config = wal.config();
    } else {
      Map<String, String> changes = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : set.properties()) {
        JsonNode v = e.getValue();
        if (!(v.isString() || v.isNumber() || v.isBoolean())) {
          throw new WalCallException(INVALID_ARGUMENT, "set." + e.getKey()
              + " must be a string, number or boolean, but was " + WalArguments.describe(v));
        }
        changes.put(e.getKey(), v.asString());
        changed.add(e.getKey());
      }
      config = wal.updateConfig(changes);
    }
    out.set("config", OperationJson.config(config));
    return out;
  }

  private ObjectNode health() {
    WalStatus status = wal.status();
    WalMetrics metrics = wal.metrics();
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    boolean backendsHealthy = metrics.backends().values().stream()
        .allMatch(b -> !"offline".equalsIgnoreCase(b.health()) && !"unhealthy".equalsIgnoreCase(b.health()));
    out.put("healthy", !status.failedClosed() && backendsHealthy);
    out.put("failed_closed", status.failedClosed());
    out.put("pending", status.byStatus().getOrDefault(OperationStatus.PENDING, 0L));
    out.put("retrying", status.byStatus().getOrDefault(OperationStatus.RETRYING, 0L));
    out.put("failed", status.byStatus().getOrDefault(OperationStatus.FAILED, 0L));
    out.set("backends", OperationJson.backends(metrics.backends()));
    return out;
  }

  private ObjectNode ping() {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("pid", ProcessHandle.current().pid());
    out.put("wal_dir", wal.config().directory().toAbsolutePath().normalize().toString());
    out.put("owner_since", ownerSince.toString());
    return out;
  }
}
