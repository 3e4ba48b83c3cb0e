package io.ipfskit.server.wal;

import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.wal.InvalidOperationException;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON edge of the WAL: one call's arguments (the MCP tool input names) are checked strictly
 * ({@link WalArguments}), turned into core types, handed to one {@link WalService} method, and
 * the result shaped by {@link OperationJson}. The MCP tools call it with the service
 * {@link SharedWal#service()} gives; the owner socket calls it with the in-process service for
 * forwarded calls, so a forwarded call meets exactly the rules the caller's edge applied.
 */
public final class WalCalls {
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_BACKEND_LENGTH = 64;
  static final int MAX_CID_LENGTH = 512;
  static final int MAX_PATH_LENGTH = 4096;
  static final int MAX_CONFIG_VALUE_LENGTH = 64;
  /** The longest a caller may block in one {@code wait}. */
  public static final double MAX_WAIT_SECONDS = 300;
  public static final double DEFAULT_WAIT_SECONDS = 60;
  public static final int DEFAULT_LIST_LIMIT = 100;
  public static final int MAX_AGE_DAYS = 36_500;
  public static final int MAX_PRIORITY = 10;

  /** The operation types that run, in the order the schema lists them; the others are refused when queued. */
  public static final List<String> OPERATION_TYPES = Arrays.stream(OperationType.values())
      .filter(NewOperation.SUPPORTED::contains).map(OperationType::wireName).toList();
  public static final List<String> STATUSES =
      Arrays.stream(OperationStatus.values()).map(OperationStatus::wireName).toList();
  public static final List<String> FINISHED_STATUSES = Arrays.stream(OperationStatus.values())
      .filter(OperationStatus::isTerminal).map(OperationStatus::wireName).toList();

  /** The {@code params} keys each operation type reads; any other key is refused, never stored. */
  public static final Map<String, List<String>> PARAMS_BY_TYPE = paramsByType();

  /** Bounds that differ between the MCP edge (what the schema advertises) and the owner socket (what core allows, e.g. for the CLI). */
  public enum Edge {
    MCP(1000, 1_000_000),
    SOCKET(OperationQuery.MAX_LIMIT, Integer.MAX_VALUE);

    final int maxListLimit;
    final int maxOffset;

    Edge(int maxListLimit, int maxOffset) {
      this.maxListLimit = maxListLimit;
      this.maxOffset = maxOffset;
    }

    public int maxListLimit() {
      return maxListLimit;
    }

    public int maxOffset() {
      return maxOffset;
    }
  }

  private WalCalls() {}

  /** Argument names each method declares (the tool input names). */
  public static List<String> argumentNames(WalMethod method) {
    return switch (method) {
      case ADD -> List.of("operation_type", "backend", "params", "priority");
      case LIST -> List.of("status", "backend", "limit", "offset");
      case GET, RETRY, CANCEL -> List.of("operation_id");
      case WAIT -> List.of("operation_id", "timeout");
      case CLEANUP -> List.of("age_days", "status");
      case CONFIG -> List.of("set");
      case STATUS, METRICS, HEALTH, PING -> List.of();
    };
  }

  /**
   * Runs one call.
   *
   * @param call the name shown in messages (the tool name, or the method's wire name)
   * @throws io.ipfskit.core.wal.WalException for bad arguments (kind INVALID_OPERATION) and every failure of the call
   * @throws WalCallException when the log cannot be reached
   */
  public static ObjectNode call(WalService wal, WalMethod method, ObjectNode arguments, Edge edge, String call) {
    try {
      return run(wal, method, arguments, edge, call);
    } catch (RuntimeException e) {
      throw WalErrors.translate(e); // core records (NewOperation, OperationQuery) still throw IllegalArgumentException
    }
  }

  private static ObjectNode run(WalService wal, WalMethod method, ObjectNode arguments, Edge edge, String call) {
    WalArguments args = new WalArguments(call, arguments, argumentNames(method));
    return switch (method) {
      case ADD -> OperationJson.added(wal.add(newOperation(args, call)));
      case STATUS -> OperationJson.status(wal.status());
      case LIST -> {
        List<Operation> ops = wal.list(query(args, edge));
        yield OperationJson.list(ops);
      }
      case GET -> OperationJson.single(wal.get(args.requiredString("operation_id", MAX_ID_LENGTH)));
      case WAIT -> {
        String id = args.requiredString("operation_id", MAX_ID_LENGTH);
        double seconds = args.seconds("timeout", DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS);
        yield OperationJson.waited(wal.waitFor(id, Duration.ofNanos((long) (seconds * 1e9))));
      }
      case RETRY -> OperationJson.single(wal.retry(args.requiredString("operation_id", MAX_ID_LENGTH)));
      case CANCEL -> OperationJson.single(wal.cancel(args.requiredString("operation_id", MAX_ID_LENGTH)));
      case CLEANUP -> {
        Integer age = args.optionalInteger("age_days", 0, MAX_AGE_DAYS);
        String s = args.optionalChoice("status", STATUSES);
        OperationStatus status = s == null ? null : OperationStatus.parse("status", s);
        if (status != null && !status.isTerminal()) {
          throw new InvalidOperationException("status", "must be a finished status (completed, failed or cancelled);"
              + " cancel live operations with wal_cancel_operation first");
        }
        yield OperationJson.cleanup(wal.cleanup(age, status));
      }
      case METRICS -> OperationJson.metrics(wal.metrics());
      case HEALTH -> OperationJson.health(wal.health());
      case CONFIG -> {
        Map<String, String> changes = configChanges(args);
        WalConfig config = changes == null ? wal.config() : wal.updateConfig(changes);
        yield OperationJson.configResult(config, changes == null ? List.of() : List.copyOf(changes.keySet()));
      }
      case PING -> throw new InvalidOperationException("method", "ping is answered by the owner socket only");
    };
  }

  private static NewOperation newOperation(WalArguments args, String call) {
    String typeName = args.optionalChoice("operation_type", OPERATION_TYPES);
    if (typeName == null) throw new InvalidOperationException("operation_type", "is required");
    OperationType type = OperationType.parse("operation_type", typeName);
    String backend = args.optionalString("backend", MAX_BACKEND_LENGTH);
    int priority = args.integer("priority", NewOperation.DEFAULT_PRIORITY, 1, MAX_PRIORITY);
    List<String> keys = PARAMS_BY_TYPE.get(typeName);
    WalArguments p = args.nested("params", "operation_type " + typeName, keys);
    ObjectNode params = OperationJson.MAPPER.createObjectNode();
    for (String key : keys) {
      int max = switch (key) {
        case "cid" -> MAX_CID_LENGTH;
        case "content" -> Integer.MAX_VALUE;
        default -> MAX_PATH_LENGTH;
      };
      String v = p.optionalString(key, key.equals("content") ? 0 : 1, max);
      if (v == null) continue;
      // The owner may run in another directory: a relative path means this process's working directory.
      if (key.equals("path") || key.equals("destination")) v = absolute("params." + key, v);
      // Every backend addresses content by CIDv1 base32: a CIDv0 becomes the same multihash as CIDv1
      // dag-pb; a malformed cid is refused now rather than failing later in the processor.
      if (key.equals("cid")) {
        v = Cid.canonical(v).orElseThrow(() -> new InvalidOperationException("params.cid", Cid.ACCEPTED_RULE));
      }
      if (key.equals("path") && !(Files.isRegularFile(Path.of(v)) && Files.isReadable(Path.of(v)))) {
        throw new InvalidOperationException("params.path", "must name a readable regular file");
      }
      params.put(key, v);
    }
    return new NewOperation(type, backend == null ? "local" : backend, params, priority);
  }

  private static String absolute(String field, String path) {
    try {
      return Path.of(path).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      throw new InvalidOperationException(field, "must be a valid file path");
    }
  }

  private static OperationQuery query(WalArguments args, Edge edge) {
    String status = args.optionalChoice("status", STATUSES);
    return new OperationQuery(status == null ? null : OperationStatus.parse("status", status),
        args.optionalString("backend", MAX_BACKEND_LENGTH),
        args.integer("limit", DEFAULT_LIST_LIMIT, 1, edge.maxListLimit),
        args.integer("offset", 0, 0, edge.maxOffset));
  }

  /** null when {@code set} is absent (show the configuration). */
  private static Map<String, String> configChanges(WalArguments args) {
    if (!args.has("set")) return null;
    ObjectNode set = args.object("set");
    if (set.isEmpty()) {
      throw new InvalidOperationException("set", "must name at least one key; live keys: "
          + String.join(", ", WalConfig.LIVE_KEYS) + " (omit set to show the configuration)");
    }
    Map<String, String> changes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : set.properties()) {
      String field = "set." + WalArguments.shownName(e.getKey());
      if (!WalConfig.LIVE_KEYS.contains(e.getKey())) {
        throw new InvalidOperationException(field, "is not a live-updatable key; live keys: "
            + String.join(", ", WalConfig.LIVE_KEYS));
      }
      JsonNode v = e.getValue();
      if (!(v.isString() || v.isNumber() || v.isBoolean())) {
        throw new InvalidOperationException(field, "must be a string, number or boolean, but was " + WalArguments.jsonType(v));
      }
      String s = v.asString();
      if (s.isEmpty() || s.length() > MAX_CONFIG_VALUE_LENGTH) {
        throw new InvalidOperationException(field, "must be 1 to " + MAX_CONFIG_VALUE_LENGTH + " characters long");
      }
      changes.put(e.getKey(), s);
    }
    return changes;
  }

  private static Map<String, List<String>> paramsByType() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (OperationType t : OperationType.values()) {
      if (!NewOperation.SUPPORTED.contains(t)) continue;
      m.put(t.wireName(), switch (t) {
        case ADD -> List.of("content", "path");
        case GET, CAT -> List.of("cid", "destination");
        default -> List.of("cid");
      });
    }
    return Map.copyOf(m);
  }
}
