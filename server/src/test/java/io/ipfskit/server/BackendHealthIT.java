package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.JsIpfsNode;
import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code backend_health} of the packaged server over stdio against a real IPFS node (js-ipfs on
 * loopback), probing every half second: healthy while the node runs, unhealthy with the outage in
 * its history once it is stopped (an operation queued meanwhile waits without calls or retries),
 * healthy again once it is back (and the operation completes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackendHealthIT {
  @TempDir static Path dir;
  private JsIpfsNode node;
  private StdioClient client;

  @BeforeAll
  void start() throws Exception {
    node = JsIpfsNode.start(dir.resolve("node"));
    client = StdioClient.start(dir.resolve("home"), Map.of(
        "IPFS_KIT_IPFS_API", node.api().toString(),
        "IPFS_KIT_IPFS_TIMEOUT", "5",
        "IPFS_KIT_HEALTH_INTERVAL", "0.5",
        "IPFS_KIT_WAL_RETRY_DELAY", "0.5",
        "IPFS_KIT_WAL_PROCESS_INTERVAL", "0.2"));
    client.initialize();
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) client.close();
    if (node != null) node.close();
  }

  private static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private JsonNode ok(String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = client.callTool(tool, arguments);
    assertFalse(result.path("isError").asBoolean(), tool + " failed: " + result);
    return result.get("structuredContent");
  }

  private JsonNode ipfs() throws Exception {
    JsonNode r = ok("backend_health", args("backend", "ipfs"));
    assertEquals(1, r.path("backends").size(), r.toString());
    return r.path("backends").get(0);
  }

  /** Asks until the ipfs backend is in {@code state}: bounded polling of the server's answer. */
  private JsonNode awaitIpfs(String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    JsonNode last;
    while (true) {
      last = ipfs();
      if (state.equals(last.path("state").asString())) return last;
      assertTrue(System.nanoTime() < deadline, "ipfs never became " + state + ": " + last);
      TimeUnit.MILLISECONDS.sleep(100); // polling a real process's state, not timing a test
    }
  }

  private static List<String> states(JsonNode row) {
    List<String> out = new ArrayList<>();
    row.path("history").forEach(h -> out.add(h.path("state").asString()));
    return out;
  }

  @Test
  void nodeStoppedThenStarted_unhealthyWithHistoryThenHealthyAgain() throws Exception {
    JsonNode all = ok("backend_health", Map.of());
    List<String> types = new ArrayList<>();
    all.path("backends").forEach(b -> types.add(b.path("backend").asString()));
    assertEquals(List.of("local", "ipfs", "s3", "storacha"), types);
    assertEquals("healthy", all.path("backends").get(0).path("state").asString(), all.toString());
    assertEquals("not_configured", all.path("backends").get(2).path("state").asString());
    assertEquals("not_configured", all.path("backends").get(3).path("state").asString());

    JsonNode up = awaitIpfs("healthy");
    assertTrue(up.path("reason").asString().startsWith("ipfs node "), up.toString());
    assertTrue(up.has("checked_at") && up.has("latency_ms"), up.toString());

    node.stop();
    JsonNode down = awaitIpfs("unhealthy");
    List<String> history = states(down);
    assertEquals("unhealthy", history.get(history.size() - 1));
    assertTrue(history.contains("healthy"), "the history keeps the time before the outage: " + history);
    assertFalse(down.path("reason").asString().isEmpty());

    // Queued during the outage: the paused queue calls nothing, so no retry is spent.
    String id = ok("wal_add_operation", args("operation_type", "add", "backend", "ipfs",
        "params", Map.of("content", "queued while the node is down"))).path("operation_id").asString();

    node.start();
    JsonNode back = awaitIpfs("healthy");
    List<String> after = states(back);
    int lastUnhealthy = after.lastIndexOf("unhealthy");
    assertTrue(lastUnhealthy >= 0 && after.subList(lastUnhealthy, after.size()).contains("healthy"),
        "unhealthy, then healthy again: " + after);

    JsonNode waited = ok("wal_wait_for_operation", args("operation_id", id, "timeout", 120));
    JsonNode op = waited.path("operation");
    assertEquals("completed", op.path("status").asString(), waited.toString());
    assertEquals(0, op.path("retry_count").asInt(), op.toString());
    JsonNode metrics = ok("wal_metrics", Map.of());
    assertTrue(metrics.toString().contains("healthy"), metrics.toString());
  }
}
