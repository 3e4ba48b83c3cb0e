package io.ipfskit.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.server.tools.SessionRoots;
import io.ipfskit.server.tools.WalTools;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalMethod;
import io.ipfskit.server.wal.WalService;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Contract tests over real HTTP: a real Jetty on 127.0.0.1:0 with {@link RestApi} at {@code /api/*},
 * a real WAL in a temp home (the embedded {@code local} store plus a backend named {@code down}
 * whose every call fails as unreachable, so operations on it stay live until cancelled), called
 * with {@link HttpClient}. Every answer, errors included, is validated against the schema the
 * OpenAPI document gives for that operation and status, and the document is checked against the
 * route table both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestApiTest {
  @TempDir static Path home;
  private SharedWal wal;
  private Server jetty;
  private RestApi api;
  private URI base;
  private final HttpClient http = HttpClient.newHttpClient();
  private JsonNode document;
  private Map<String, SyncToolSpecification> tools;

  /** A backend that is down: every call fails as UNAVAILABLE, so the WAL keeps its operations waiting. */
  static final class DownBackend implements StorageBackend {
    private static StorageException down() {
      return new StorageException("down: connection refused", StorageErrorClass.UNAVAILABLE);
    }

    @Override public String name() { return "down"; }
    @Override public StoredContent add(InputStream content) throws StorageException { throw down(); }
    @Override public void get(String cid, OutputStream out) throws StorageException { throw down(); }
    @Override public void pin(String cid) throws StorageException { throw down(); }
    @Override public void unpin(String cid) throws StorageException { throw down(); }
    @Override public void remove(String cid) throws StorageException { throw down(); }
    @Override public BackendHealth health() { return BackendHealth.unhealthy("connection refused"); }
    @Override public void close() {}
  }

  @BeforeAll
  void start() throws Exception {
    Map<String, BackendRegistry.Factory> factories = new LinkedHashMap<>(BackendRegistry.builtInFactories());
    factories.put("down", c -> Optional.of(new DownBackend()));
    wal = SharedWal.open(home, WalConfig.defaults(home),
        () -> BackendRegistry.open(BackendsConfig.embedded(home), factories, Duration.ofSeconds(15), Clock.systemUTC()),
        Clock.systemUTC(), null);
    SessionRoots roots = new SessionRoots(AllowedRoots.none(), home, home);
    api = new RestApi(wal::service, () -> roots.policy(null));
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(api), RestApi.PATH_SPEC);
    jetty.setHandler(context);
    jetty.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    document = get("/api/openapi.json").body;
    tools = new LinkedHashMap<>();
    for (SyncToolSpecification s : new WalTools(() -> wal, roots).specifications()) tools.put(s.tool().name(), s);
  }

  @AfterAll
  void stop() throws Exception {
    if (jetty != null) jetty.stop();
    if (wal != null) wal.close();
  }

  // ------------------------------------------------------------------ helpers

  record Answer(int status, Map<String, List<String>> headers, JsonNode body, String text) {
    String code() {
      return body.path("error").path("code").asString("");
    }

    String message() {
      return body.path("error").path("message").asString("");
    }
  }

  private Answer get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private Answer send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("application/json;charset=utf-8",
        r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(), method + " " + path);
    assertFalse(r.body().contains("\tat ") || r.body().contains("Exception"), "stack trace or exception in " + r.body());
    JsonNode json = OperationJson.MAPPER.readTree(r.body());
    Answer a = new Answer(r.statusCode(), r.headers().map(), json, r.body());
    if (document != null) assertMatchesDocument(method, path, a);
    return a;
  }

  /** The answer must validate against the schema the document gives for this operation and status. */
  private void assertMatchesDocument(String method, String path, Answer a) {
    String rawPath = path.split("\\?", 2)[0];
    JsonNode schema = null;
    for (var e : document.path("paths").properties()) {
      if (PathTemplate.parse(e.getKey()).match(rawPath).isPresent()) {
        JsonNode op = e.getValue().path(method.toLowerCase());
        if (!op.isMissingNode()) {
          JsonNode resp = op.path("responses").path(Integer.toString(a.status()));
          assertFalse(resp.isMissingNode(), method + " " + e.getKey() + " answered " + a.status()
              + ", which the document does not list: " + a.text());
          schema = resp.path("content").path("application/json").path("schema");
        }
      }
    }
    if (schema == null) {
      assertTrue(a.status() == 404 || a.status() == 405, "undocumented answer " + a.status() + " to " + method + " " + path);
      schema = document.path("components").path("schemas").path("Error");
    }
    List<Error> errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
        .validate(a.body());
    assertTrue(errors.isEmpty(), method + " " + path + " " + a.status() + " breaks its schema: " + errors + "\n" + a.text());
  }

  private void assertError(Answer a, int status, String code, String message) {
    assertEquals(status, a.status(), a.text());
    assertEquals(code, a.code(), a.text());
    if (message != null) assertEquals(message, a.message(), a.text());
  }

  private Operation addContent(String text) {
    ObjectNode p = OperationJson.MAPPER.createObjectNode().put("content", text);
    return wal.service().add(new NewOperation(OperationType.ADD, "local", p));
  }

  private Operation completed(String text) {
    Operation op = addContent(text);
    Operation done = wal.service().waitFor(op.operationId(), Duration.ofSeconds(30));
    assertEquals(OperationStatus.COMPLETED, done.status());
    return done;
  }

  /** An operation on the down backend: live (pending or waiting for the backend) until cancelled. */
  private Operation live() {
    ObjectNode p = OperationJson.MAPPER.createObjectNode().put("content", "never stored");
    return wal.service().add(new NewOperation(OperationType.ADD, "down", p));
  }

  private CallToolResult tool(String name, Map<String, Object> args) {
    return tools.get(name).callHandler().apply(null, new CallToolRequest(name, args));
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  // ------------------------------------------------------------------ the document

  @Nested
  class OpenApi {
    @Test
    void document_everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
      Set<String> routes = new TreeSet<>();
      for (Route r : api.routes()) routes.add(r.method() + " " + r.path().text());
      Set<String> documented = new TreeSet<>();
      for (var p : document.path("paths").properties()) {
        for (var m : p.getValue().properties()) documented.add(m.getKey().toUpperCase() + " " + p.getKey());
      }
      assertEquals(routes, documented);
      assertEquals(Set.of("GET /api/v0/wal/operations", "GET /api/v0/wal/operations/{operation_id}",
          "DELETE /api/v0/wal/operations/{operation_id}", "POST /api/v0/wal/operations/{operation_id}/retry",
          "GET /api/v0/wal/metrics", "GET /api/v0/wal/config", "POST /api/v0/wal/config", "GET /api/v0/health",
          "GET /api/openapi.json"), routes);
    }

    @Test
    void document_validatesAgainstTheOpenApi31Schema() throws Exception {
      JsonNode oas;
      try (InputStream in = RestApiTest.class.getResourceAsStream("/openapi/oas-3.1-schema-2022-10-07.json")) {
        oas = OperationJson.MAPPER.readTree(in);
      }
      List<Error> errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(oas)
          .validate(document);
      assertEquals(List.of(), errors);
      // and the check can fail: a response without a description is not OpenAPI
      ObjectNode broken = (ObjectNode) document.deepCopy();
      ((ObjectNode) broken.path("paths").path("/api/v0/wal/metrics").path("get").path("responses").path("200"))
          .remove("description");
      assertFalse(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(oas)
          .validate(broken).isEmpty());
    }

    @Test
    void document_isOpenApi31WithBearerSecurityAndParametersFromTheToolSchemas() {
      assertEquals("3.1.0", document.path("openapi").asString());
      assertEquals("bearer", document.path("components").path("securitySchemes").path("bearer").path("scheme").asString());
      JsonNode params = document.path("paths").path("/api/v0/wal/operations").path("get").path("parameters");
      List<String> names = new ArrayList<>();
      for (JsonNode p : params) names.add(p.path("name").asString());
      assertEquals(List.of("status", "backend", "operation_type", "limit", "offset"), names);
      JsonNode toolLimit = WalTools.inputSchema(WalMethod.LIST).path("properties").path("limit");
      assertEquals(toolLimit.toString(), params.get(3).path("schema").toString());
      assertEquals(WalTools.outputSchema(WalMethod.LIST).toString(),
          document.path("paths").path("/api/v0/wal/operations").path("get").path("responses").path("200")
              .path("content").path("application/json").path("schema").toString());
    }

    @Test
    void document_everyOperationDocumentsItsErrorsWithTheErrorShape() {
      for (var p : document.path("paths").properties()) {
        for (var m : p.getValue().properties()) {
          JsonNode bad = m.getValue().path("responses").path("400");
          assertFalse(bad.isMissingNode(), m.getKey() + " " + p.getKey() + " lacks 400");
          assertEquals("object", bad.path("content").path("application/json").path("schema").path("properties")
              .path("error").path("type").asString(), m.getKey() + " " + p.getKey());
        }
      }
    }
  }

  // ------------------------------------------------------------------ list

  @Nested
  class ListOperations {
    @Test
    void list_noParameters_answersOperationsNewestFirstAsTheMcpToolDoes() throws Exception {
      Operation a = completed("list one");
      Operation b = completed("list two");
      Answer r = get("/api/v0/wal/operations");
      assertEquals(200, r.status());
      List<String> ids = new ArrayList<>();
      for (JsonNode o : r.body().path("operations")) ids.add(o.path("operation_id").asString());
      assertTrue(ids.indexOf(b.operationId()) < ids.indexOf(a.operationId()) && ids.indexOf(b.operationId()) >= 0, ids.toString());
      assertEquals(r.body().path("operations").size(), r.body().path("count").asInt());
      CallToolResult viaMcp = tool("wal_list_operations", Map.of());
      assertEquals(OperationJson.MAPPER.valueToTree(viaMcp.structuredContent()).toString(), r.body().toString());
    }

    @Test
    void list_filtersAndPaging_applyLikeTheTool() throws Exception {
      completed("filter one");
      completed("filter two");
      Answer r = get("/api/v0/wal/operations?status=completed&backend=local&operation_type=add&limit=1&offset=1");
      assertEquals(200, r.status());
      assertEquals(1, r.body().path("count").asInt());
      JsonNode op = r.body().path("operations").get(0);
      assertEquals("completed", op.path("status").asString());
      assertEquals("local", op.path("backend").asString());
      CallToolResult viaMcp = tool("wal_list_operations",
          Map.of("status", "completed", "backend", "local", "operation_type", "add", "limit", 1, "offset", 1));
      assertEquals(OperationJson.MAPPER.valueToTree(viaMcp.structuredContent()).toString(), r.body().toString());
      assertEquals(0, get("/api/v0/wal/operations?operation_type=pin&backend=local").body().path("count").asInt());
    }

    @Test
    void list_limitOutOfRange_400NamesLimitAndRuleAsTheToolDoes() throws Exception {
      Answer r = get("/api/v0/wal/operations?limit=0");
      assertError(r, 400, "invalid_argument", "limit must be between 1 and 1000");
      assertEquals("limit", r.body().path("error").path("field").asString());
      // the SDK refuses limit 0 by schema before the handler; the handler's own words are the same rule
      assertTrue(text(tool("wal_list_operations", Map.of("limit", 5000))).contains("limit must be between 1 and 1000"));
      assertError(get("/api/v0/wal/operations?limit=99999999999999999999999"), 400, "invalid_argument",
          "limit must be between 1 and 1000");
      assertError(get("/api/v0/wal/operations?offset=-1"), 400, "invalid_argument", "offset must be between 0 and 1000000");
    }

    @Test
    void list_limitNotAnInteger_400() throws Exception {
      assertError(get("/api/v0/wal/operations?limit=ten"), 400, "invalid_argument", "limit must be an integer");
      assertError(get("/api/v0/wal/operations?limit="), 400, "invalid_argument", "limit must be an integer");
    }

    @Test
    void list_unknownStatus_400ListsTheStatuses() throws Exception {
      assertError(get("/api/v0/wal/operations?status=done"), 400, "invalid_argument",
          "status must be one of pending, processing, completed, failed, retrying, cancelled");
    }

    @Test
    void list_unknownOperationType_400() throws Exception {
      Answer r = get("/api/v0/wal/operations?operation_type=explode");
      assertError(r, 400, "invalid_argument", null);
      assertTrue(r.message().startsWith("operation_type must be one of add, get, pin"), r.message());
    }

    @Test
    void list_unknownParameter_400NamesItAndTheAcceptedOnes() throws Exception {
      assertError(get("/api/v0/wal/operations?sort=asc"), 400, "invalid_argument",
          "sort is not a parameter of GET /api/v0/wal/operations; it accepts status, backend, operation_type, limit, offset");
    }

    @Test
    void list_parameterGivenTwice_400() throws Exception {
      assertError(get("/api/v0/wal/operations?limit=1&limit=2"), 400, "invalid_argument", "limit must be given at most once");
    }

    @Test
    void list_badPercentEncoding_400() {
      // java.net.URI will not even build such a request, so the parser is called directly
      List<Route.Param> declared = api.routes().get(0).query();
      ApiError.Failure f = org.junit.jupiter.api.Assertions.assertThrows(ApiError.Failure.class,
          () -> QueryString.parse("backend=%zz", declared, "GET /api/v0/wal/operations"));
      assertEquals("backend is not valid percent-encoding", f.error.message());
      assertEquals(Map.of("backend", "a b+c"), QueryString.parse("backend=a+b%2Bc&", declared, "x"));
    }

    @Test
    void list_emptyBackend_400() throws Exception {
      assertError(get("/api/v0/wal/operations?backend="), 400, "invalid_argument", "backend must not be empty");
    }
  }

  // ------------------------------------------------------------------ one operation

  @Nested
  class OneOperation {
    @Test
    void get_knownId_answersTheOperation() throws Exception {
      Operation op = completed("get me");
      Answer r = get("/api/v0/wal/operations/" + op.operationId());
      assertEquals(200, r.status());
      assertEquals(op.operationId(), r.body().path("operation").path("operation_id").asString());
      assertEquals("completed", r.body().path("operation").path("status").asString());
      assertTrue(r.body().path("operation").path("result").path("cid").asString().startsWith("bafk"));
    }

    @Test
    void get_unknownId_404OperationNotFound() throws Exception {
      assertError(get("/api/v0/wal/operations/no-such-op"), 404, "operation_not_found",
          "no operation with operation_id 'no-such-op'");
    }

    @Test
    void get_percentEncodedId_isDecodedOnce() throws Exception {
      assertError(get("/api/v0/wal/operations/a%20b+c"), 404, "operation_not_found",
          "no operation with operation_id 'a b+c'");
    }

    @Test
    void get_idTooLong_400() throws Exception {
      assertError(get("/api/v0/wal/operations/" + "x".repeat(129)), 400, "invalid_argument",
          "operation_id must be at most 128 characters, but was 129 characters long");
    }

    @Test
    void get_queryParameter_400NoneAccepted() throws Exception {
      assertError(get("/api/v0/wal/operations/x?verbose=1"), 400, "invalid_argument",
          "verbose is not a parameter of GET /api/v0/wal/operations/{operation_id}; it accepts no parameters");
    }

    @Test
    void delete_liveOperation_cancelsIt() throws Exception {
      Operation op = live();
      Answer r = send("DELETE", "/api/v0/wal/operations/" + op.operationId(), null, null);
      assertEquals(200, r.status(), r.text());
      // a copy already running stops within one chunk and is then recorded cancelled
      String status = r.body().path("operation").path("status").asString();
      assertTrue(Set.of("cancelled", "pending", "processing", "retrying").contains(status), status);
      assertEquals(OperationStatus.CANCELLED, wal.service().waitFor(op.operationId(), Duration.ofSeconds(30)).status());
    }

    @Test
    void delete_completedOperation_409IllegalTransition() throws Exception {
      Operation op = completed("finished already");
      Answer r = send("DELETE", "/api/v0/wal/operations/" + op.operationId(), null, null);
      assertError(r, 409, "illegal_transition", null);
      assertEquals(OperationStatus.COMPLETED, wal.service().get(op.operationId()).status());
    }

    @Test
    void delete_unknownId_404() throws Exception {
      assertError(send("DELETE", "/api/v0/wal/operations/nope", null, null), 404, "operation_not_found", null);
    }

    @Test
    void retry_cancelledOperation_putsItBackToPending() throws Exception {
      Operation op = live();
      wal.service().cancel(op.operationId());
      // a cancel of a run under way is a request the runner honours when it stops: wait for that
      assertEquals(OperationStatus.CANCELLED, wal.service().waitFor(op.operationId(), Duration.ofSeconds(30)).status());
      Answer r = send("POST", "/api/v0/wal/operations/" + op.operationId() + "/retry", null, null);
      assertEquals(200, r.status(), r.text());
      String status = r.body().path("operation").path("status").asString();
      assertTrue(Set.of("pending", "processing", "retrying").contains(status), status);
      assertEquals(0, r.body().path("operation").path("retry_count").asInt());
      wal.service().cancel(op.operationId()); // leave nothing live behind
    }

    @Test
    void retry_completedOperation_409AndTheSameWordsAsTheTool() throws Exception {
      Operation op = completed("retry me not");
      Answer r = send("POST", "/api/v0/wal/operations/" + op.operationId() + "/retry", null, null);
      assertError(r, 409, "illegal_transition", null);
      assertTrue(text(tool("wal_retry_operation", Map.of("operation_id", op.operationId()))).startsWith(r.message()),
          r.message());
    }

    @Test
    void retry_unknownId_404() throws Exception {
      assertError(send("POST", "/api/v0/wal/operations/nope/retry", null, null), 404, "operation_not_found", null);
    }
  }

  // ------------------------------------------------------------------ metrics, config, health

  @Nested
  class LogWide {
    @Test
    void metrics_answersCountsAndBackends() throws Exception {
      completed("for metrics");
      Answer r = get("/api/v0/wal/metrics");
      assertEquals(200, r.status());
      assertTrue(r.body().path("records_appended").asLong() > 0);
      List<String> backends = new ArrayList<>();
      for (JsonNode b : r.body().path("backends")) backends.add(b.path("backend").asString());
      assertTrue(backends.contains("local"), backends.toString());
    }

    @Test
    void config_get_answersTheConfigurationAndNothingChanged() throws Exception {
      Answer r = get("/api/v0/wal/config");
      assertEquals(200, r.status());
      assertEquals(wal.service().config().toMap().get("max_retries"), r.body().path("config").path("max_retries").asString());
      assertEquals(0, r.body().path("changed").size());
    }

    @Test
    void config_postSet_changesLiveKeyAndAnswersTheResult() throws Exception {
      int before = wal.service().config().maxRetries();
      try {
        Answer r = send("POST", "/api/v0/wal/config", "application/json", "{\"set\": {\"max_retries\": 7}}");
        assertEquals(200, r.status(), r.text());
        assertEquals("7", r.body().path("config").path("max_retries").asString());
        assertEquals("[\"max_retries\"]", r.body().path("changed").toString());
        assertEquals(7, wal.service().config().maxRetries());
      } finally {
        wal.service().updateConfig(Map.of("max_retries", Integer.toString(before)));
      }
    }

    @Test
    void config_postUnknownKey_400NamesSetKeyAsTheToolDoes() throws Exception {
      Answer r = send("POST", "/api/v0/wal/config", "application/json; charset=utf-8", "{\"set\": {\"path\": \"/tmp\"}}");
      assertError(r, 400, "invalid_argument", null);
      assertTrue(r.message().startsWith("set.path is not a live-updatable key; live keys: batch_size"), r.message());
      assertEquals("set.path", r.body().path("error").path("field").asString());
      assertTrue(text(tool("wal_config", Map.of("set", Map.of("path", "/tmp")))).contains(r.message()));
    }

    @Test
    void config_postWithoutSet_400() throws Exception {
      assertError(send("POST", "/api/v0/wal/config", "application/json", "{}"), 400, "invalid_argument",
          "set is required (GET /api/v0/wal/config shows the configuration)");
    }

    @Test
    void config_postOtherField_400() throws Exception {
      assertError(send("POST", "/api/v0/wal/config", "application/json", "{\"set\": {\"max_retries\": 3}, \"x\": 1}"), 400,
          "invalid_argument", "x is not an argument of POST /api/v0/wal/config; it accepts set");
    }

    @Test
    void config_postNotJson_400InvalidJsonWithoutEchoingTheBody() throws Exception {
      Answer r = send("POST", "/api/v0/wal/config", "application/json", "{\"set\": secret-value");
      assertError(r, 400, "invalid_json", null);
      assertFalse(r.text().contains("secret-value"), r.text());
      assertError(send("POST", "/api/v0/wal/config", "application/json", "[1]"), 400, "invalid_json",
          "the request body must be a JSON object, but was array");
      assertError(send("POST", "/api/v0/wal/config", "application/json", ""), 400, "invalid_json",
          "the request body must be a JSON object, but was empty");
    }

    @Test
    void config_postWrongMediaType_415() throws Exception {
      assertError(send("POST", "/api/v0/wal/config", "application/x-www-form-urlencoded", "set=1"), 415,
          "unsupported_media_type", null);
      assertError(send("POST", "/api/v0/wal/config", null, "{}"), 415, "unsupported_media_type", null);
    }

    @Test
    void config_postTooLarge_413() throws Exception {
      String big = "{\"set\": {\"max_retries\": 3}, \"pad\": \"" + "x".repeat(RestRoutes.MAX_BODY_BYTES) + "\"}";
      assertError(send("POST", "/api/v0/wal/config", "application/json", big), 413, "payload_too_large",
          "the request body must be at most 65536 bytes");
    }

    @Test
    void health_downBackend_degradedWithEveryBackendAndTheVersion() throws Exception {
      Answer r = get("/api/v0/health");
      assertEquals(200, r.status());
      assertEquals("degraded", r.body().path("status").asString());
      assertFalse(r.body().path("healthy").asBoolean());
      assertFalse(r.body().path("failed_closed").asBoolean());
      assertNotNull(r.body().path("version").asString(null));
      assertTrue(r.body().path("file_access").path("allows_nothing").asBoolean());
    }
  }

  // ------------------------------------------------------------------ routing

  @Nested
  class Routing {
    @Test
    void unknownPath_404NotFound() throws Exception {
      assertError(get("/api/v0/wal/nothing"), 404, "not_found",
          "no endpoint has this path; the endpoints are listed at GET /api/openapi.json");
      assertError(get("/api/v0/wal/operations/"), 404, "not_found", null);
    }

    @Test
    void performanceEndpoints_notBuiltYet_404() throws Exception {
      assertError(get("/api/performance/report"), 404, "not_found", null);
    }

    @Test
    void wrongMethod_405WithAllow() throws Exception {
      Answer r = send("PUT", "/api/v0/wal/operations/x", "application/json", "{}");
      assertError(r, 405, "method_not_allowed", "PUT is not allowed here; this path allows GET, DELETE");
      assertEquals(List.of("GET, DELETE"), r.headers().get("allow"));
      assertError(send("DELETE", "/api/v0/wal/config", null, null), 405, "method_not_allowed",
          "DELETE is not allowed here; this path allows GET, POST");
      assertError(send("POST", "/api/v0/health", null, null), 405, "method_not_allowed", null);
    }
  }
}
