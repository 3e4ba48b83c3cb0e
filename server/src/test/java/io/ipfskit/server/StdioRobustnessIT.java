package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Malformed JSON-RPC on stdin is answered with JSON-RPC errors and the server keeps serving. */
@Timeout(120)
class StdioRobustnessIT {

  @TempDir Path temp;

  @Test
  void serve_junkLines_eachAnsweredWithAnErrorAndServingContinues() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();

      client.sendLine("this is not json");
      assertError(client.awaitNullIdResponse(), -32700);

      // Cut off, but the id is readable from the start: the parse error carries it (issue 8).
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"tools/list\"");
      assertError(client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(41), StdioClient.DEFAULT_TIMEOUT), -32700);

      client.sendLine("{\"jsonrpc\":\"1.0\",\"id\":42,\"method\":\"tools/list\"}");
      JsonNode wrongVersion = client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(42), StdioClient.DEFAULT_TIMEOUT);
      assertError(wrongVersion, -32600);
      assertEquals("Invalid Request: 'jsonrpc' must be the string \"2.0\", but was \"1.0\"",
          wrongVersion.path("error").path("message").asString());

      client.sendLine("[{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"tools/list\"}]");
      assertError(client.awaitNullIdResponse(), -32600);

      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":{\"nested\":true},\"method\":\"tools/list\"}");
      assertError(client.awaitNullIdResponse(), -32600);

      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":44,\"method\":\"tools/list\",\"params\":[1,2]}");
      assertError(client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(44), StdioClient.DEFAULT_TIMEOUT), -32600);

      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":45}");
      assertError(client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(45), StdioClient.DEFAULT_TIMEOUT), -32600);

      client.sendLine("");
      client.sendLine("   ");

      JsonNode unknown = client.request("no/such/method", Map.of());
      assertError(unknown, -32601);

      JsonNode tools = client.request("tools/list", Map.of());
      assertTrue(tools.path("result").path("tools").size() >= 10, tools.toString());

      int exit = client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT);
      assertEquals(0, exit, client.stderr());
      assertEquals(List.of(), client.drainUnclaimed(), "every message was answered exactly once");
    }
  }

  @Test
  void serve_lineOverTheSizeLimit_isRejectedAndServingContinues() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      String huge = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_store\","
          + "\"arguments\":{\"service\":\"x\",\"secret_value\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}}}";
      client.sendLine(huge);
      // Answered with its id (issue 8; was id null), and as a tools/call: a tool error naming the
      // limit, its setting and the argument that made it too big (never its value).
      JsonNode rejected = client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(7), StdioClient.DEFAULT_TIMEOUT);
      assertTrue(rejected.path("result").path("isError").asBoolean(), rejected.toString());
      String text = rejected.path("result").path("content").get(0).path("text").asString();
      assertTrue(text.startsWith("The call to secrets_store was not run: a message of "), text);
      assertTrue(text.contains("exceeds the limit of 4194304 bytes (setting IPFS_KIT_MAX_MESSAGE_BYTES=4194304)"), text);
      assertTrue(text.contains("the largest argument was 'secret_value' (" + (5 * 1024 * 1024 + 2) + " bytes)"), text);
      assertFalse(text.contains("aaaa"), text);
      assertTrue(client.request("tools/list", Map.of()).has("result"));
    }
  }

  @Test
  void serve_requestBeforeInitialize_isRejectedNotHeld() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      JsonNode early = client.request("tools/list", Map.of());
      assertError(early, -32600);
      assertEquals("Invalid Request: the session is not initialized; send 'initialize' first",
          early.path("error").path("message").asString());
      client.initialize();
      assertTrue(client.request("tools/list", Map.of()).has("result"));
    }
  }

  @Test
  void serve_stdinClosedRightAfterRequests_answersThemAllThenExitsZero() throws Exception {
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":100,\"method\":\"tools/list\"}");
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":101,\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_list\",\"arguments\":{}}}");
      int exit = client.closeStdinAndWait(Duration.ofSeconds(60));
      assertEquals(0, exit, client.stderr());
      List<JsonNode> answers = client.drainUnclaimed();
      assertEquals(List.of(100L, 101L), answers.stream().map(m -> m.path("id").asLong()).sorted().toList(),
          answers.toString());
    }
  }

  @Test
  void serve_manyPipelinedCalls_everyOneAnsweredOnce() throws Exception {
    // Regression: with the SDK's default handler threads, concurrent responses could kill the
    // session (unicast sink "signaled serially" failure). Fire many calls without waiting.
    int calls = 500;
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      String id = client.callTool("secrets_store", Map.of("service", "pipelined", "secret_value", "pipelined-key-000001"))
          .path("structuredContent").path("secret_id").asString();
      for (int i = 0; i < calls; i++) {
        String call = i % 2 == 0
            ? "{\"name\":\"secrets_retrieve\",\"arguments\":{\"secret_id\":\"" + id + "\"}}"
            : "{\"name\":\"secrets_list\",\"arguments\":{}}";
        client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":\"p-" + i + "\",\"method\":\"tools/call\",\"params\":" + call + "}");
      }
      for (int i = 0; i < calls; i++) {
        JsonNode response = client.awaitResponse(StdioClient.JSON.getNodeFactory().stringNode("p-" + i),
            StdioClient.DEFAULT_TIMEOUT);
        assertFalse(response.path("result").path("isError").asBoolean(true), response.toString());
      }
      assertEquals(0, client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT), client.stderr());
      assertEquals(List.of(), client.drainUnclaimed());
    }
  }

  @Test
  void serve_secretValue_neverReachesStderrOrErrorMessages() throws Exception {
    String canary = "canary-secret-value-9876";
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      String id = client.callTool("secrets_store", Map.of("service", "canary", "secret_value", canary))
          .path("structuredContent").path("secret_id").asString();
      assertEquals(canary, client.callTool("secrets_retrieve", Map.of("secret_id", id))
          .path("structuredContent").path("secret_value").asString());
      JsonNode failed = client.callTool("secrets_rotate", Map.of("secret_id", "00000000deadbeef", "new_value", canary));
      assertTrue(failed.path("isError").asBoolean(), failed.toString());
      assertFalse(failed.toString().contains(canary), failed.toString());
      client.sendLine("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_store\","
          + "\"arguments\":{\"service\":\"x\",\"secret_value\":\"" + canary + "\"");
      assertError(client.awaitResponse(StdioClient.JSON.getNodeFactory().numberNode(9), StdioClient.DEFAULT_TIMEOUT), -32700);
      assertEquals(0, client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT));
      client.assertOnlyJsonOnStdout();
      assertFalse(client.stderr().contains(canary), "stderr must never hold a secret value:\n" + client.stderr());
    }
  }

  private static void assertError(JsonNode response, int code) {
    assertEquals("2.0", response.path("jsonrpc").asString(), response.toString());
    assertEquals(code, response.path("error").path("code").asInt(), response.toString());
    assertFalse(response.has("result"), response.toString());
  }
}
