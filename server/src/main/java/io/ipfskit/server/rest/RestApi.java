package io.ipfskit.server.rest;

import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.PathCheck;
import io.ipfskit.server.wal.WalService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST API (issue 11): the reference WAL endpoints under {@code /api/v0/wal/}, {@code
 * /api/v0/health} and the OpenAPI document at {@code /api/openapi.json}, as one servlet to mount at
 * {@code /api/*} behind the HTTP server's token and Origin filters (this class checks neither).
 * Route table: {@link RestRoutes}; the document is generated from it ({@link OpenApiDocument}).
 *
 * <p>Every answer is JSON. A failure is {@code {"error": {"code", "message", "field"?}}} with the
 * status {@link ApiError} gives its code (400 bad input naming the parameter and the rule, 404
 * unknown path or operation, 405 wrong method with {@code Allow}, 409 illegal transition, 413,
 * 415, 503 log unavailable or failed closed, 500 a bug). No answer carries a stack trace; an
 * unexpected exception is logged (SLF4J, stderr) and answered 500 with the endpoint and the
 * exception's class name only. The servlet holds no per-request state: thread-safe.
 */
public final class RestApi extends HttpServlet {
  private static final long serialVersionUID = 1L;
  /** The servlet path spec to mount it at: the route table holds full paths under {@code /api/}. */
  public static final String PATH_SPEC = "/api/*";
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);

  private final transient List<Route> routes;

  /**
   * @param wal the home's WAL service, asked for on each request (e.g. {@code () -> shared.service()};
   *     it may open the log on first use, and a failure to reach it answers 503)
   * @param fileAccess the file access policy REST callers act under (the operator's roots; REST has
   *     no MCP roots), reported by {@code /api/v0/health} as {@code file_access} like {@code wal_health}
   */
  public RestApi(Supplier<WalService> wal, Supplier<FileAccessPolicy> fileAccess) {
    this(wal, fileAccess, null);
  }

  /**
   * @param performance the performance report's figures, or null for no {@code /api/performance/*} routes
   */
  public RestApi(Supplier<WalService> wal, Supplier<FileAccessPolicy> fileAccess,
      io.ipfskit.server.tools.PerformanceTools.Sources performance) {
    Objects.requireNonNull(wal, "wal");
    Objects.requireNonNull(fileAccess, "fileAccess");
    this.routes = RestRoutes.table(wal, new PathCheck.AtCaller(fileAccess),
        performance == null ? List.of() : PerformanceRoutes.table(performance, java.time.Clock.systemUTC()));
  }

  /** The routes this servlet dispatches on (tests compare them with the document). */
  List<Route> routes() {
    return routes;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    String rawPath = request.getRequestURI().substring(request.getContextPath().length());
    Route route = null;
    try {
      Set<String> allowed = new LinkedHashSet<>();
      Map<String, String> pathParameters = null;
      for (Route r : routes) {
        Optional<Map<String, String>> m = r.path().match(rawPath);
        if (m.isEmpty()) continue;
        allowed.add(r.method());
        if (r.method().equals(method)) {
          route = r;
          pathParameters = m.get();
          break;
        }
      }
      if (route == null) {
        if (allowed.isEmpty()) {
          throw new ApiError.Failure(new ApiError(ApiError.Code.NOT_FOUND,
              "no endpoint has this path; the endpoints are listed at GET " + RestRoutes.OPENAPI_PATH, null));
        }
        String allow = String.join(", ", allowed);
        throw new ApiError.Failure(new ApiError(ApiError.Code.METHOD_NOT_ALLOWED,
            method + " is not allowed here; this path allows " + allow, null), allow);
      }
      Map<String, Object> query = QueryString.parse(request.getQueryString(), route.query(), route.endpoint());
      ObjectNode body = route.requestBody() == null ? null : readBody(request);
      Route.Answer answer = route.handler().handle(new Route.Call(pathParameters, query, body));
      write(response, answer.status(), answer.body());
    } catch (RuntimeException e) {
      ApiError error = ApiError.of(e);
      if (error == null) {
        String where = route == null ? method + " request" : route.endpoint();
        log.error("{} failed unexpectedly", where, e);
        error = new ApiError(ApiError.Code.INTERNAL,
            where + " failed unexpectedly (" + e.getClass().getSimpleName() + "); see the server log", null);
      } else if (error.code() == ApiError.Code.INTERNAL) {
        log.error("{} failed: {}", route == null ? method : route.endpoint(), e.getMessage(), e);
      }
      if (e instanceof ApiError.Failure f && f.allow != null) response.setHeader("Allow", f.allow);
      write(response, error.status(), error.toJson());
    }
  }

  /** How much of an over-limit body is read and dropped so the client can read the 413. */
  private static final long DRAIN_LIMIT_BYTES = 1 << 20;

  /** The JSON object body of a route that takes one: application/json, at most {@link RestRoutes#MAX_BODY_BYTES}. */
  private static ObjectNode readBody(HttpServletRequest request) throws IOException {
    String type = request.getContentType();
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new ApiError.Failure(new ApiError(ApiError.Code.UNSUPPORTED_MEDIA_TYPE,
          "the request body must be application/json (send Content-Type: application/json)", null));
    }
    long declared = request.getContentLengthLong();
    byte[] bytes;
    try (InputStream in = request.getInputStream()) {
      bytes = declared > RestRoutes.MAX_BODY_BYTES ? null : in.readNBytes(RestRoutes.MAX_BODY_BYTES + 1);
      if (bytes == null || bytes.length > RestRoutes.MAX_BODY_BYTES) {
        // Read (and drop) what the client is still sending, up to a bound, so the 413 reaches it instead of
        // a connection reset mid-upload; a larger body gets the reset.
        long dropped = 0;
        byte[] sink = new byte[8192];
        for (int n; dropped < DRAIN_LIMIT_BYTES && (n = in.read(sink)) > 0; ) dropped += n;
        throw tooLarge();
      }
    }
    JsonNode node;
    try {
      node = bytes.length == 0 ? null : OperationJson.MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      // Jackson's message quotes the input: say only where it broke.
      throw new ApiError.Failure(new ApiError(ApiError.Code.INVALID_JSON,
          "the request body is not valid JSON (at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")", null));
    }
    if (node == null || node.isMissingNode()) {
      throw new ApiError.Failure(new ApiError(ApiError.Code.INVALID_JSON, "the request body must be a JSON object, but was empty", null));
    }
    if (!node.isObject()) {
      throw new ApiError.Failure(new ApiError(ApiError.Code.INVALID_JSON, "the request body must be a JSON object, but was "
          + node.getNodeType().name().toLowerCase(Locale.ROOT), null));
    }
    return (ObjectNode) node;
  }

  private static ApiError.Failure tooLarge() {
    return new ApiError.Failure(new ApiError(ApiError.Code.PAYLOAD_TOO_LARGE,
        "the request body must be at most " + RestRoutes.MAX_BODY_BYTES + " bytes", null));
  }

  private static void write(HttpServletResponse response, int status, ObjectNode body) throws IOException {
    byte[] bytes = OperationJson.MAPPER.writeValueAsBytes(body);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}
