package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The conversation with an agent host around the tools (issue 8): progress, cancellation, waits
 * that hold no worker thread, ping before initialize, errors a client can match, logging
 * notifications and no secret in a debug log. Against the packaged server; the TypeScript cases
 * use the official SDK client through {@link TypeScriptClientIT#runPlan}.
 *
 * <p>A long-running operation: adding a sparse file of {@value #SPARSE_GIB} GiB (created instantly,
 * read and hashed for minutes), so a wait on it stays pending as long as a test needs.
 */
class HostProtocolIT {
  static final int SPARSE_GIB = 256;
  /** Progress every 200 ms instead of seconds, through the JVM the client starts. */
  static final Map<String, String> FAST_PROGRESS =
      Map.of("JAVA_TOOL_OPTIONS", "-Dipfs.kit.progress.interval.millis=200");

  @TempDir Path temp;

  /** The folder the tools may read from (IPFS_KIT_ALLOWED_ROOTS): the sparse file lives there. */
  private Path files() throws Exception {
    return Files.createDirectories(temp.resolve("files"));
  }

  private Map<String, String> env(Map<String, String> extra) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("IPFS_KIT_ALLOWED_ROOTS", files().toString());
    return env;
  }

  private Path sparseFile() throws Exception {
    Path file = files().resolve("huge.bin");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength((long) SPARSE_GIB << 30);
    }
    return file;
  }

  private static JsonNode call(String tool, Object arguments) {
    ObjectNode step = TypeScriptClientIT.JSON.createObjectNode();
    step.put("call", tool);
    step.set("arguments", TypeScriptClientIT.JSON.valueToTree(arguments));
    return step;
  }

  /** The call's operation_id comes from step {@code step}'s structuredContent (mcp-client.mjs argumentsFrom). */
  private static ObjectNode fromStep(ObjectNode call, int step) {
    call.putObject("argumentsFrom").putObject("operation_id").put("step", step).put("path", "structuredContent.operation_id");
    return call;
  }

  @Test
  @Timeout(300)
  void typeScriptClient_waitLongerThanTheRequestTimeout_completesBecauseProgressResetsIt() throws Exception {
    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    steps.add(call("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("path", sparseFile().toString()))));
    ObjectNode wait = (ObjectNode) call("wal_wait_for_operation", Map.of("timeout", 3));
    fromStep(wait, 0);
    wait.put("timeoutMs", 1000).put("resetTimeoutOnProgress", true).put("progress", true);
    steps.add(wait);
    List<JsonNode> out = TypeScriptClientIT.runPlan(temp.resolve("home"), env(FAST_PROGRESS), null, steps);
    assertTrue(out.get(0).get("ok").asBoolean(), out.get(0).toString());
    JsonNode waited = out.get(1);
    assertTrue(waited.get("ok").asBoolean(), "the 3 s wait must outlive the 1 s client timeout: " + waited);
    assertFalse(waited.path("result").path("structuredContent").path("finished").asBoolean(true), waited.toString());
    assertTrue(waited.get("elapsedMs").asLong() >= 2500, waited.toString());
    JsonNode progress = waited.get("progress");
    assertTrue(progress.size() >= 5, "progress every 200 ms over 3 s: " + progress);
    assertTrue(progress.get(0).path("message").asString().startsWith("waiting for operation "), progress.toString());
    assertTrue(progress.get(1).path("progress").asDouble() > progress.get(0).path("progress").asDouble(), progress.toString());
  }

  @Test
  @Timeout(300)
  void typeScriptClient_cancelledWait_isAnsweredNoMoreAndTheNextCallWorks() throws Exception {
    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    steps.add(call("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("path", sparseFile().toString()))));
    ObjectNode wait = (ObjectNode) call("wal_wait_for_operation", Map.of("timeout", 2));
    fromStep(wait, 0);
    wait.put("cancelAfterMs", 300);
    steps.add(wait);
    steps.add(call("secrets_statistics", Map.of()));
    steps.addObject().put("waitMs", 2500); // past the wait's own timeout: a late answer would show up now
    steps.addObject().put("ping", true);
    List<JsonNode> out = TypeScriptClientIT.runPlan(temp.resolve("home"), env(Map.of()), null, steps, true);
    JsonNode cancelled = out.get(1);
    assertFalse(cancelled.get("ok").asBoolean(), cancelled.toString());
    assertTrue(cancelled.get("error").asString().contains("cancelled by test"), cancelled.toString());
    assertTrue(out.get(2).get("ok").asBoolean(), out.get(2).toString());
    assertTrue(out.get(4).get("ok").asBoolean(), out.get(4).toString());
    JsonNode summary = out.get(out.size() - 1);
    assertEquals(0, summary.get("errors").size(), "no response for an unknown (cancelled) id may arrive: " + summary);

    // Below the SDK: the client really sent notifications/cancelled for the wait's id ...
    JsonNode wire = summary.get("wire");
    long waitId = -1;
    for (JsonNode sent : wire.get("sent")) {
      if ("wal_wait_for_operation".equals(sent.path("name").asString(null))) waitId = sent.get("id").asLong();
    }
    assertTrue(waitId >= 0, wire.toString());
    assertEquals("[" + waitId + "]", wire.get("cancelled").toString(), wire.toString());
    // ... the server never wrote a response for it (the stream is read to the server's exit), while it
    // answered every other request ...
    for (JsonNode id : wire.get("responses")) assertFalse(id.asLong() == waitId, "answered after cancel: " + wire);
    assertEquals(wire.get("sent").size() - 1, wire.get("responses").size(), wire.toString());
    // ... and the server itself says it stopped the wait and holds nothing for it: the wait was dropped
    // while its 2-s timeout still ran, not merely abandoned by the client.
    String stderr = summary.get("serverStderr").asString();
    assertTrue(stderr.contains("request " + waitId + " cancelled by the client: stopped; its answer will not be sent"
        + " (0 request(s) still in flight)"), stderr);
  }

  @Test
  @Timeout(300)
  void typeScriptClient_failedOperationAfterSetLevel_arrivesAsLoggingNotification() throws Exception {
    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    steps.addObject().put("setLevel", "info");
    // The CID of empty content, never added to this fresh home: the cat fails (content not found).
    steps.add(call("wal_add_operation", Map.of("operation_type", "cat",
        "params", Map.of("cid", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"))));
    steps.add(fromStep((ObjectNode) call("wal_wait_for_operation", Map.of("timeout", 30)), 1));
    steps.addObject().put("waitMs", 300);
    List<JsonNode> out = TypeScriptClientIT.runPlan(temp.resolve("home"), Map.of("IPFS_KIT_WAL_MAX_RETRIES", "0"), null, steps);
    assertTrue(out.get(0).get("ok").asBoolean(), out.get(0).toString());
    JsonNode summary = out.get(out.size() - 1);
    assertTrue(out.get(1).get("ok").asBoolean(), out.get(1).toString());
    List<JsonNode> failures = new ArrayList<>();
    for (JsonNode n : summary.get("notifications")) {
      if ("ipfs-kit.wal".equals(n.path("logger").asString()) && n.path("data").asString().contains("failed")) failures.add(n);
    }
    assertEquals(1, failures.size(), summary.toString());
    String opId = out.get(1).path("result").path("structuredContent").path("operation_id").asString();
    assertTrue(failures.get(0).path("data").asString().contains(opId), failures.toString());
    assertEquals("warning", failures.get(0).path("level").asString());
    assertFalse(failures.get(0).path("data").asString().contains("bafkrei"), "never the params: " + failures);
  }

  @Test
  @Timeout(300)
  void serve_thirtyWaitsInFlight_readOnlyCallIsAnsweredWhileAllStillWait() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"), env(Map.of()))) {
      client.initialize();
      String op = client.callTool("wal_add_operation", Map.of("operation_type", "add",
          "params", Map.of("path", sparseFile().toString()))).path("structuredContent").path("operation_id").asString();
      for (int i = 0; i < 30; i++) {
        client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"w-" + i + "\",\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"wal_wait_for_operation\",\"arguments\":{\"operation_id\":\"" + op + "\",\"timeout\":120}}}");
      }
      JsonNode stats = client.callTool("secrets_statistics", Map.of());
      assertEquals(0, stats.path("structuredContent").path("total_secrets").asInt(), stats.toString());
      JsonNode status = client.callTool("wal_get_operation", Map.of("operation_id", op));
      assertFalse(List.of("completed", "failed", "cancelled").contains(
          status.path("structuredContent").path("operation").path("status").asString()), status.toString());
      for (JsonNode m : client.drainUnclaimed()) {
        assertFalse(m.path("id").asString("").startsWith("w-"), "a wait answered before its operation finished: " + m);
      }
      // Cancel them all: none may be answered afterwards, and the session goes on.
      for (int i = 0; i < 30; i++) {
        client.notify("notifications/cancelled", Map.of("requestId", "w-" + i, "reason", "test"));
      }
      assertTrue(client.request("ping", null).has("result"));
      client.kill(); // the add would read 256 GiB; nothing to wait for
      for (JsonNode m : client.drainUnclaimed()) {
        assertFalse(m.path("id").asString("").startsWith("w-"), "a cancelled wait was answered: " + m);
      }
    }
  }

  @Test
  void serve_pingBeforeInitialize_isAnsweredAtOnce() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      JsonNode pong = client.request("ping", null);
      assertEquals(0, pong.path("result").size(), pong.toString());
      client.initialize();
      assertTrue(client.request("ping", Map.of()).has("result"));
    }
  }

  @Test
  void serve_wrongShapedArgumentsAndUnknownLevel_areInvalidParamsNamingTheField() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_list\",\"arguments\":[]}}");
      JsonNode args = client.awaitResponse(StdioClient.JSON.getNodeFactory().stringNode("a"), StdioClient.DEFAULT_TIMEOUT);
      assertEquals(-32602, args.path("error").path("code").asInt(), args.toString());
      assertEquals("Invalid params: 'arguments' must be an object, but was an array", args.path("error").path("message").asString());
      JsonNode level = client.request("logging/setLevel", Map.of("level", "verbose"));
      assertEquals(-32602, level.path("error").path("code").asInt(), level.toString());
      assertTrue(level.path("error").path("message").asString().startsWith("Invalid params: 'level' must be one of debug"), level.toString());
      assertFalse(level.toString().contains("jackson"), level.toString());
      assertTrue(client.request("logging/setLevel", Map.of("level", "error")).has("result"));
    }
  }

  @Test
  void serve_eightMiBRequest_isAnsweredWithItsIdPromptly() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      String huge = "{\"jsonrpc\":\"2.0\",\"id\":\"big-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"wal_add_operation\","
          + "\"arguments\":{\"operation_type\":\"add\",\"params\":{\"content\":\"" + "a".repeat(8 * 1024 * 1024) + "\"}}}}";
      long t0 = System.nanoTime();
      client.sendLine(huge);
      JsonNode rejected = client.awaitResponse(StdioClient.JSON.getNodeFactory().stringNode("big-1"), Duration.ofSeconds(10));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("8 MiB request answered in " + millis + " ms");
      assertTrue(rejected.path("result").path("isError").asBoolean(), "a tools/call gets a tool error: " + rejected);
      String message = rejected.path("result").path("content").get(0).path("text").asString();
      assertTrue(message.contains("exceeds the limit of 4194304 bytes") && message.contains("IPFS_KIT_MAX_MESSAGE_BYTES"), message);
      assertTrue(message.contains("the largest argument was 'params'"), message);
      // The id after 8 MiB of content: still read while the line is discarded.
      client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_store\","
          + "\"arguments\":{\"service\":\"x\",\"secret_value\":\"" + "b".repeat(8 * 1024 * 1024) + "\"}},\"id\":\"big-2\"}");
      JsonNode late = client.awaitResponse(StdioClient.JSON.getNodeFactory().stringNode("big-2"), Duration.ofSeconds(10));
      assertTrue(late.path("result").path("content").get(0).path("text").asString()
          .contains("the largest argument was 'secret_value'"), late.toString());
      client.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"resources/read\",\"params\":{\"uri\":\""
          + "c".repeat(5 * 1024 * 1024) + "\"},\"id\":99}");
      JsonNode notATool = client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(99), Duration.ofSeconds(10));
      assertEquals(-32600, notATool.path("error").path("code").asInt(), notATool.toString());
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"deep\",\"method\":\"tools/list\",\"params\":{\"x\":"
          + "[".repeat(600) + "]".repeat(600) + "}}");
      JsonNode deep = client.awaitResponse(StdioClient.JSON.getNodeFactory().stringNode("deep"), StdioClient.DEFAULT_TIMEOUT);
      assertEquals(-32700, deep.path("error").path("code").asInt(), deep.toString());
      assertTrue(client.request("tools/list", Map.of()).has("result"));
    }
  }

  @Test
  void serve_debugLoggingOn_noSecretValueReachesStderr() throws Exception {
    String stored = "canary-stored-31415";
    String rotated = "canary-rotated-27182";
    try (StdioClient client = StdioClient.start(temp.resolve("home"),
        Map.of("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"))) {
      client.initialize();
      String id = client.callTool("secrets_store", Map.of("service", "canary", "secret_value", stored))
          .path("structuredContent").path("secret_id").asString();
      assertFalse(client.callTool("secrets_rotate", Map.of("secret_id", id, "new_value", rotated)).path("isError").asBoolean());
      assertEquals(rotated, client.callTool("secrets_retrieve", Map.of("secret_id", id))
          .path("structuredContent").path("secret_value").asString());
      assertEquals(0, client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT));
      String stderr = client.stderr();
      assertTrue(stderr.contains("Received request"), "debug logging must be on for this test to mean anything:\n" + stderr);
      assertTrue(stderr.contains("[redacted]"), stderr);
      assertFalse(stderr.contains(stored), "stored value on stderr:\n" + stderr);
      assertFalse(stderr.contains(rotated), "rotated value on stderr:\n" + stderr);
    }
  }

  /** The first logging notification of {@code logger} whose text contains {@code text}, pinging while none came (60 s at most). */
  private static JsonNode awaitNotice(StdioClient client, String logger, String text, List<JsonNode> seen)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      seen.addAll(client.drainUnclaimed());
      for (JsonNode m : seen) {
        JsonNode p = m.path("params");
        if ("notifications/message".equals(m.path("method").asString(null)) && logger.equals(p.path("logger").asString(""))
            && p.path("data").asString("").contains(text)) {
          seen.remove(m);
          return m;
        }
      }
      client.request("ping", Map.of()); // bounded polling of the server's own health probe (every 15 s)
    }
    throw new AssertionError("no " + logger + " notification containing '" + text + "' within 60 s: " + seen);
  }

  @Test
  @Timeout(300)
  void serve_localBackendGoesUnhealthyThenRecovers_clientGetsWarningThenInfo() throws Exception {
    Path home = temp.resolve("home");
    try (StdioClient client = StdioClient.start(home, env(Map.of()))) {
      client.initialize();
      assertTrue(client.request("logging/setLevel", Map.of("level", "info")).has("result"));
      // The WAL is open (and the first health round done) once a WAL call answers.
      assertFalse(client.callTool("wal_status", Map.of()).path("isError").asBoolean(false));
      Path tmp = io.ipfskit.core.storage.BackendsConfig.embedded(home).localBlocksDirectory().resolve("tmp");
      Path away = tmp.resolveSibling("tmp-moved-by-test");
      Files.move(tmp, away); // the local probe writes a temp file there: now it cannot
      List<JsonNode> seen = new ArrayList<>();
      JsonNode down = awaitNotice(client, "ipfs-kit.storage", "backend local is unhealthy (was healthy)", seen);
      assertEquals("warning", down.path("params").path("level").asString(), down.toString());
      assertTrue(down.path("params").path("data").asString().contains("is not writable"), down.toString());
      Files.move(away, tmp);
      JsonNode up = awaitNotice(client, "ipfs-kit.storage", "backend local recovered: healthy again (was unhealthy)", seen);
      assertEquals("info", up.path("params").path("level").asString(), up.toString());
    }
  }
}
