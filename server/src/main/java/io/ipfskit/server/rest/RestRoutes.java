package io.ipfskit.server.rest;

import static io.ipfskit.server.rest.ApiError.Code.ARCHIVE_FAILED_CLOSED;
import static io.ipfskit.server.rest.ApiError.Code.BACKEND_NOT_CONFIGURED;
import static io.ipfskit.server.rest.ApiError.Code.ILLEGAL_TRANSITION;
import static io.ipfskit.server.rest.ApiError.Code.INTERNAL;
import static io.ipfskit.server.rest.ApiError.Code.INVALID_ARGUMENT;
import static io.ipfskit.server.rest.ApiError.Code.INVALID_JSON;
import static io.ipfskit.server.rest.ApiError.Code.LOG_FAILED_CLOSED;
import static io.ipfskit.server.rest.ApiError.Code.OPERATION_NOT_FOUND;
import static io.ipfskit.server.rest.ApiError.Code.PAYLOAD_TOO_LARGE;
import static io.ipfskit.server.rest.ApiError.Code.UNAVAILABLE;
import static io.ipfskit.server.rest.ApiError.Code.UNSUPPORTED_MEDIA_TYPE;

import io.ipfskit.server.Version;
import io.ipfskit.server.tools.WalTools;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.PathCheck;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.wal.WalMethod;
import io.ipfskit.server.wal.WalService;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The route table: the reference WAL paths (ARCHITECTURE.md §3), {@code /api/v0/health} and the
 * OpenAPI document. Every WAL route is the MCP tool's adapter with a different edge: its
 * parameters are the tool's argument names and schemas ({@link WalTools#inputSchema}), its answer
 * the tool's structured result ({@link WalTools#outputSchema}), and it runs through the same
 * {@link WalCalls#call} with the MCP bounds ({@link WalCalls.Edge#MCP}), so REST and MCP accept
 * the same input, refuse it with the same words and answer the same JSON.
 *
 * <p>The performance endpoints of the reference ({@code /api/performance/...}) belong to the
 * resilience work (issue 10) and are not in the table: they answer 404 like any unknown path until
 * that work adds real rows here.
 */
final class RestRoutes {
  static final String OPENAPI_PATH = "/api/openapi.json";
  /** The largest JSON body a route reads; {@code POST /api/v0/wal/config} needs well under 1 KiB. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  private static final Set<ApiError.Code> WAL_ERRORS = EnumSet.of(INVALID_ARGUMENT, UNAVAILABLE, LOG_FAILED_CLOSED, INTERNAL);

  private RestRoutes() {}

  /**
   * @param wal the home's WAL service, asked for on each request (e.g. {@code () -> shared.service()})
   * @param paths how path arguments would be checked; the REST routes take none, but {@code health}
   *     reports the roots of an {@link PathCheck.AtCaller} as {@code file_access}, as {@code wal_health} does
   */
  static List<Route> table(Supplier<WalService> wal, PathCheck paths) {
    return table(wal, paths, List.of());
  }

  /** {@link #table(Supplier, PathCheck)} plus {@code extra} routes (before the OpenAPI row, so it lists them). */
  static List<Route> table(Supplier<WalService> wal, PathCheck paths, List<Route> extra) {
    List<Route> routes = new ArrayList<>();
    routes.add(walRoute("GET", "/api/v0/wal/operations", "listOperations", WalMethod.LIST, wal, paths,
        "List operations", "Operations newest first, filtered by status, backend and operation type, paged with limit "
            + "and offset; finished ones come from the Parquet archive. The MCP tool wal_list_operations.",
        List.of("status", "backend", "operation_type", "limit", "offset"), false, Set.of()));
    routes.add(walRoute("GET", "/api/v0/wal/operations/{operation_id}", "getOperation", WalMethod.GET, wal, paths,
        "Get one operation", "One operation with its status, parameters, result and last error. The MCP tool "
            + "wal_get_operation.", List.of(), false, EnumSet.of(OPERATION_NOT_FOUND, ARCHIVE_FAILED_CLOSED)));
    routes.add(walRoute("DELETE", "/api/v0/wal/operations/{operation_id}", "cancelOperation", WalMethod.CANCEL, wal,
        paths, "Cancel an operation", "Cancels an operation that is pending, waiting to retry or running; the record "
            + "stays, with status cancelled. A finished operation cannot be cancelled (409). The MCP tool "
            + "wal_cancel_operation.", List.of(), false, EnumSet.of(OPERATION_NOT_FOUND, ILLEGAL_TRANSITION)));
    routes.add(walRoute("POST", "/api/v0/wal/operations/{operation_id}/retry", "retryOperation", WalMethod.RETRY, wal,
        paths, "Retry an operation", "Puts a failed or cancelled operation back to pending with a fresh retry "
            + "budget; any other status is refused (409). Takes no body. The MCP tool wal_retry_operation.",
        List.of(), false, EnumSet.of(OPERATION_NOT_FOUND, ILLEGAL_TRANSITION, BACKEND_NOT_CONFIGURED)));
    routes.add(walRoute("GET", "/api/v0/wal/metrics", "getMetrics", WalMethod.METRICS, wal, paths,
        "WAL metrics", "Append and fsync counts, append and operation latency percentiles, per-backend results and "
            + "health. The MCP tool wal_metrics.", List.of(), false, Set.of()));
    routes.add(walRoute("GET", "/api/v0/wal/config", "getConfig", WalMethod.CONFIG, wal, paths,
        "Show the WAL configuration", "The configuration (reference key names, string values) and an empty "
            + "changed list. The MCP tool wal_config without set.", List.of(), false, Set.of()));
    routes.add(walRoute("POST", "/api/v0/wal/config", "updateConfig", WalMethod.CONFIG, wal, paths,
        "Change the WAL configuration", "Changes the live-updatable keys given in set (the wal_config tool's "
            + "argument, e.g. {\"set\": {\"max_retries\": 3}}) and returns the configuration after the change.",
        List.of(), true, EnumSet.of(INVALID_JSON, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE)));
    routes.add(health(wal, paths));
    routes.addAll(extra);
    AtomicReference<ObjectNode> document = new AtomicReference<>();
    routes.add(new Route("GET", PathTemplate.parse(OPENAPI_PATH), "getOpenApi", "This document",
        "The OpenAPI 3.1 description of this API, generated from the route table the server dispatches on.",
        List.of(), List.of(), null, openApiSchema(), EnumSet.of(INVALID_ARGUMENT, INTERNAL), Map.of(),
        call -> new Route.Answer(200, document.get())));
    List<Route> table = List.copyOf(routes);
    document.set(OpenApiDocument.build(table, Version.current()));
    return table;
  }

  private static Route walRoute(String method, String path, String operationId, WalMethod walMethod,
      Supplier<WalService> wal, PathCheck paths, String summary, String description, List<String> queryNames,
      boolean configBody, Set<ApiError.Code> moreErrors) {
    ObjectNode input = WalTools.inputSchema(walMethod);
    JsonNode required = input.path("required");
    List<Route.Param> query = queryNames.stream()
        .map(n -> new Route.Param(n, (ObjectNode) input.path("properties").path(n), contains(required, n)))
        .toList();
    ObjectNode body = null;
    if (configBody) {
      body = input.deepCopy();
      body.putArray("required").add("set");
    }
    Set<ApiError.Code> errors = EnumSet.copyOf(WAL_ERRORS);
    errors.addAll(moreErrors);
    PathTemplate template = PathTemplate.parse(path);
    List<Route.Param> pathParameters = template.parameterNames().stream()
        .map(n -> new Route.Param(n, (ObjectNode) input.path("properties").path(n), true)).toList();
    String endpoint = method + " " + path;
    boolean requireSet = configBody;
    Route.Handler handler = call -> {
      ObjectNode args = OperationJson.MAPPER.createObjectNode();
      call.pathParameters().forEach(args::put);
      call.query().forEach((k, v) -> args.set(k, OperationJson.MAPPER.valueToTree(v)));
      if (call.body() != null) {
        if (requireSet && !call.body().hasNonNull("set")) {
          throw new ApiError.Failure(ApiError.invalid("set", "is required (GET " + path + " shows the configuration)"));
        }
        call.body().properties().forEach(e -> args.set(e.getKey(), e.getValue()));
      }
      return new Route.Answer(200, WalCalls.call(wal.get(), walMethod, args, WalCalls.Edge.MCP, endpoint, paths));
    };
    return new Route(method, template, operationId, summary, description, pathParameters, query, body,
        WalTools.outputSchema(walMethod), errors, Map.of(), handler);
  }

  /** {@code wal_health} plus {@code status} and {@code version}; 503 while the log is failed closed. */
  private static Route health(Supplier<WalService> wal, PathCheck paths) {
    ObjectNode schema = WalTools.outputSchema(WalMethod.HEALTH);
    ObjectNode props = (ObjectNode) schema.path("properties");
    ObjectNode status = props.putObject("status");
    status.put("type", "string");
    status.put("description", "ok: healthy; degraded: a backend is offline or unhealthy; failed_closed: the log "
        + "accepts nothing until the server restarts (answered with 503)");
    status.putArray("enum").add("ok").add("degraded").add("failed_closed");
    props.putObject("version").put("type", "string").put("description", "The server version");
    schema.withArray("required").add("status").add("version");
    String path = "/api/v0/health";
    return new Route("GET", PathTemplate.parse(path), "getHealth", "Server health",
        "Whether the write-ahead log accepts writes and each backend's health, with pending, retrying and failed "
            + "counts (the MCP tool wal_health), plus an overall status and the server version. Answers 503 with the "
            + "same body while the log is failed closed.",
        List.of(), List.of(), null, schema, WAL_ERRORS, Map.of(503, "The log failed closed (body as for 200, status failed_closed)"),
        call -> {
          ObjectNode h = WalCalls.call(wal.get(), WalMethod.HEALTH, OperationJson.MAPPER.createObjectNode(),
              WalCalls.Edge.MCP, "GET " + path, paths);
          boolean failedClosed = h.path("failed_closed").asBoolean();
          h.put("status", failedClosed ? "failed_closed" : h.path("healthy").asBoolean() ? "ok" : "degraded");
          h.put("version", Version.current());
          return new Route.Answer(failedClosed ? 503 : 200, h);
        });
  }

  private static ObjectNode openApiSchema() {
    ObjectNode s = OperationJson.MAPPER.createObjectNode();
    s.put("type", "object");
    s.putArray("required").add("openapi").add("info").add("paths");
    ObjectNode p = s.putObject("properties");
    p.putObject("openapi").put("type", "string");
    p.putObject("info").put("type", "object");
    p.putObject("paths").put("type", "object");
    return s;
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.asString(""))) return true;
    }
    return false;
  }
}
