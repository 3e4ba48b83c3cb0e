package io.ipfskit.server.storage;

import static io.ipfskit.server.storage.S3ServerIT.args;
import static io.ipfskit.server.storage.S3ServerIT.awaitFinished;
import static io.ipfskit.server.storage.S3ServerIT.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.ContentCid;
import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.StdioClient;
import io.ipfskit.server.testing.StorachaService;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * The MCP server (the packaged jar over stdio) with the {@code storacha} backend configured as README
 * tells an operator: the agent key and the delegation proof stored with {@code ipfs-kit secrets store}
 * and named by id in {@code IPFS_KIT_STORACHA_KEY_REF} / {@code _PROOF_REF}, against the real local
 * upload service. {@code wal_add_operation backend=storacha} completes with the local store's CID and
 * {@code cat} reads it back through the gateway; adds queued while the service is stopped wait and each
 * completes once after it is back on the same port with the same state directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StorachaWalToolsIT {
  private static final int QUEUED_DURING_OUTAGE = 8;

  @TempDir static Path dir;
  private StorachaService service;
  private StdioClient client;
  private int port;

  @BeforeAll
  void start() throws Exception {
    port = ChildProcess.freePort();
    service = StorachaService.start(port, dir.resolve("service-state"));
    Path home = dir.resolve("home");
    Map<String, String> env = new HashMap<>();
    env.put("IPFS_KIT_STORACHA_ENDPOINT", service.url());
    env.put("IPFS_KIT_STORACHA_SERVICE_DID", service.serviceDid());
    env.put("IPFS_KIT_STORACHA_SPACE", service.space());
    env.put("IPFS_KIT_STORACHA_GATEWAY", service.gateway());
    env.put("IPFS_KIT_STORACHA_KEY_REF", storeSecret(home, service.agentKey()));
    env.put("IPFS_KIT_STORACHA_PROOF_REF", storeSecret(home, service.proof()));
    env.put("IPFS_KIT_STORACHA_TIMEOUT", "10");
    env.put("IPFS_KIT_WAL_RETRY_DELAY", "0.5");
    env.put("IPFS_KIT_WAL_PROCESS_INTERVAL", "0.2");
    env.put("IPFS_KIT_HEALTH_INTERVAL", "0.5");
    // The outage may open the storacha breaker: keep its open wait and ramp short (defaults 30 s, 5 s steps).
    env.put("IPFS_KIT_BREAKER_WAIT_IN_OPEN", "2");
    env.put("IPFS_KIT_RAMP_INTERVAL", "0.5");
    env.put("IPFS_KIT_RAMP_COOLDOWN", "0.5");
    client = StdioClient.start(home, env);
    client.initialize();
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) client.close();
    if (service != null) service.close();
  }

  /** {@code ipfs-kit secrets store --service storacha}, the value on stdin; returns the printed secret_id. */
  static String storeSecret(Path home, String value) throws Exception {
    return S3ServerIT.storeSecret(home, "storacha", "private_key", value);
  }

  private String queue(String type, Map<String, Object> params) throws Exception {
    return ok(client, "wal_add_operation", args("operation_type", type, "backend", "storacha", "params", params))
        .path("operation_id").asString();
  }

  private static String cid(String text) throws Exception {
    return ContentCid.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).cid();
  }

  /** Polls backend_health (bounded) until storacha is healthy: one probe slower than 5 s on a loaded machine reads as degraded. */
  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!"healthy".equals(storachaState())) {
      assertTrue(System.nanoTime() < deadline, "storacha never healthy: "
          + ok(client, "backend_health", args("backend", "storacha")));
      TimeUnit.MILLISECONDS.sleep(200); // polling the server's real state, bounded
    }
  }

  private String storachaState() throws Exception {
    return ok(client, "backend_health", args("backend", "storacha")).path("backends").get(0).path("state").asString();
  }

  @Test
  @Order(1)
  void walAdd_storacha_completesWithLocalCidListedBySpaceAndCatReadsItBack() throws Exception {
    String text = "hello Storacha from the write-ahead log";
    // The first use installs the bridge's npm dependencies (once per machine): allow for it.
    JsonNode op = awaitFinished(client, queue("add", Map.of("content", text)), 6);
    assertEquals("completed", op.path("status").asString(), op.toString());
    String cid = op.path("result").path("cid").asString();
    assertEquals(cid(text), cid, "the local store's CID");
    assertEquals(service.space(), op.path("result").path("location").asString());
    assertTrue(service.uploads().contains(cid), service.uploads().toString());

    JsonNode cat = awaitFinished(client, queue("cat", Map.of("cid", cid)), 1);
    assertEquals("completed", cat.path("status").asString(), cat.toString());
    assertEquals(text, cat.path("result").path("content").asString());
    awaitHealthy();
    assertFalse(client.stderr().contains(service.agentKey()), "no agent key in the server log");
    assertFalse(client.stderr().contains(service.proof()), "no proof in the server log");
  }

  @Test
  @Order(2)
  void serviceDownWhileAddsQueued_theyWaitThenEachCompletesOnceOnTheRestartedService() throws Exception {
    service.close();
    List<String> ids = new ArrayList<>();
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < QUEUED_DURING_OUTAGE; i++) {
      String text = "queued while Storacha is down #" + i;
      ids.add(queue("add", Map.of("content", text)));
      expected.add(cid(text));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!"unhealthy".equals(storachaState())) {
      assertTrue(System.nanoTime() < deadline, "the stopped service never made the storacha backend unhealthy");
      TimeUnit.MILLISECONDS.sleep(100); // polling the server's real state, bounded
    }
    for (String id : ids) {
      JsonNode op;
      do {
        op = ok(client, "wal_get_operation", args("operation_id", id)).path("operation");
        if (!"processing".equals(op.path("status").asString())) break;
        assertTrue(System.nanoTime() < deadline, "still processing against the stopped service: " + op);
        TimeUnit.MILLISECONDS.sleep(100); // polling the server's real state, bounded
      } while (true);
      assertTrue(Set.of("pending", "retrying").contains(op.path("status").asString()), op.toString());
      assertEquals(0, op.path("retry_count").asInt(), "waiting for an unreachable service spends no retry: " + op);
    }

    service = StorachaService.start(port, dir.resolve("service-state")); // same port, same keys, empty stores
    Set<String> completed = new HashSet<>();
    for (String id : ids) {
      JsonNode op = awaitFinished(client, id, 2);
      assertEquals("completed", op.path("status").asString(), op.toString());
      assertTrue(completed.add(op.path("result").path("cid").asString()));
    }
    assertEquals(expected, completed);
    List<String> uploads = service.uploads();
    assertEquals(expected, new TreeSet<>(uploads), "each queued add is an upload of the restarted service");
    assertEquals(expected.size(), uploads.size(), "none listed twice: " + uploads);
    JsonNode listed = ok(client, "wal_list_operations", args("backend", "storacha", "limit", 100));
    long ours = 0;
    for (JsonNode o : listed.path("operations")) if (ids.contains(o.path("operation_id").asString())) ours++;
    assertEquals(QUEUED_DURING_OUTAGE, ours, "each queued operation exactly once");
    awaitHealthy();
  }
}
