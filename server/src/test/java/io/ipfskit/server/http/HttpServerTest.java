package io.ipfskit.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP server in-process on a real Jetty with a real SDK transport, driven with raw HTTP: the
 * security gate's answers on every path, error bodies, CORS, mounted servlets, static files and a
 * graceful shutdown that lets a running call finish.
 */
class HttpServerTest {

  static final String TOKEN = "test-token-0123456789abcdef";
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<HttpServer> servers = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch slowStarted = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    servers.forEach(HttpServer::shutdown);
  }

  /** A tool answering at once, and one that waits for {@link #release}. */
  List<SyncToolSpecification> tools() {
    Map<String, Object> noArgs = Map.of("type", "object", "properties", Map.of());
    return List.of(
        SyncToolSpecification.builder().tool(Tool.builder("echo", noArgs).description("echo").build())
            .callHandler((ex, req) -> CallToolResult.builder().addTextContent("echoed").build()).build(),
        SyncToolSpecification.builder().tool(Tool.builder("slow", noArgs).description("slow").build())
            .callHandler((ex, req) -> {
              slowStarted.countDown();
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return CallToolResult.builder().addTextContent("slow done").build();
            }).build());
  }

  HttpServer start(HttpServer.Builder b) {
    HttpServer s = b.port(0).mcp("test", "1", tools()).drainTimeout(Duration.ofSeconds(30)).build().start();
    servers.add(s);
    return s;
  }

  HttpServer start() {
    return start(HttpServer.builder().token(TOKEN));
  }

  HttpRequest.Builder post(HttpServer s, String body) {
    return HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp")).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpResponse<String> send(HttpRequest.Builder r) throws IOException, InterruptedException {
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Initializes a session and returns its id. */
  String initialize(HttpServer s) throws Exception {
    HttpResponse<String> init = send(post(s, INIT).header("Authorization", "Bearer " + TOKEN));
    assertEquals(200, init.statusCode(), init.body());
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    HttpResponse<String> ack = send(post(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session));
    assertEquals(202, ack.statusCode(), ack.body());
    return session;
  }

  static String callBody(int id, String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
        + "\",\"arguments\":{}}}";
  }

  /** The JSON-RPC message in an SSE or JSON response body. */
  static JsonNode message(String body) {
    for (String line : body.split("\n")) {
      if (line.startsWith("data:") && line.length() > 6) return JSON.readTree(line.substring(5).trim());
    }
    return JSON.readTree(body);
  }

  /** An error body: short, JSON-RPC, no trace of Java. */
  static JsonNode assertShortJsonRpcError(int expectedStatus, int status, String body) {
    assertEquals(expectedStatus, status, body);
    assertFalse(body.contains("at io."), body);
    assertFalse(body.contains("Exception"), body);
    assertFalse(body.contains("stackTrace"), body);
    assertTrue(body.length() < 600, body);
    JsonNode n = JSON.readTree(body);
    assertEquals("2.0", n.get("jsonrpc").asString(), body);
    assertTrue(n.get("error").get("code").isIntegralNumber(), body);
    assertFalse(n.get("error").get("message").asString().isBlank(), body);
    return n;
  }

  // ------------------------------------------------------------------ MCP round trip

  @Test
  @Timeout(60)
  void mcp_initializeListCall_answersWithTheTool() throws Exception {
    HttpServer s = start();
    String session = initialize(s);
    HttpResponse<String> list = send(post(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session));
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(2, message(list.body()).get("result").get("tools").size(), list.body());
    HttpResponse<String> call = send(post(s, callBody(3, "echo"))
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session));
    assertEquals("echoed", message(call.body()).get("result").get("content").get(0).get("text").asString());
  }

  // ------------------------------------------------------------------ Origin and Host

  @Test
  void foreignOrigin_onMcpAndOnEveryOtherPath_403() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).servlet("/api/*", new Hello()));
    for (String path : List.of("/mcp", "/api/x", "/", "/nothing")) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
          .header("Origin", "http://evil.example.com").header("Authorization", "Bearer " + TOKEN).GET());
      assertShortJsonRpcError(403, r.statusCode(), r.body());
    }
  }

  @Test
  void ownOrigin_accepted() throws Exception {
    HttpServer s = start();
    HttpResponse<String> r = send(post(s, INIT).header("Origin", s.baseUrl()).header("Authorization", "Bearer " + TOKEN));
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void foreignHost_onMcpAndOnOtherPaths_421() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).servlet("/api/*", new Hello()));
    for (String path : List.of("/mcp", "/api/x")) {
      RawHttp.Response r = RawHttp.send(s.port(), "POST " + path + " HTTP/1.1\r\nHost: evil.example.com:"
          + s.port() + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nAccept: "
          + "application/json, text/event-stream\r\nContent-Length: " + INIT.length(), INIT.getBytes(UTF_8));
      assertShortJsonRpcError(421, r.status(), r.body());
    }
  }

  @Test
  void allowedHost_extraHostAccepted() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).allowedHosts(List.of("kit.example.org")));
    RawHttp.Response r = RawHttp.send(s.port(), "POST /mcp HTTP/1.1\r\nHost: kit.example.org\r\nAuthorization: Bearer "
        + TOKEN + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        + "Content-Length: " + INIT.length(), INIT.getBytes(UTF_8));
    assertEquals(200, r.status(), r.body());
  }

  // ------------------------------------------------------------------ token

  @Test
  void missingOrWrongToken_401WithChallenge() throws Exception {
    HttpServer s = start();
    for (String auth : new String[] {null, "Bearer wrong-token-0123456789abcdef", "Basic " + TOKEN, "Bearer ",
        "Bearer " + TOKEN + "x"}) {
      HttpRequest.Builder r = post(s, INIT);
      if (auth != null) r.header("Authorization", auth);
      HttpResponse<String> resp = send(r);
      assertShortJsonRpcError(401, resp.statusCode(), resp.body());
      assertEquals("Bearer realm=\"ipfs-kit\"", resp.headers().firstValue("WWW-Authenticate").orElse(null));
      assertFalse(resp.body().contains(TOKEN), "the body never repeats the token");
    }
  }

  @Test
  void mountedServlet_needsTheToken() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).servlet("/api/*", new Hello()));
    HttpResponse<String> without = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/x")).GET());
    assertShortJsonRpcError(401, without.statusCode(), without.body());
    HttpResponse<String> with = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/x"))
        .header("Authorization", "Bearer " + TOKEN).GET());
    assertEquals(200, with.statusCode());
    assertEquals("{\"hello\":true}", with.body());
  }

  @Test
  void tooManyFailures_429WithRetryAfter_evenWithTheRightToken_untilTheWindowEnds() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    HttpServer s = start(HttpServer.builder().token(TOKEN).clock(clock));
    for (int i = 0; i < HttpServer.MAX_AUTH_FAILURES; i++) {
      assertEquals(401, send(post(s, INIT).header("Authorization", "Bearer guess-" + i + "-0123456789abcdef")).statusCode());
    }
    HttpResponse<String> blocked = send(post(s, INIT).header("Authorization", "Bearer " + TOKEN));
    assertShortJsonRpcError(429, blocked.statusCode(), blocked.body());
    assertEquals("60", blocked.headers().firstValue("Retry-After").orElse(null));
    clock.set(Instant.parse("2026-01-01T00:00:45Z"));
    assertEquals("15", send(post(s, INIT).header("Authorization", "Bearer " + TOKEN)).headers()
        .firstValue("Retry-After").orElse(null));
    clock.set(Instant.parse("2026-01-01T00:01:00Z"));
    assertEquals(200, send(post(s, INIT).header("Authorization", "Bearer " + TOKEN)).statusCode());
  }

  @Test
  void generatedToken_isLongAndInTheDashboardUrlFragment() {
    HttpServer s = start(HttpServer.builder());
    assertTrue(s.tokenGenerated());
    String token = s.token().orElseThrow();
    assertTrue(token.length() >= 43, token.length() + " chars");
    assertEquals(s.baseUrl() + "/#token=" + token, s.dashboardUrl());
  }

  @Test
  void noAuth_loopbackServesWithoutToken() throws Exception {
    HttpServer s = start(HttpServer.builder().noAuth());
    assertEquals(200, send(post(s, INIT)).statusCode());
    assertEquals(s.baseUrl() + "/", s.dashboardUrl());
  }

  @Test
  void noAuth_nonLoopbackBind_refusedNamingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HttpServer.builder().noAuth().bind("0.0.0.0").build());
    assertEquals("--no-auth is allowed only with a loopback bind (127.0.0.1, ::1, localhost), but the bind address is"
        + " 0.0.0.0", e.getMessage());
  }

  // ------------------------------------------------------------------ limits and sessions

  @Test
  void declaredBodyOverTheLimit_413() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).maxBodyBytes(4096));
    HttpResponse<String> r = send(post(s, "{\"x\":\"" + "a".repeat(5000) + "\"}").header("Authorization", "Bearer " + TOKEN));
    JsonNode err = assertShortJsonRpcError(413, r.statusCode(), r.body());
    assertTrue(err.get("error").get("message").asString().startsWith("Payload Too Large: the request body exceeds 4096"
        + " bytes (setting IPFS_KIT_MAX_MESSAGE_BYTES)"), r.body());
  }

  @Test
  void chunkedBodyOverTheLimit_onMcpAndOnAMountedServlet_413() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).maxBodyBytes(4096).servlet("/api/*", new Hello()));
    byte[] chunk = ("1000\r\n" + "a".repeat(4096) + "\r\n").getBytes(UTF_8);
    byte[] body = new byte[chunk.length * 2 + 5];
    System.arraycopy(chunk, 0, body, 0, chunk.length);
    System.arraycopy(chunk, 0, body, chunk.length, chunk.length);
    System.arraycopy("0\r\n\r\n".getBytes(UTF_8), 0, body, chunk.length * 2, 5);
    for (String path : List.of("/mcp", "/api/echo")) {
      RawHttp.Response r = RawHttp.send(s.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + s.port()
          + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nAccept: application/json,"
          + " text/event-stream\r\nTransfer-Encoding: chunked", body);
      assertShortJsonRpcError(413, r.status(), r.body());
    }
  }

  @Test
  void unknownSession_postAndGet_404WithoutEchoingTheId() throws Exception {
    HttpServer s = start();
    initialize(s);
    HttpResponse<String> post = send(post(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", "no-such-session-4711"));
    JsonNode err = assertShortJsonRpcError(404, post.statusCode(), post.body());
    assertEquals(JsonErrors.SESSION_NOT_FOUND, err.get("error").get("code").asInt());
    assertFalse(post.body().contains("4711"), post.body());
    HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp"))
        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TOKEN)
        .header("Mcp-Session-Id", "no-such-session-4711").GET());
    assertShortJsonRpcError(404, get.statusCode(), get.body());
  }

  @Test
  void sdkBadRequests_shortJsonRpcErrorsWithoutStackTraces() throws Exception {
    HttpServer s = start();
    String session = initialize(s);
    List<HttpResponse<String>> bad = List.of(
        send(post(s, "not json").header("Authorization", "Bearer " + TOKEN)),
        send(post(s, INIT).header("Authorization", "Bearer " + TOKEN).setHeader("Accept", "text/html")),
        send(post(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").header("Authorization", "Bearer " + TOKEN)),
        send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp")).header("Authorization", "Bearer " + TOKEN)
            .header("Mcp-Session-Id", session).header("Accept", "application/json").GET()));
    for (HttpResponse<String> r : bad) {
      assertShortJsonRpcError(400, r.statusCode(), r.body());
    }
  }

  // ------------------------------------------------------------------ CORS

  @Test
  void cors_listedOriginPreflightAndResponse_exposeSessionId_noWildcard() throws Exception {
    String page = "http://localhost:5173";
    HttpServer s = start(HttpServer.builder().token(TOKEN).corsOrigins(List.of(page)));
    HttpResponse<String> pre = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp")).header("Origin", page)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, mcp-session-id")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(204, pre.statusCode());
    assertEquals(page, pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
    assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Mcp-Session-Id"));
    HttpResponse<String> init = send(post(s, INIT).header("Origin", page).header("Authorization", "Bearer " + TOKEN));
    assertEquals(200, init.statusCode());
    assertEquals(page, init.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals("Mcp-Session-Id", init.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
    assertFalse(init.headers().allValues("Access-Control-Allow-Origin").contains("*"));
  }

  @Test
  void cors_unlistedOrigin_preflight403AndNoCorsHeaders() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).corsOrigins(List.of("http://localhost:5173")));
    HttpResponse<String> pre = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp"))
        .header("Origin", "http://localhost:6666").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertShortJsonRpcError(403, pre.statusCode(), pre.body());
    assertNull(pre.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  // ------------------------------------------------------------------ static files

  @Test
  void staticDir_servedWithoutTokenButOriginChecked_andNotFoundIsJson(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("index.html"), "<h1>dashboard</h1>");
    HttpServer s = start(HttpServer.builder().token(TOKEN).staticDir(dir));
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/")).GET());
    assertEquals(200, page.statusCode());
    assertEquals("<h1>dashboard</h1>", page.body());
    HttpResponse<String> foreign = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/index.html"))
        .header("Origin", "http://evil.example.com").GET());
    assertShortJsonRpcError(403, foreign.statusCode(), foreign.body());
    HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/nope.js")).GET());
    assertShortJsonRpcError(404, missing.statusCode(), missing.body());
    HttpResponse<String> postToStatic = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/index.html"))
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertShortJsonRpcError(401, postToStatic.statusCode(), postToStatic.body());
  }

  @Test
  void servletErrorWithStackTrace_replaced_butItsOwnJsonErrorKept() throws Exception {
    HttpServer s = start(HttpServer.builder().token(TOKEN).servlet("/api/*", new Hello()));
    HttpResponse<String> own = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/conflict"))
        .header("Authorization", "Bearer " + TOKEN).GET());
    assertEquals(409, own.statusCode());
    assertEquals("{\"error\":\"operation op-1 is already completed\"}", own.body());
    HttpResponse<String> trace = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/trace"))
        .header("Authorization", "Bearer " + TOKEN).GET());
    assertShortJsonRpcError(400, trace.statusCode(), trace.body());
    HttpResponse<String> thrown = send(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/api/throw"))
        .header("Authorization", "Bearer " + TOKEN).GET());
    assertShortJsonRpcError(500, thrown.statusCode(), thrown.body());
  }

  // ------------------------------------------------------------------ shutdown

  @Test
  @Timeout(60)
  void shutdown_stopsAcceptingAndLetsTheRunningCallFinish() throws Exception {
    HttpServer s = start();
    String session = initialize(s);
    CompletableFuture<HttpResponse<String>> call = client.sendAsync(post(s, callBody(7, "slow"))
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(slowStarted.await(30, TimeUnit.SECONDS), "the slow tool started");
    AtomicReference<Boolean> drained = new AtomicReference<>();
    int port = s.port();
    Thread stopper = new Thread(() -> drained.set(s.shutdown()));
    stopper.start();
    // Bounded polling of the server's real state: the port stops accepting once shutdown began.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
        TimeUnit.MILLISECONDS.sleep(20); // polling the real server's state, bounded by the deadline
      } catch (ConnectException e) {
        refused = true;
      }
    }
    assertTrue(refused, "the port stopped accepting");
    assertTrue(stopper.isAlive(), "shutdown waits for the running call");
    release.countDown();
    stopper.join(30_000);
    assertEquals(Boolean.TRUE, drained.get());
    HttpResponse<String> r = call.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertEquals("slow done", message(r.body()).get("result").get("content").get(0).get("text").asString());
  }

  /** A servlet of the kind the REST API mounts: its own JSON, and a few ways to fail. */
  static final class Hello extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      switch (req.getPathInfo() == null ? "" : req.getPathInfo()) {
        case "/conflict" -> {
          resp.setStatus(409);
          resp.setContentType("application/json");
          resp.getWriter().write("{\"error\":\"operation op-1 is already completed\"}");
        }
        case "/trace" -> {
          resp.setStatus(400);
          resp.getWriter().write("java.lang.IllegalStateException: boom\n\tat io.ipfskit.Foo.bar(Foo.java:1)");
        }
        case "/throw" -> throw new IllegalStateException("boom");
        default -> {
          resp.setContentType("application/json");
          resp.getWriter().write("{\"hello\":true}");
        }
      }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      byte[] body = req.getInputStream().readAllBytes();
      resp.setContentType("application/json");
      resp.getWriter().write("{\"bytes\":" + body.length + "}");
    }
  }

  /** Opens the session's listening stream ({@code GET /mcp}); the data of each SSE event lands in the queue. */
  java.util.concurrent.BlockingQueue<JsonNode> listen(HttpServer s, String session) {
    java.util.concurrent.BlockingQueue<JsonNode> events = new java.util.concurrent.LinkedBlockingQueue<>();
    HttpRequest get = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/mcp")).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session).GET().build();
    client.sendAsync(get, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body()
        .filter(line -> line.startsWith("data:")).forEach(line -> events.add(JSON.readTree(line.substring(5).trim()))));
    return events;
  }

  void setLevel(HttpServer s, String session, String level) throws Exception {
    HttpResponse<String> r = send(post(s, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"logging/setLevel\",\"params\":"
        + "{\"level\":\"" + level + "\"}}").header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", session));
    assertEquals(200, r.statusCode(), r.body());
    assertNull(message(r.body()).get("error"), r.body());
  }

  /** The data of the next notifications/message in {@code events} (waiting at most 10 s), or null. */
  static String nextLogMessage(java.util.concurrent.BlockingQueue<JsonNode> events) throws InterruptedException {
    JsonNode n = events.poll(10, TimeUnit.SECONDS);
    if (n == null) return null;
    assertEquals("notifications/message", n.get("method").asString(), n.toString());
    return n.get("params").get("data").asString();
  }

  /** The notifications/message data before {@code end} (probes left out); fails when {@code end} does not come. */
  static List<String> messagesBefore(String end, java.util.concurrent.BlockingQueue<JsonNode> events) throws Exception {
    List<String> got = new ArrayList<>();
    for (String m = nextLogMessage(events); !end.equals(m); m = nextLogMessage(events)) {
      assertTrue(m != null, "no '" + end + "' within 10 s; got " + got);
      if (!m.startsWith("probe")) got.add(m);
    }
    return got;
  }

  @Test
  @Timeout(60)
  void clientLog_twoSessionsWithTheirOwnLevels_eachGetsWhatItsLevelLetsThrough() throws Exception {
    HttpServer s = start();
    String quiet = initialize(s);
    String chatty = initialize(s);
    setLevel(s, quiet, "error");
    setLevel(s, chatty, "info");
    var quietEvents = listen(s, quiet);
    var chattyEvents = listen(s, chatty);
    // The listening streams open asynchronously: send errors (both levels let them through) until each has one.
    boolean quietOpen = false;
    boolean chattyOpen = false;
    for (int i = 0; i < 100 && !(quietOpen && chattyOpen); i++) {
      io.ipfskit.server.log.ClientLog.error(io.ipfskit.server.log.ClientLog.STORAGE, "probe " + i);
      quietOpen |= quietEvents.poll(100, TimeUnit.MILLISECONDS) != null;
      chattyOpen |= chattyEvents.poll(100, TimeUnit.MILLISECONDS) != null;
    }
    assertTrue(quietOpen && chattyOpen, "both listening streams should receive an error-level event");
    quietEvents.clear();
    chattyEvents.clear();

    io.ipfskit.server.log.ClientLog.warning(io.ipfskit.server.log.ClientLog.STORAGE, "backend x is unhealthy");
    io.ipfskit.server.log.ClientLog.error(io.ipfskit.server.log.ClientLog.STORAGE, "last");

    // One sender thread, in order: when "last" has arrived, the warning was either sent or filtered before it.
    List<String> quietGot = messagesBefore("last", quietEvents);
    List<String> chattyGot = messagesBefore("last", chattyEvents);
    assertEquals(List.of(), quietGot, "level error: no warning");
    assertEquals(List.of("backend x is unhealthy"), chattyGot, "level info: the warning");
  }

  @Test
  void clientLog_afterShutdown_noLongerSentToTheServer() throws Exception {
    HttpServer s = start();
    initialize(s);
    SessionNotices notices = s.sessionNotices();
    assertEquals(1, notices.sessionCount());
    s.shutdown();
    assertFalse(io.ipfskit.server.log.ClientLog.isAttached(notices.sink()), "detached at shutdown");
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
