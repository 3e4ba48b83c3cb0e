package io.ipfskit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.http.RawHttp;
import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.NodeScripts;
import io.ipfskit.server.testing.StdioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The packaged server in HTTP mode ({@code serve --http}), as a separate process: the official
 * TypeScript SDK client over Streamable HTTP, the security answers over raw HTTP, the printed token
 * URL, SIGTERM, and {@code serve --stdio --http} sharing one home.
 */
class HttpModeIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String TOKEN = "it-token-0123456789abcdefghijkl";
  static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

  @TempDir Path dir;

  /** Starts {@code serve --http --port <free> extra...} on a fresh home; env adds to the inherited one. */
  ChildProcess serveHttp(int port, Map<String, String> env, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-D" + StdioClient.VALIDATE_OUTPUT + "=true",
        "-jar", StdioClient.jar().toString(), "serve", "--http", "--port", Integer.toString(port)));
    cmd.addAll(List.of(extra));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("IPFS_KIT_HOME", dir.resolve("home").toString());
    return ChildProcess.start("ipfs-kit-http", cmd, dir, all, dir.resolve("server.log"))
        .awaitPort(port, Duration.ofSeconds(60));
  }

  static List<JsonNode> tsClient(String url, Map<String, String> headers, ArrayNode steps) throws Exception {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("url", url);
    plan.set("headers", JSON.valueToTree(headers));
    plan.set("steps", steps);
    return NodeScripts.run("mcp-client.mjs", List.of(JSON.writeValueAsString(plan)), 300).stream()
        .map(JSON::readTree).toList();
  }

  @Test
  @Timeout(300)
  void typeScriptSdkClient_overStreamableHttp_initializeListCall() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN))) {
      ArrayNode steps = JSON.createArrayNode();
      steps.addObject().put("listTools", true);
      steps.addObject().put("call", "secrets_statistics");
      steps.addObject().put("ping", true);
      List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", Map.of("Authorization", "Bearer " + TOKEN), steps);
      assertTrue(out.get(0).get("connected").asBoolean(), out.get(0).toString());
      assertFalse(out.get(0).get("sessionId").asString().isBlank());
      JsonNode list = out.get(1);
      assertTrue(list.get("ok").asBoolean(), list.toString());
      assertEquals(manifestToolCount(), list.get("result").get("tools").size(), "the same tools as over stdio");
      JsonNode call = out.get(2);
      assertTrue(call.get("ok").asBoolean(), call.toString());
      assertFalse(call.get("result").path("isError").asBoolean(false), call.toString());
      assertEquals(0, call.get("result").get("structuredContent").get("total_secrets").asInt());
      assertTrue(out.get(3).get("ok").asBoolean(), "ping");
      assertEquals(List.of(), JSON.convertValue(out.get(out.size() - 1).get("errors"), List.class));
    }
  }

  @Test
  @Timeout(300)
  void typeScriptSdkClient_setLevel_receivesBreakerTransitionsItsLevelLetsThrough() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN))) {
      ArrayNode steps = JSON.createArrayNode();
      steps.addObject().put("setLevel", "warning"); // 0
      breakerStep(steps, "force_closed"); // 1: info, filtered at warning
      breakerStep(steps, "force_open"); // 2: warning
      // 3: the client opens its listening stream in the background: repeat 1-2 until an event arrives on it
      steps.addObject().put("awaitNotification", "circuit breaker local is forced_open").put("timeoutMs", 2000)
          .put("repeatSteps", 2).put("attempts", 15);
      breakerStep(steps, "force_closed"); // 4: info, filtered at warning
      breakerStep(steps, "force_open"); // 5: warning
      steps.addObject().put("awaitNotification", "circuit breaker local is forced_open").put("timeoutMs", 10000); // 6
      steps.addObject().put("setLevel", "info"); // 7
      breakerStep(steps, "force_closed"); // 8: info, now let through
      steps.addObject().put("awaitNotification", "circuit breaker local is forced_closed").put("timeoutMs", 10000); // 9
      List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", Map.of("Authorization", "Bearer " + TOKEN), steps);
      assertTrue(out.get(0).get("connected").asBoolean(), out.get(0).toString());
      for (int i = 1; i <= steps.size(); i++) assertTrue(out.get(i).get("ok").asBoolean(), out.get(i).toString());
      JsonNode notifications = out.get(out.size() - 1).get("notifications");
      int first = out.get(4).get("result").get("index").asInt();
      int second = out.get(7).get("result").get("index").asInt();
      int closed = out.get(10).get("result").get("index").asInt();
      assertTrue(first < second && second < closed, notifications.toString());
      // One sender thread, in order: step 4's info event was decided before step 5's warning arrived.
      for (int k = first; k < closed; k++) {
        JsonNode n = notifications.get(k);
        assertEquals("warning", n.get("level").asString(), "level warning lets no info through: " + notifications);
      }
      JsonNode info = notifications.get(closed);
      assertEquals("info", info.get("level").asString(), info.toString());
      assertEquals("ipfs-kit.storage", info.get("logger").asString(), info.toString());
      assertTrue(info.get("data").asString().contains("(was forced_open)"), info.toString());
    }
  }

  @Test
  @Timeout(300)
  void typeScriptSdkClient_longWaitWithProgressToken_getsProgressOnItsStream() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN,
        "JAVA_TOOL_OPTIONS", "-Dipfs.kit.progress.interval.millis=300"))) {
      ArrayNode steps = JSON.createArrayNode();
      breakerStep(steps, "force_open"); // 0: the add below cannot complete while the breaker refuses calls
      ObjectNode add = steps.addObject().put("call", "wal_add_operation"); // 1
      add.putObject("arguments").put("operation_type", "add").putObject("params").put("content", "held back");
      ObjectNode wait = steps.addObject().put("call", "wal_wait_for_operation").put("progress", true)
          .put("timeoutMs", 1500).put("resetTimeoutOnProgress", true); // 2: longer than the client's timeout
      wait.putObject("arguments").put("timeout", 3);
      wait.putObject("argumentsFrom").putObject("operation_id").put("step", 1).put("path", "structuredContent.operation_id");
      List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", Map.of("Authorization", "Bearer " + TOKEN), steps);
      assertTrue(out.get(0).get("connected").asBoolean(), out.get(0).toString());
      for (int i = 1; i <= 3; i++) assertTrue(out.get(i).get("ok").asBoolean(), out.get(i).toString());
      JsonNode waited = out.get(3);
      assertFalse(waited.get("result").get("structuredContent").get("completed").asBoolean(), waited.toString());
      JsonNode progress = waited.get("progress");
      assertTrue(progress.size() >= 3, "a 3 s wait with progress every 0.3 s: " + waited);
      assertTrue(progress.get(0).get("message").asString().startsWith("waiting for operation "), progress.toString());
      assertTrue(progress.get(progress.size() - 1).get("progress").asInt() > progress.get(0).get("progress").asInt(),
          progress.toString());
      // The client's 1.5 s request timeout, reset by each progress, did not end the 3 s wait.
      assertTrue(waited.get("elapsedMs").asLong() >= 2900, waited.toString());
    }
  }

  @Test
  @Timeout(300)
  void debugLoggingOn_noSecretValueNorTokenReachesStderr() throws Exception {
    String canary = "canary-http-31415";
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN,
        "JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"))) {
      ArrayNode steps = JSON.createArrayNode();
      steps.addObject().put("call", "secrets_store").putObject("arguments").put("service", "canary")
          .put("secret_value", canary);
      List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", Map.of("Authorization", "Bearer " + TOKEN), steps);
      assertTrue(out.get(1).get("ok").asBoolean(), out.get(1).toString());
      assertFalse(out.get(1).get("result").path("isError").asBoolean(), out.get(1).toString());
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertTrue(log.contains("DEBUG"), "debug logging must be on for this test to mean anything:\n" + log);
    assertFalse(log.contains(canary), "secret value on stderr");
    assertFalse(log.contains(TOKEN), "bearer token on stderr");
  }

  static void breakerStep(ArrayNode steps, String action) {
    ObjectNode call = steps.addObject().put("call", "circuit_breaker_control");
    call.putObject("arguments").put("action", action).put("breaker", "local");
  }

  @Test
  @Timeout(300)
  void typeScriptSdkClient_withoutOrWithWrongToken_refused401() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN))) {
      for (Map<String, String> headers : List.of(Map.<String, String>of(),
          Map.of("Authorization", "Bearer not-the-token-0123456789ab"))) {
        List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", headers, JSON.createArrayNode());
        assertFalse(out.get(0).get("connected").asBoolean(), out.get(0).toString());
        assertEquals(401, out.get(0).get("code").asInt(), out.get(0).toString());
        assertTrue(out.get(0).get("error").asString().contains("Unauthorized"), out.get(0).toString());
      }
    }
  }

  @Test
  @Timeout(300)
  void restApi_mountedBehindTheSameGate_answersWithTokenOnly() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN))) {
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + port + "/api/v0/wal/metrics");
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(metrics).header("Authorization", "Bearer " + TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      assertTrue(JSON.readTree(ok.body()).isObject(), ok.body());
      HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, noToken.statusCode(), noToken.body());
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/api/v0/wal/operations/no-such-operation"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(404, unknown.statusCode(), unknown.body());
      assertTrue(JSON.readTree(unknown.body()).path("error").has("message"), unknown.body());
      HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/openapi.json"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, doc.statusCode(), doc.body());
      assertTrue(JSON.readTree(doc.body()).path("paths").has("/api/v0/wal/operations"), doc.body());
    }
  }

  @Test
  @Timeout(300)
  void rawHttp_securityAnswers_shortJsonErrorsWithoutStackTraces() throws Exception {
    int port = ChildProcess.freePort();
    try (ChildProcess server = serveHttp(port, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN, "IPFS_KIT_MAX_MESSAGE_BYTES", "65536"),
        "--cors-origin", "http://localhost:5173")) {
      HttpClient http = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + port + "/mcp";
      java.util.function.Function<String, HttpRequest.Builder> post = body -> HttpRequest.newBuilder(URI.create(url))
          .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      List<int[]> seen = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      // foreign Origin
      HttpResponse<String> r = http.send(post.apply(INIT).header("Origin", "http://evil.example.com")
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {403, r.statusCode()});
      bodies.add(r.body());
      // no token, wrong token
      r = http.send(post.apply(INIT).build(), HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {401, r.statusCode()});
      bodies.add(r.body());
      r = http.send(post.apply(INIT).header("Authorization", "Bearer wrong-0123456789abcdefghij").build(),
          HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {401, r.statusCode()});
      bodies.add(r.body());
      // oversized body
      r = http.send(post.apply("{\"pad\":\"" + "x".repeat(70_000) + "\"}").header("Authorization", "Bearer " + TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {413, r.statusCode()});
      bodies.add(r.body());
      // unknown session
      r = http.send(post.apply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
          .header("Authorization", "Bearer " + TOKEN).header("Mcp-Session-Id", "no-such-session").build(),
          HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {404, r.statusCode()});
      bodies.add(r.body());
      // malformed JSON (the SDK's own 400, with a stack trace before the filter)
      r = http.send(post.apply("{not json").header("Authorization", "Bearer " + TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      seen.add(new int[] {400, r.statusCode()});
      bodies.add(r.body());
      // foreign Host (java.net.http cannot forge it)
      RawHttp.Response raw = RawHttp.send(port, "POST /mcp HTTP/1.1\r\nHost: evil.example.com\r\nAuthorization: Bearer "
          + TOKEN + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
          + INIT.length(), INIT.getBytes(UTF_8));
      seen.add(new int[] {421, raw.status()});
      bodies.add(raw.body());
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(seen.get(i)[0], seen.get(i)[1], bodies.get(i));
        String body = bodies.get(i);
        assertFalse(body.contains("at io.") || body.contains("Exception") || body.contains("stackTrace"), body);
        JsonNode n = JSON.readTree(body);
        assertEquals("2.0", n.get("jsonrpc").asString(), body);
        assertTrue(n.get("error").get("message").isString(), body);
      }
      // CORS for the listed origin: allowed, Mcp-Session-Id exposed, never a wildcard
      r = http.send(post.apply(INIT).header("Origin", "http://localhost:5173").header("Authorization", "Bearer " + TOKEN)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("http://localhost:5173", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertEquals("Mcp-Session-Id", r.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
      assertTrue(server.isAlive(), "the server never dies on a request");
    }
  }

  @Test
  @Timeout(300)
  void generatedToken_printedWithDashboardUrl_andWorks_thenSigtermClosesTheWal() throws Exception {
    int port = ChildProcess.freePort();
    ChildProcess server = serveHttp(port, Map.of());
    String token;
    try {
      Pattern url = Pattern.compile("dashboard \\(the token is in the #fragment\\): http://127\\.0\\.0\\.1:" + port
          + "/#token=([A-Za-z0-9_-]{43})");
      // The banner follows the port opening: poll the real process's log, bounded.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String log = Files.readString(dir.resolve("server.log"));
      Matcher m = url.matcher(log);
      while (!m.find() && System.nanoTime() < deadline) {
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
        log = Files.readString(dir.resolve("server.log"));
        m = url.matcher(log);
      }
      m = url.matcher(log);
      assertTrue(m.find(), log);
      token = m.group(1);
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/mcp")).header("Accept", "application/json, text/event-stream")
          .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString(INIT)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    } finally {
      server.close(); // SIGTERM, then waits for the process
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertTrue(log.contains("released the WAL"), "the shutdown hook closed the write-ahead log: " + log);
    // The home is free again: the next server owns the WAL.
    int port2 = ChildProcess.freePort();
    try (ChildProcess again = serveHttp(port2, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN))) {
      assertTrue(again.isAlive());
    }
  }

  @Test
  @Timeout(300)
  void stdioAndHttp_oneProcessOneHome_secretStoredOverStdioSeenOverHttp() throws Exception {
    int port = ChildProcess.freePort();
    Path home = dir.resolve("shared-home");
    try (StdioClient stdio = StdioClient.start(home, Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN), "--stdio", "--http",
        "--port", Integer.toString(port))) {
      stdio.initialize();
      JsonNode stored = stdio.callTool("secrets_store", Map.of("service", "both-ways", "secret_value",
          "shared-api-key-000001"));
      assertFalse(stored.path("isError").asBoolean(false), stored.toString());
      ArrayNode steps = JSON.createArrayNode();
      steps.addObject().put("call", "secrets_statistics");
      List<JsonNode> out = tsClient("http://127.0.0.1:" + port + "/mcp", Map.of("Authorization", "Bearer " + TOKEN), steps);
      assertTrue(out.get(0).get("connected").asBoolean(), out.get(0).toString());
      assertEquals(1, out.get(1).get("result").get("structuredContent").get("total_secrets").asInt(), out.toString());
      stdio.assertOnlyJsonOnStdout();
      assertEquals(0, stdio.closeStdinAndWait(Duration.ofSeconds(60)), "stdin closed: both sides stop, exit 0");
    }
  }

  @Test
  @Timeout(120)
  void noAuth_withNonLoopbackBind_exit2NamingTheRule() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString(), "serve",
        "--http", "--no-auth", "--bind", "0.0.0.0", "--port", "0").redirectErrorStream(true);
    pb.environment().put("IPFS_KIT_HOME", dir.resolve("home").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("--no-auth is allowed only with a loopback bind"), out);
  }

  /** How many tools the committed manifest lists (ToolsManifestIT keeps it equal to what the server serves). */
  static int manifestToolCount() throws java.io.IOException {
    return JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("../tools-manifest/tools.json")))
        .get("tools").size();
  }
}
