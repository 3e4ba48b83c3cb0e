package io.ipfskit.server;

import static io.ipfskit.server.TypeScriptClientIT.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * File access roots end to end: the packaged server over stdio, driven by the official MCP
 * TypeScript SDK client (server/src/test/node/mcp-client.mjs), offering MCP Roots or not, with
 * {@code IPFS_KIT_ALLOWED_ROOTS} or not.
 */
class FileAccessRootsIT {
  @TempDir Path base;
  private Path home;
  private Path a;
  private Path b;

  @BeforeEach
  void files() throws Exception {
    base = base.toRealPath();
    home = base.resolve("home");
    a = Files.createDirectories(base.resolve("a"));
    b = Files.createDirectories(base.resolve("b"));
    Files.writeString(a.resolve("in-a.txt"), "file in a");
    Files.writeString(b.resolve("in-b.txt"), "file in b");
  }

  private static void addPath(ArrayNode steps, Path file) {
    ObjectNode call = steps.addObject().put("call", "wal_add_operation");
    ObjectNode args = call.putObject("arguments").put("operation_type", "add");
    args.putObject("params").put("path", file.toString());
  }

  private static void addContent(ArrayNode steps, String content) {
    ObjectNode call = steps.addObject().put("call", "wal_add_operation");
    ObjectNode args = call.putObject("arguments").put("operation_type", "add");
    args.putObject("params").put("content", content);
  }

  private static JsonNode result(JsonNode step) {
    assertTrue(step.path("ok").asBoolean(), step.toString());
    return step.get("result");
  }

  /** The step queued an add of {@code file} with its grant. */
  private static void assertQueued(JsonNode step, Path file) {
    JsonNode r = result(step);
    assertFalse(r.path("isError").asBoolean(false), r.toString());
    JsonNode params = r.path("structuredContent").path("operation").path("parameters");
    assertEquals(file.toString(), params.path("file_access").path("file").asString(), r.toString());
  }

  /** The step was refused with a tool error starting with {@code start}. */
  private static String assertRefused(JsonNode step, String start) {
    JsonNode r = result(step);
    assertTrue(r.path("isError").asBoolean(false), r.toString());
    String text = r.path("content").get(0).path("text").asString();
    assertTrue(text.startsWith(start), text);
    return text;
  }

  private static String uri(Path folder) {
    return folder.toUri().toString();
  }

  @Test
  void clientOfferingRoots_confinedToThem_andNewRootsApplyAfterListChanged() throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    addPath(steps, a.resolve("in-a.txt"));                     // 0: inside the client's root
    addPath(steps, b.resolve("in-b.txt"));                     // 1: outside
    steps.addObject().put("call", "wal_health");               // 2
    steps.addObject().set("setRoots", JSON.valueToTree(List.of(uri(b)))); // 3: roots/list_changed
    addPath(steps, b.resolve("in-b.txt"));                     // 4: now inside
    addPath(steps, a.resolve("in-a.txt"));                     // 5: now outside
    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of(), List.of(uri(a)), steps);

    assertQueued(out.get(0), a.resolve("in-a.txt"));
    assertRefused(out.get(1), "invalid argument: params.path refused: its real location");
    JsonNode fa = result(out.get(2)).path("structuredContent").path("file_access");
    assertEquals(a.toString(), fa.path("client_roots").get(0).asString(), fa.toString());
    assertFalse(fa.has("operator_roots"), fa.toString());
    assertQueued(out.get(4), b.resolve("in-b.txt"));
    assertRefused(out.get(5), "invalid argument: params.path refused: its real location");
    assertTrue(out.get(out.size() - 1).path("rootsRequests").asInt() >= 2, out.get(out.size() - 1).toString());
  }

  @Test
  void clientRootsAndOperatorRoots_intersected() throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    addPath(steps, a.resolve("in-a.txt"));
    addPath(steps, b.resolve("in-b.txt"));
    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of("IPFS_KIT_ALLOWED_ROOTS", a.toString()),
        List.of(uri(base)), steps);
    assertQueued(out.get(0), a.resolve("in-a.txt"));
    assertRefused(out.get(1), "invalid argument: params.path refused: its real location");
  }

  @Test
  void clientWithoutRoots_operatorRootsSet_confinedToThem() throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    addPath(steps, a.resolve("in-a.txt"));
    addPath(steps, b.resolve("in-b.txt"));
    steps.addObject().put("call", "wal_health");
    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of("IPFS_KIT_ALLOWED_ROOTS", a.toString()), null, steps);
    assertQueued(out.get(0), a.resolve("in-a.txt"));
    assertRefused(out.get(1), "invalid argument: params.path refused: its real location");
    JsonNode fa = result(out.get(2)).path("structuredContent").path("file_access");
    assertEquals(a.toString(), fa.path("operator_roots").get(0).asString(), fa.toString());
    assertEquals(0, out.get(out.size() - 1).path("rootsRequests").asInt());
  }

  @Test
  void noRootsAnywhere_pathRefusedWithHowTo_contentStillWorks() throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    addPath(steps, a.resolve("in-a.txt"));
    addContent(steps, "no roots needed");
    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of(), null, steps);
    String text = assertRefused(out.get(0), "invalid argument: params.path refused: no folder is allowed for file access");
    assertTrue(text.contains("add it to IPFS_KIT_ALLOWED_ROOTS"), text);
    assertTrue(text.contains("offer it as an MCP root from the client"), text);
    JsonNode added = result(out.get(1));
    assertFalse(added.path("isError").asBoolean(false), added.toString());
  }
}
