package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.NodeScripts;
import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The packaged server driven by the official MCP TypeScript SDK client (server/src/test/node/mcp-client.mjs). */
class TypeScriptClientIT {
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path home;

  /** Runs a plan against {@code java -jar <jar> serve} on {@code home}; returns one node per step, then the summary. */
  static List<JsonNode> runPlan(Path home, Map<String, String> env, List<String> roots, ArrayNode steps)
      throws Exception {
    return runPlan(home, env, roots, steps, false);
  }

  /** As above; with {@code captureStderr} the summary also holds the server's stderr ({@code serverStderr}). */
  static List<JsonNode> runPlan(Path home, Map<String, String> env, List<String> roots, ArrayNode steps,
      boolean captureStderr) throws Exception {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("captureStderr", captureStderr);
    plan.put("command", StdioClient.javaExecutable());
    plan.set("args", JSON.valueToTree(List.of("-jar", StdioClient.jar().toString(), "serve")));
    ObjectNode e = JSON.createObjectNode();
    e.put("IPFS_KIT_HOME", home.toString());
    env.forEach(e::put);
    plan.set("env", e);
    if (roots != null) plan.set("roots", JSON.valueToTree(roots));
    plan.set("steps", steps);
    return NodeScripts.run("mcp-client.mjs", List.of(JSON.writeValueAsString(plan)), 300).stream()
        .map(JSON::readTree).toList();
  }

  @Test
  @Timeout(300)
  void typeScriptSdkClient_listsToolsAndCallsOne_structuredResultMatches() throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    steps.addObject().put("listTools", true);
    steps.addObject().put("call", "secrets_statistics");
    List<JsonNode> out = runPlan(home, Map.of(), null, steps);
    assertTrue(out.get(0).get("ok").asBoolean(), out.get(0).toString());
    assertEquals(manifestToolCount(), out.get(0).get("result").get("tools").size(), "tools/list through the TypeScript SDK");
    JsonNode call = out.get(1);
    assertTrue(call.get("ok").asBoolean(), call.toString());
    assertFalse(call.get("result").path("isError").asBoolean(false), call.toString());
    assertEquals(0, call.get("result").get("structuredContent").get("total_secrets").asInt(), call.toString());
  }

  /** How many tools the committed manifest lists (ToolsManifestIT keeps it equal to what the server serves). */
  static int manifestToolCount() throws java.io.IOException {
    return JSON.readTree(java.nio.file.Files.readString(java.nio.file.Path.of("../tools-manifest/tools.json")))
        .get("tools").size();
  }
}
