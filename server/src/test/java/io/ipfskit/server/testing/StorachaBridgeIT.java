package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.ContentCid;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Storacha bridge ({@code core/src/main/resources/io/ipfskit/core/storage/storacha/bridge}, protocol
 * v1 of STORACHA-BRIDGE.md) driven over its stdin/stdout against the local upload service ({@link
 * StorachaService}: the production handlers of {@code @storacha/upload-api}), both real Node
 * processes on loopback. What the service holds is checked on the service itself ({@link
 * StorachaService#uploads()}, its gateway), not through the bridge.
 */
class StorachaBridgeIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(120);

  private static StorachaService service;

  @TempDir Path tmp;

  @BeforeAll
  static void startService() throws Exception {
    service = StorachaService.start();
  }

  @AfterAll
  static void stopService() {
    if (service != null) service.close();
  }

  @Test
  void addListGetRemove_smallAndMultiChunkFiles_rootsEqualLocalStoreAndServiceAgrees() throws Exception {
    byte[] small = "abc".getBytes(UTF_8);
    byte[] big = bytes(1536 * 1024, 1); // six 256 KiB chunks: a dag-pb root over raw leaves
    try (Bridge bridge = Bridge.start(tmp)) {
      bridge.init(service);
      JsonNode a = bridge.ok("add", "path", file("small", small));
      JsonNode b = bridge.ok("add", "path", file("big", big));
      assertEquals(ContentCid.of(new ByteArrayInputStream(small)).cid(), a.get("root").asString());
      assertEquals("bafkreif2pall7dybz7vecqka3zo24irdwabwdi4wc55jznaq75q7eaavvu", a.get("root").asString(),
          "\"abc\" is one raw leaf, as `ipfs add --cid-version=1 --raw-leaves` gives it");
      assertEquals(ContentCid.of(new ByteArrayInputStream(big)).cid(), b.get("root").asString());
      assertEquals(3, a.get("size").asLong());
      assertEquals(big.length, b.get("size").asLong());
      JsonNode empty = bridge.ok("add", "path", file("empty", new byte[0]));
      assertEquals(ContentCid.of(new ByteArrayInputStream(new byte[0])).cid(), root(empty));
      assertEquals("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", root(empty), "the empty raw leaf");
      assertEquals(0, empty.get("size").asLong());
      assertTrue(bridge.ok("remove", "root", root(empty)).get("removed").asBoolean());
      assertEquals(1, a.get("shards").size());
      assertTrue(a.get("shards").get(0).asString().startsWith("bag"), "a shard is a CAR CID: " + a);

      Map<String, JsonNode> listed = byRoot(bridge.ok("list", "size", 25).get("results"));
      assertEquals(Set.of(root(a), root(b)), listed.keySet());
      assertEquals(a.get("shards"), listed.get(root(a)).get("shards"));
      assertEquals(b.get("shards"), listed.get(root(b)).get("shards"));
      assertTrue(listed.get(root(a)).get("insertedAt").asString().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
      assertEquals(Set.of(root(a), root(b)), new HashSet<>(service.uploads()));

      assertArrayEquals(big, get(root(b)).body());
      assertArrayEquals(small, get(root(a)).body());

      assertTrue(bridge.ok("remove", "root", root(a)).get("removed").asBoolean());
      assertEquals(Set.of(root(b)), byRoot(bridge.ok("list", "size", 25).get("results")).keySet());
      assertEquals(List.of(root(b)), service.uploads());
      assertEquals(404, get(root(a)).statusCode(), "the gateway serves listed uploads only");
      assertFalse(bridge.ok("remove", "root", root(a)).get("removed").asBoolean(), "nothing left to remove");
      assertTrue(bridge.ok("health").get("ok").asBoolean());
      bridge.ok("remove", "root", root(b));
      bridge.assertLogHasNoSecret(service);
    }
  }

  @Test
  void add_175ChunkFile_rootEqualsLocalStoreTwoLevelBalancedLayout() throws Exception {
    byte[] data = bytes(175 * 262_144, 2); // one chunk more than a node's 174 links: the root links two nodes
    try (Bridge bridge = Bridge.start(tmp)) {
      bridge.init(service);
      JsonNode added = bridge.ok("add", "path", file("layered", data));
      assertEquals(ContentCid.of(new ByteArrayInputStream(data)).cid(), root(added));
      assertArrayEquals(data, get(root(added)).body());
      bridge.ok("remove", "root", root(added));
    }
  }

  @Test
  void requests_pipelined_eachAnsweredByItsId() throws Exception {
    try (Bridge bridge = Bridge.start(tmp)) {
      // init and everything after it written at once, before any answer
      CompletableFuture<JsonNode> init = bridge.send(bridge.initRequest(service));
      List<CompletableFuture<JsonNode>> adds = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        byte[] data = bytes(10_000 + i * 300_000, 10 + i);
        expected.add(ContentCid.of(new ByteArrayInputStream(data)).cid());
        adds.add(bridge.send(bridge.request("add").put("path", file("p" + i, data))));
      }
      CompletableFuture<JsonNode> health = bridge.send(bridge.request("health"));
      assertTrue(bridge.await(init).get("ok").asBoolean(), bridge.await(init).toString());
      for (int i = 0; i < adds.size(); i++) {
        JsonNode answer = bridge.await(adds.get(i));
        assertTrue(answer.get("ok").asBoolean(), answer.toString());
        assertEquals(expected.get(i), root(answer));
      }
      assertTrue(bridge.await(health).get("ok").asBoolean());
      assertTrue(new HashSet<>(service.uploads()).containsAll(expected));
      for (String root : expected) bridge.ok("remove", "root", root);
    }
  }

  @Test
  void operations_revokedProof_failPermanently() throws Exception {
    try (StorachaService own = StorachaService.start(); Bridge bridge = Bridge.start(tmp)) {
      bridge.init(own);
      bridge.ok("add", "path", file("before", bytes(1000, 3)));
      own.revoke();
      JsonNode add = bridge.call(bridge.request("add").put("path", file("after", bytes(1000, 4))));
      assertEquals("permanent", add.get("kind").asString(), add.toString());
      assertEquals("Unauthorized", add.get("code").asString(), add.toString());
      JsonNode list = bridge.call(bridge.request("list"));
      assertEquals("permanent", list.get("kind").asString(), list.toString());
      assertEquals(1, own.uploads().size(), "only the upload made before the revocation");
      bridge.assertLogHasNoSecret(own);
    }
  }

  @Test
  void operations_service5xxOrReceiptNeverArrives_transientThenWork() throws Exception {
    try (StorachaService own = StorachaService.start(); Bridge bridge = Bridge.start(tmp)) {
      bridge.init(own);
      own.failNext(503, 1);
      JsonNode health = bridge.call(bridge.request("health"));
      assertEquals("transient", health.get("kind").asString(), health.toString());
      assertEquals("HTTP503", health.get("code").asString(), health.toString());
      assertTrue(bridge.ok("health").get("ok").asBoolean(), "the next call goes through");

      own.withholdReceipts(1000); // the client polls a few times with backoff, then gives up
      JsonNode add = bridge.call(bridge.request("add").put("path", file("late", bytes(2000, 8))));
      assertEquals("transient", add.get("kind").asString(), add.toString());
      assertEquals("ReceiptTimeout", add.get("code").asString(), add.toString());
      own.withholdReceipts(0);
      JsonNode again = bridge.ok("add", "path", file("late", bytes(2000, 8)));
      assertEquals(List.of(root(again)), own.uploads(), "the retried add is listed once");
      bridge.assertLogHasNoSecret(own);
    }
  }

  @Test
  void operations_serviceStoppedThenRestartedOnSamePortAndState_transientThenWorkWithSameProof() throws Exception {
    Path state = tmp.resolve("state");
    int port = ChildProcess.freePort();
    StorachaService first = StorachaService.start(port, state);
    try (Bridge bridge = Bridge.start(tmp)) {
      try {
        bridge.init(first);
        bridge.ok("add", "path", file("one", bytes(5000, 5)));
      } finally {
        first.close();
      }
      JsonNode health = bridge.call(bridge.request("health"));
      assertEquals("transient", health.get("kind").asString(), health.toString());
      assertEquals("ECONNREFUSED", health.get("code").asString(), health.toString());
      JsonNode add = bridge.call(bridge.request("add").put("path", file("two", bytes(6000, 6))));
      assertEquals("transient", add.get("kind").asString(), add.toString());

      try (StorachaService again = StorachaService.start(port, state)) {
        assertEquals(first.serviceDid(), again.serviceDid());
        assertEquals(first.space(), again.space());
        assertEquals(first.proof(), again.proof());
        assertEquals(first.agentKey(), again.agentKey());
        assertTrue(bridge.ok("health").get("ok").asBoolean());
        JsonNode added = bridge.ok("add", "path", file("three", bytes(7000, 7)));
        assertEquals(List.of(root(added)), again.uploads(), "the restarted service's stores start empty");
        bridge.assertLogHasNoSecret(again);
      }
    }
  }

  @Test
  void init_invalidKeyOrProof_permanentWithoutEchoingThem() throws Exception {
    String badKey = "MgNOTAKEY" + "x".repeat(40) + "SENTINELKEY";
    String badProof = "mAYIEAnotaproof" + "y".repeat(40) + "SENTINELPROOF";
    try (Bridge bridge = Bridge.start(tmp)) {
      JsonNode answer = bridge.call(bridge.initRequest(service).put("key", badKey));
      assertEquals("permanent", answer.get("kind").asString(), answer.toString());
      assertEquals("InvalidKey", answer.get("code").asString());
      assertFalse(answer.toString().contains("SENTINELKEY") || answer.toString().contains("xxxxxxxxxxxxxxxx"), answer.toString());
      JsonNode later = bridge.call(bridge.request("health"));
      assertEquals("permanent", later.get("kind").asString(), "a failed init fails what follows: " + later);
      assertTrue(bridge.stderr().indexOf("SENTINELKEY") < 0);
    }
    try (Bridge bridge = Bridge.start(tmp)) {
      JsonNode answer = bridge.call(bridge.initRequest(service).put("proof", badProof));
      assertEquals("permanent", answer.get("kind").asString(), answer.toString());
      assertEquals("InvalidProof", answer.get("code").asString());
      assertFalse(answer.toString().contains("SENTINELPROOF") || answer.toString().contains("yyyyyyyyyyyyyyyy"), answer.toString());
      assertTrue(bridge.stderr().indexOf("SENTINELPROOF") < 0);
      bridge.assertLogHasNoSecret(service);
    }
    try (StorachaService other = StorachaService.start(); Bridge bridge = Bridge.start(tmp)) {
      // a valid proof, but delegated to another agent than the key's
      JsonNode answer = bridge.call(bridge.initRequest(service).put("proof", other.proof()));
      assertEquals("permanent", answer.get("kind").asString(), answer.toString());
      assertEquals("ProofAudienceMismatch", answer.get("code").asString(), answer.toString());
      assertFalse(answer.toString().contains(other.proof()));
    }
  }

  @Test
  void requests_malformedOrBeforeInit_invalid() throws Exception {
    try (Bridge bridge = Bridge.start(tmp)) {
      assertEquals("invalid", bridge.call(bridge.request("list")).get("kind").asString(), "list before init");
      bridge.init(service);
      JsonNode unknown = bridge.call(bridge.request("pin"));
      assertEquals("invalid", unknown.get("kind").asString());
      assertEquals("UnknownOp", unknown.get("code").asString());
      assertEquals("invalid", bridge.call(bridge.request("add").put("path", "relative/file")).get("kind").asString());
      assertEquals("invalid", bridge.call(bridge.request("add").put("path", tmp.resolve("missing").toString())).get("kind").asString());
      assertEquals("invalid", bridge.call(bridge.request("add").put("path", tmp.toString())).get("kind").asString(), "a directory");
      assertEquals("invalid", bridge.call(bridge.request("remove").put("root", "not-a-cid")).get("kind").asString());
      assertEquals("invalid", bridge.call(bridge.request("list").put("size", 0)).get("kind").asString());
      ObjectNode noSpace = bridge.initRequest(service);
      noSpace.remove("space");
      assertEquals("invalid", bridge.call(noSpace).get("kind").asString());
      assertTrue(bridge.ok("health").get("ok").asBoolean(), "still serving after bad requests");
      assertTrue(bridge.ok("shutdown").get("ok").asBoolean());
      assertTrue(bridge.process.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, bridge.process.exitValue());
    }
  }

  // ---- helpers ----

  private String file(String name, byte[] data) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, data);
    return p.toAbsolutePath().toString();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String root(JsonNode answer) {
    return answer.get("root").asString();
  }

  private static Map<String, JsonNode> byRoot(JsonNode results) {
    Map<String, JsonNode> m = new java.util.HashMap<>();
    results.forEach(r -> m.put(r.get("root").asString(), r));
    return m;
  }

  private static HttpResponse<byte[]> get(String root) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(service.gateway() + "/ipfs/" + root)).timeout(Duration.ofSeconds(60))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** {@code node bridge.mjs} with its package installed like the backend does; stdout read by a thread into futures by id. */
  static final class Bridge implements AutoCloseable {
    final Process process;
    private final Path stderr;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final OutputStream stdin;

    private Bridge(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.stdin = process.getOutputStream();
      Thread reader = new Thread(this::read, "bridge-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static Bridge start(Path tmp) throws Exception {
      Path dir = NodeScripts.installedFolder(
          Path.of("../core/src/main/resources/io/ipfskit/core/storage/storacha/bridge").toAbsolutePath().normalize());
      Path err = Files.createTempFile(tmp, "bridge", ".stderr");
      Process p = new ProcessBuilder("node", dir.resolve("bridge.mjs").toString()).directory(dir.toFile())
          .redirectError(err.toFile()).start();
      Bridge b = new Bridge(p, err);
      JsonNode hello = b.ready.get(60, TimeUnit.SECONDS);
      assertEquals(1, hello.get("bridge").asInt(), hello.toString());
      assertTrue(hello.get("client").asString().matches("\\d+\\.\\d+\\.\\d+"), hello.toString());
      return b;
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          JsonNode n = JSON.readTree(line);
          if (n.has("ready")) ready.complete(n);
          else if (n.hasNonNull("id")) {
            CompletableFuture<JsonNode> f = pending.remove(n.get("id").asLong());
            if (f != null) f.complete(n);
          } else {
            ready.completeExceptionally(new AssertionError("an answer without id: " + line));
          }
        }
      } catch (IOException | RuntimeException e) {
        ready.completeExceptionally(e);
      }
      pending.values().forEach(f -> f.completeExceptionally(new AssertionError("the bridge closed stdout")));
    }

    ObjectNode request(String op) {
      return JSON.createObjectNode().put("id", ids.incrementAndGet()).put("op", op);
    }

    ObjectNode initRequest(StorachaService s) {
      return request("init").put("endpoint", s.url()).put("serviceDid", s.serviceDid()).put("space", s.space())
          .put("key", s.agentKey()).put("proof", s.proof());
    }

    synchronized CompletableFuture<JsonNode> send(ObjectNode req) throws IOException {
      CompletableFuture<JsonNode> f = new CompletableFuture<>();
      pending.put(req.get("id").asLong(), f);
      stdin.write((req.toString() + "\n").getBytes(UTF_8));
      stdin.flush();
      return f;
    }

    JsonNode await(CompletableFuture<JsonNode> f) throws Exception {
      return f.get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
    }

    JsonNode call(ObjectNode req) throws Exception {
      JsonNode answer = await(send(req));
      assertEquals(req.get("id").asLong(), answer.get("id").asLong());
      return answer;
    }

    JsonNode ok(String op, Object... fields) throws Exception {
      ObjectNode req = request(op);
      for (int i = 0; i < fields.length; i += 2) {
        if (fields[i + 1] instanceof Integer n) req.put((String) fields[i], n);
        else req.put((String) fields[i], String.valueOf(fields[i + 1]));
      }
      JsonNode answer = call(req);
      if (!answer.get("ok").asBoolean()) throw new AssertionError(op + " failed: " + answer + "\nbridge stderr: " + tail(stderr()));
      return answer;
    }

    void init(StorachaService s) throws Exception {
      JsonNode answer = call(initRequest(s));
      assertTrue(answer.get("ok").asBoolean(), "init failed: " + answer);
      assertEquals(s.space(), answer.get("space").asString());
      assertTrue(answer.get("agent").asString().startsWith("did:key:z6Mk"), answer.toString());
    }

    private static String tail(String s) {
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    String stderr() throws IOException {
      return Files.readString(stderr, UTF_8);
    }

    void assertLogHasNoSecret(StorachaService s) throws IOException {
      String log = stderr();
      assertFalse(log.contains(s.agentKey()), "the bridge logged the key");
      assertFalse(log.contains(s.proof()), "the bridge logged the proof");
    }

    @Override
    public void close() {
      try {
        stdin.close(); // EOF: the bridge exits 0
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
