package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.Cid;
import io.ipfskit.server.testing.JsIpfsNode;
import io.ipfskit.server.testing.StdioClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server (packaged jar over stdio) with {@code IPFS_KIT_IPFS_API} pointing at a real IPFS
 * node (js-ipfs on loopback): {@code wal_add_operation backend=ipfs} completes with the node's CID,
 * and operations queued while the node is stopped wait for it without spending retries and each
 * completes once it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IpfsWalToolsIT {
  private static final int QUEUED_DURING_OUTAGE = 12;

  @TempDir static Path dir;
  private JsIpfsNode node;
  private StdioClient client;

  @BeforeAll
  void start() throws Exception {
    node = JsIpfsNode.start(dir.resolve("node"));
    client = StdioClient.start(dir.resolve("home"), Map.of(
        "IPFS_KIT_IPFS_API", node.api().toString(),
        "IPFS_KIT_IPFS_TIMEOUT", "5",
        "IPFS_KIT_WAL_RETRY_DELAY", "0.5",
        "IPFS_KIT_WAL_PROCESS_INTERVAL", "0.2",
        // The outage opens the ipfs breaker: keep its open wait and recovery ramp short so the recovery
        // (half-open probes, then the ramp) fits the test; the defaults are 30 s and 5 s steps.
        "IPFS_KIT_BREAKER_WAIT_IN_OPEN", "2",
        "IPFS_KIT_RAMP_INTERVAL", "0.5",
        "IPFS_KIT_RAMP_COOLDOWN", "0.5"));
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

  private String queue(String type, Map<String, Object> params) throws Exception {
    return ok("wal_add_operation", args("operation_type", type, "backend", "ipfs", "params", params))
        .path("operation_id").asString();
  }

  /** Waits (up to 3 min) in calls short enough for the client's per-request timeout (30 s). */
  private JsonNode awaitDone(String id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    JsonNode waited;
    do {
      waited = ok("wal_wait_for_operation", args("operation_id", id, "timeout", 20));
    } while (!waited.path("finished").asBoolean() && System.nanoTime() < deadline);
    assertTrue(waited.path("finished").asBoolean(), "still not finished: " + waited);
    return waited.path("operation");
  }

  private Set<String> nodePins() throws Exception {
    // Without cid-base: the repository's own CIDv0 pins cannot be printed in base32. Keys come in
    // base58btc and are compared in the base32 form the tools answer with.
    JsonNode keys = StdioClient.JSON.readTree(node.rpc("pin/ls", "type=recursive")).path("Keys");
    Set<String> out = new HashSet<>();
    keys.propertyNames().forEach(k -> Cid.fromNodeAnswer(k).ifPresent(out::add));
    return out;
  }

  @Test
  @Order(1)
  void addOnIpfs_completedWithTheNodesCidPinnedThere_andCatReadsItBack() throws Exception {
    byte[] content = "hello from ipfs-kit".getBytes(StandardCharsets.UTF_8);
    JsonNode op = awaitDone(queue("add", Map.of("content", "hello from ipfs-kit")));
    assertEquals("completed", op.path("status").asString(), op.toString());
    JsonNode result = op.path("result");
    String cid = WalToolsIT.rawLeafCid(content);
    assertEquals(cid, result.path("cid").asString(), "the same CID the local store and Kubo give");
    assertEquals(content.length, result.path("size").asInt());
    assertTrue(result.path("pinned").asBoolean(), result.toString());
    assertEquals(node.api().toString(), result.path("location").asString());
    assertTrue(nodePins().contains(cid), "the node's own pin/ls lists it");

    JsonNode cat = awaitDone(queue("cat", Map.of("cid", cid)));
    assertEquals("completed", cat.path("status").asString(), cat.toString());
    assertEquals("hello from ipfs-kit", cat.path("result").path("content").asString());

    JsonNode unpinned = awaitDone(queue("unpin", Map.of("cid", cid)));
    assertFalse(unpinned.path("result").path("pinned").asBoolean(true), unpinned.toString());
    assertFalse(nodePins().contains(cid), "unpinned on the node");
  }

  @Test
  @Order(2)
  void nodeDownWhileOperationsQueued_theyWaitWithoutSpendingRetries_andEachCompletesOnceItIsBack() throws Exception {
    node.stop();
    List<String> ids = new ArrayList<>();
    List<String> cids = new ArrayList<>();
    try {
      for (int i = 0; i < QUEUED_DURING_OUTAGE; i++) {
        String text = "queued during the outage #" + i;
        ids.add(queue("add", Map.of("content", text)));
        cids.add(WalToolsIT.rawLeafCid(text.getBytes(StandardCharsets.UTF_8)));
      }
      // The node's failures make the backend unhealthy (a failed probe too), and its queue pauses: the
      // operations tried before wait for the node, the rest are not even tried; none spends a retry.
      // (Before the health monitor every one of them was tried once; see backend_health.)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!"unhealthy".equals(ok("backend_health", args("backend", "ipfs")).path("backends").get(0)
          .path("state").asString())) {
        assertTrue(System.nanoTime() < deadline, "the stopped node never made the ipfs backend unhealthy");
        TimeUnit.MILLISECONDS.sleep(100); // polling a real process's state, not timing a test
      }
      int met = 0;
      for (String id : ids) {
        JsonNode op;
        do {
          op = ok("wal_get_operation", args("operation_id", id)).path("operation");
          if (!"processing".equals(op.path("status").asString())) break;
          assertTrue(System.nanoTime() < deadline, "operation still processing against the stopped node: " + op);
          TimeUnit.MILLISECONDS.sleep(100); // polling a real process's state, not timing a test
        } while (true);
        if (op.path("error").asString("").contains("cannot reach the ipfs node")) met++;
        assertTrue(Set.of("pending", "retrying").contains(op.path("status").asString()), op.toString());
        assertEquals(0, op.path("retry_count").asInt(), "waiting for an unreachable node spends no retry: " + op);
      }
      // At most IPFS_KIT_HEALTH_MAX_CONSECUTIVE_ERRORS (5) failures in a row, plus the other workers'
      // runs already under way (IPFS_KIT_WAL_CONCURRENCY: 4 per backend).
      assertTrue(met <= 5 + 3, met + " operations were tried against the stopped node; the paused queue stops at ~5");
    } finally {
      node.start();
    }

    Set<String> completedIds = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode op = awaitDone(ids.get(i));
      assertEquals("completed", op.path("status").asString(), op.toString());
      assertEquals(cids.get(i), op.path("result").path("cid").asString());
      assertEquals(0, op.path("retry_count").asInt(), op.toString());
      assertTrue(completedIds.add(op.path("operation_id").asString()));
    }
    Set<String> pins = nodePins();
    for (String cid : cids) {
      assertTrue(pins.contains(cid), cid + " pinned on the node");
      assertTrue(node.rpc("block/stat", "arg=" + cid).contains("\"Size\":"), cid + " stored on the node");
    }
    JsonNode listed = ok("wal_list_operations", args("backend", "ipfs", "limit", 100));
    long adds = 0;
    for (JsonNode op : listed.path("operations")) {
      if (ids.contains(op.path("operation_id").asString())) {
        adds++;
        assertEquals("completed", op.path("status").asString(), op.toString());
      }
    }
    assertEquals(QUEUED_DURING_OUTAGE, adds, "each queued operation exactly once, no duplicate");
  }
}
