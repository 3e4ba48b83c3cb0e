package io.ipfskit.server.wal;

import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.PathRefusedException;
import io.ipfskit.core.files.ReadGrant;
import io.ipfskit.core.files.WriteGrant;
import io.ipfskit.core.wal.InvalidOperationException;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON edge of the WAL: one call's arguments (the MCP tool input names) are checked strictly
 * ({@link WalArguments}), turned into core types, handed to one {@link WalService} method, and
 * the result shaped by {@link OperationJson}. The MCP tools call it with the service
 * {@link SharedWal#service()} gives, and so does the REST API ({@code server/rest}, with the MCP bounds); the
 * owner socket calls it with the in-process service for forwarded calls, so a forwarded call meets
 * exactly the rules the caller's edge applied.
 *
 * <p>Path arguments ({@code add} {@code params.path}, {@code get}/{@code cat} {@code
 * params.destination}) are checked against the caller's file access roots before the operation is
 * logged, and the grant is recorded with it as {@code params.file_access} (see {@link PathCheck}).
 * A refusal is an invalid-argument error naming the argument and the root rule, and a WARN line
 * for the audit (the path, escaped; never file content).
 */
public final class WalCalls {
  private static final Logger log = LoggerFactory.getLogger(WalCalls.class);
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_BACKEND_LENGTH = 64;
  static final int MAX_CID_LENGTH = 512;
  static final int MAX_PATH_LENGTH = 4096;
  static final int MAX_CONFIG_VALUE_LENGTH = 64;
  /** A breaker's name: a backend, or backend@peer. */
  static final int MAX_BREAKER_LENGTH = 256;
  /** The longest a caller may block in one {@code wait}. */
  public static final double MAX_WAIT_SECONDS = 300;
  /** The {@code performance} argument (the {@code performance_report} tool input): leases held longer are leaks. */
  static final String LEAK_THRESHOLD = "leak_threshold_seconds";
  public static final int DEFAULT_LEAK_SECONDS = 300;
  public static final int MAX_LEAK_SECONDS = 7 * 24 * 3600;
  public static final double DEFAULT_WAIT_SECONDS = 60;
  public static final int DEFAULT_LIST_LIMIT = 100;
  public static final int MAX_AGE_DAYS = 36_500;
  public static final int MAX_PRIORITY = 10;

  /** The operation types that run, in the order the schema lists them; the others are refused when queued. */
  public static final List<String> OPERATION_TYPES = Arrays.stream(OperationType.values())
      .filter(NewOperation.SUPPORTED::contains).map(OperationType::wireName).toList();
  /** Every reference operation type, as a list filter accepts them (archived operations may have any). */
  public static final List<String> ALL_OPERATION_TYPES =
      Arrays.stream(OperationType.values()).map(OperationType::wireName).toList();
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
      case LIST -> List.of("status", "backend", "operation_type", "limit", "offset");
      case GET, RETRY, CANCEL -> List.of("operation_id");
      case WAIT -> List.of("operation_id", "timeout");
      case CLEANUP -> List.of("age_days", "status");
      case CONFIG -> List.of("set");
      case BREAKERS -> List.of("breaker");
      case BREAKER_CONTROL -> List.of("action", "breaker");
      case PERFORMANCE -> List.of(LEAK_THRESHOLD);
      case STATUS, METRICS, HEALTH, BACKEND_HEALTH, PING -> List.of();
    };
  }

  /**
   * Runs one call.
   *
   * @param call the name shown in messages (the tool name, or the method's wire name)
   * @param paths how path arguments are checked: against the caller's roots at the MCP edge, by
   *     re-checking the caller's grant at the owner socket
   * @throws io.ipfskit.core.wal.WalException for bad arguments and refused paths (kind INVALID_OPERATION)
   *     and every failure of the call
   * @throws WalCallException when the log cannot be reached, or the client's roots cannot be listed
   */
  public static ObjectNode call(WalService wal, WalMethod method, ObjectNode arguments, Edge edge, String call,
      PathCheck paths) {
    try {
      return run(wal, method, arguments, edge, call, paths);
    } catch (PathRefusedException e) {
      log.warn("{} call={}", e.auditLine(), call);
      io.ipfskit.server.log.ClientLog.warning(io.ipfskit.server.log.ClientLog.FILES, call + ": " + e.auditLine());
      throw WalErrors.translate(e);
    } catch (RuntimeException e) {
      throw WalErrors.translate(e); // core records (NewOperation, OperationQuery) still throw IllegalArgumentException
    }
  }

  /**
   * The {@code wait} method without blocking: arguments are checked as {@link #call} checks them
   * (a bad one fails the future with kind INVALID_OPERATION); the future is the service's own
   * {@link WalService#waitForAsync}, so cancelling it abandons the wait. Map the operation with
   * {@link OperationJson#waited}.
   */
  public static java.util.concurrent.CompletableFuture<Operation> waitAsync(WalService wal, ObjectNode arguments, String call) {
    try {
      WalArguments args = new WalArguments(call, arguments, argumentNames(WalMethod.WAIT));
      String id = args.requiredString("operation_id", MAX_ID_LENGTH);
      double seconds = args.seconds("timeout", DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS);
      return wal.waitForAsync(id, Duration.ofNanos((long) (seconds * 1e9)));
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(WalErrors.translate(e));
    }
  }

  private static ObjectNode run(WalService wal, WalMethod method, ObjectNode arguments, Edge edge, String call,
      PathCheck paths) {
    WalArguments args = new WalArguments(call, arguments, argumentNames(method));
    return switch (method) {
      case ADD -> OperationJson.added(wal.add(newOperation(args, paths)));
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
      case HEALTH -> {
        ObjectNode health = OperationJson.health(wal.health());
        if (paths instanceof PathCheck.AtCaller caller) health.set("file_access", fileAccess(caller));
        yield health;
      }
      case CONFIG -> {
        Map<String, String> changes = configChanges(args);
        WalConfig config = changes == null ? wal.config() : wal.updateConfig(changes);
        yield OperationJson.configResult(config, changes == null ? List.of() : List.copyOf(changes.keySet()));
      }
      case BREAKERS -> {
        String name = args.optionalString("breaker", MAX_BREAKER_LENGTH);
        List<io.ipfskit.core.resilience.BreakerStatus> all = wal.breakers();
        if (name == null) yield BreakerJson.list(all);
        List<io.ipfskit.core.resilience.BreakerStatus> one = all.stream().filter(b -> b.name().equals(name)).toList();
        if (one.isEmpty()) throw unknownBreaker(all);
        yield BreakerJson.list(one);
      }
      case BREAKER_CONTROL -> {
        String a = args.optionalChoice("action", BreakerAction.WIRE_NAMES);
        if (a == null) throw new InvalidOperationException("action", "is required (one of " + BreakerAction.WIRE_NAMES + ")");
        String name = args.requiredString("breaker", MAX_BREAKER_LENGTH);
        BreakerAction action = BreakerAction.parse(a);
        yield BreakerJson.controlled(action, wal.controlBreaker(name, action));
      }
      case BACKEND_HEALTH -> HealthJson.list(wal.backendHealth());
      case PERFORMANCE -> PerformanceJson.sources(wal.performance(Duration.ofSeconds(
          args.integer(LEAK_THRESHOLD, DEFAULT_LEAK_SECONDS, 0, MAX_LEAK_SECONDS))));
      case PING -> throw new InvalidOperationException("method", "ping is answered by the owner socket only");
    };
  }

  /** The unknown-breaker refusal, naming the known ones (never the name the caller sent). */
  private static InvalidOperationException unknownBreaker(List<io.ipfskit.core.resilience.BreakerStatus> known) {
    return new InvalidOperationException("breaker", "must be one of "
        + known.stream().map(io.ipfskit.core.resilience.BreakerStatus::name).toList());
  }

  private static NewOperation newOperation(WalArguments args, PathCheck paths) {
    String typeName = args.optionalChoice("operation_type", OPERATION_TYPES);
    if (typeName == null) throw new InvalidOperationException("operation_type", "is required");
    OperationType type = OperationType.parse("operation_type", typeName);
    String backend = args.optionalString("backend", MAX_BACKEND_LENGTH);
    int priority = args.integer("priority", NewOperation.DEFAULT_PRIORITY, 1, MAX_PRIORITY);
    List<String> keys = PARAMS_BY_TYPE.get(typeName);
    boolean takesPath = keys.contains("path") || keys.contains("destination");
    List<String> accepted = keys;
    if (takesPath && paths instanceof PathCheck.AtOwner) {
      accepted = new ArrayList<>(keys);
      accepted.add(PathCheck.FILE_ACCESS); // the forwarding process's grant; never accepted from an MCP caller
    }
    WalArguments p = args.nested("params", "operation_type " + typeName, accepted);
    ObjectNode params = OperationJson.MAPPER.createObjectNode();
    String path = null;
    String destination = null;
    Boolean overwrite = null;
    for (String key : keys) {
      if (key.equals("overwrite")) {
        overwrite = p.optionalBoolean(key);
        continue;
      }
      int max = switch (key) {
        case "cid" -> MAX_CID_LENGTH;
        case "content" -> Integer.MAX_VALUE;
        default -> MAX_PATH_LENGTH;
      };
      String v = p.optionalString(key, key.equals("content") ? 0 : 1, max);
      if (v == null) continue;
      switch (key) {
        case "path" -> path = requireNonBlank("params.path", v);
        case "destination" -> destination = requireNonBlank("params.destination", v);
        // Every backend addresses content by CIDv1 base32: a CIDv0 becomes the same multihash as CIDv1
        // dag-pb; a malformed cid is refused now rather than failing later in the processor.
        case "cid" -> params.put(key,
            Cid.canonical(v).orElseThrow(() -> new InvalidOperationException("params.cid", Cid.ACCEPTED_RULE)));
        default -> params.put(key, v);
      }
    }
    if (path != null && params.has("content")) {
      throw new InvalidOperationException("params.path", "and params.content are mutually exclusive; give exactly one");
    }
    if (overwrite != null && destination == null) {
      throw new InvalidOperationException("params.overwrite", "applies only with params.destination");
    }
    ObjectNode recorded = takesPath && paths instanceof PathCheck.AtOwner ? p.object(PathCheck.FILE_ACCESS) : null;
    if (recorded != null && path == null && destination == null) {
      throw new InvalidOperationException("params." + PathCheck.FILE_ACCESS, "is accepted only with params.path or params.destination");
    }
    if (path != null) {
      ReadGrant grant = paths instanceof PathCheck.AtCaller c
          ? c.policy().get().checkRead("params.path", path)
          : ((PathCheck.AtOwner) paths).owner().recheckRead(recordedRead(recorded, path));
      if (!Files.isReadable(grant.file())) throw new InvalidOperationException("params.path", "must name a readable file");
      params.put("path", grant.file().toString());
      params.set(PathCheck.FILE_ACCESS, grant.toJson());
    }
    if (destination != null) {
      boolean replace = Boolean.TRUE.equals(overwrite);
      WriteGrant grant = paths instanceof PathCheck.AtCaller c
          ? c.policy().get().checkWrite("params.destination", destination, replace)
          : ((PathCheck.AtOwner) paths).owner().recheckWrite(recordedWrite(recorded, destination, replace));
      params.put("destination", grant.target().toString());
      if (grant.overwrite()) params.put("overwrite", true);
      params.set(PathCheck.FILE_ACCESS, grant.toJson());
    }
    return new NewOperation(type, backend == null ? "local" : backend, params, priority);
  }

  private static String requireNonBlank(String field, String path) {
    if (path.isBlank()) throw new InvalidOperationException(field, "must be a non-blank path");
    return path;
  }

  /** The grant the forwarding process sent for {@code params.path}, which must name the same file. */
  private static ReadGrant recordedRead(ObjectNode recorded, String path) {
    if (recorded == null) throw missingGrant("params.path");
    ReadGrant grant = ReadGrant.fromJson(recorded, "params." + PathCheck.FILE_ACCESS);
    if (!grant.argument().equals("params.path") || !grant.file().toString().equals(path)) {
      throw new InvalidOperationException("params." + PathCheck.FILE_ACCESS, "must be the grant for params.path");
    }
    return grant;
  }

  /** The grant the forwarding process sent for {@code params.destination}, which must name the same file. */
  private static WriteGrant recordedWrite(ObjectNode recorded, String destination, boolean overwrite) {
    if (recorded == null) throw missingGrant("params.destination");
    WriteGrant grant = WriteGrant.fromJson(recorded, "params." + PathCheck.FILE_ACCESS);
    if (!grant.argument().equals("params.destination") || !grant.target().toString().equals(destination)
        || grant.overwrite() != overwrite) {
      throw new InvalidOperationException("params." + PathCheck.FILE_ACCESS, "must be the grant for params.destination "
          + "and params.overwrite");
    }
    return grant;
  }

  private static InvalidOperationException missingGrant(String argument) {
    return new InvalidOperationException("params." + PathCheck.FILE_ACCESS, "is required with " + argument
        + " on the owner socket (the forwarding process checks the path against its caller's roots and sends the grant)");
  }

  /** The roots in force for {@code wal_health}: {@code {roots, allows_nothing, operator_roots?, client_roots?}}. */
  private static ObjectNode fileAccess(PathCheck.AtCaller caller) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    AllowedRoots roots;
    try {
      roots = caller.policy().get().roots();
    } catch (WalCallException e) {
      out.put("roots", "unknown: " + e.getMessage());
      out.put("allows_nothing", true);
      return out;
    }
    out.put("roots", roots.describe());
    out.put("allows_nothing", roots.allowsNothing());
    roots.operatorRoots().ifPresent(r -> out.set("operator_roots", paths(r)));
    roots.clientRoots().ifPresent(r -> out.set("client_roots", paths(r)));
    return out;
  }

  private static ArrayNode paths(List<Path> paths) {
    ArrayNode a = OperationJson.MAPPER.createArrayNode();
    for (Path p : paths) a.add(p.toString());
    return a;
  }

  private static OperationQuery query(WalArguments args, Edge edge) {
    String status = args.optionalChoice("status", STATUSES);
    String type = args.optionalChoice("operation_type", ALL_OPERATION_TYPES);
    return new OperationQuery(status == null ? null : OperationStatus.parse("status", status),
        args.optionalString("backend", MAX_BACKEND_LENGTH),
        type == null ? null : OperationType.parse("operation_type", type),
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
        case GET, CAT -> List.of("cid", "destination", "overwrite");
        default -> List.of("cid");
      });
    }
    return Map.copyOf(m);
  }
}
