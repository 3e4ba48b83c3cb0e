package io.ipfskit.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.ContentCid;
import io.ipfskit.server.testing.S3ProxyServer;
import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The {@code s3} backend through the MCP server (the packaged jar over stdio) against a real S3Proxy:
 * the secret key is stored with the CLI ({@code ipfs-kit secrets store}) and referenced by id in the
 * environment, as README tells an operator to do. The outage test restarts S3Proxy, which loses its
 * objects, so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class S3ServerIT {
  @TempDir static Path dir;
  private S3ProxyServer s3;
  private StdioClient client;
  private Path files;

  @BeforeAll
  void start() throws Exception {
    s3 = S3ProxyServer.start(dir.resolve("s3proxy"), "ipfs-kit-server-it");
    files = Files.createDirectories(dir.resolve("files"));
    Path home = dir.resolve("home");
    client = StdioClient.start(home, env(home, S3ProxyServer.SECRET_KEY));
    client.initialize();
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) client.close();
    if (s3 != null) s3.close();
  }

  /** The server's environment for {@code home}, after storing {@code secretKey} in its vault with the CLI. */
  private Map<String, String> env(Path home, String secretKey) throws Exception {
    String secretId = storeSecret(home, secretKey);
    Map<String, String> env = new HashMap<>();
    env.put("IPFS_KIT_S3_ENDPOINT", s3.endpoint().toString());
    env.put("IPFS_KIT_S3_BUCKET", s3.bucket());
    env.put("IPFS_KIT_S3_PREFIX", "kit/");
    env.put("IPFS_KIT_S3_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY_ID);
    env.put("IPFS_KIT_S3_SECRET_KEY_REF", secretId);
    env.put("IPFS_KIT_WAL_RETRY_DELAY", "0.5");
    env.put("IPFS_KIT_ALLOWED_ROOTS", files.toString());
    return env;
  }

  /** {@code ipfs-kit secrets store --service s3}, the value on stdin; returns the printed secret_id. */
  static String storeSecret(Path home, String value) throws Exception {
    return storeSecret(home, "s3", "api_key", value);
  }

  /**
   * {@code ipfs-kit secrets store --service <service> --type <type>}, the value on stdin, as README tells an
   * operator; returns the printed secret_id. The output goes to a file next to {@code home}.
   */
  static String storeSecret(Path home, String service, String type, String value) throws Exception {
    ProcessBuilder b = new ProcessBuilder(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString(),
        "secrets", "store", "--service", service, "--type", type);
    b.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    b.environment().put("IPFS_KIT_HOME", home.toString());
    Path out = Files.createTempFile(home.toAbsolutePath().getParent(), "store", ".out");
    b.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = b.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write((value + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "secrets store finished");
    assertEquals(0, p.exitValue(), "secrets store exit code");
    String id = Files.readString(out).strip();
    assertTrue(id.matches("[0-9a-f]{16}"), id);
    return id;
  }

  static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  static JsonNode ok(StdioClient c, String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = c.callTool(tool, arguments);
    assertFalse(result.path("isError").asBoolean(), tool + " failed: " + result);
    return result.get("structuredContent");
  }

  static String addS3(StdioClient c, Map<String, Object> params) throws Exception {
    return ok(c, "wal_add_operation", args("operation_type", "add", "backend", "s3", "params", params))
        .path("operation_id").asString();
  }

  /**
   * Waits until the operation is finished, in {@code minutes} × 3 calls of {@code wal_wait_for_operation}
   * of 20 s each (below the client's 30 s answer timeout); returns it.
   */
  static JsonNode awaitFinished(StdioClient c, String id, int minutes) throws Exception {
    JsonNode done = null;
    for (int i = 0; i < minutes * 3; i++) {
      done = ok(c, "wal_wait_for_operation", args("operation_id", id, "timeout", 20));
      if (done.path("finished").asBoolean()) return done.path("operation");
    }
    throw new AssertionError("operation " + id + " not finished: " + done);
  }

  @Test
  @Order(1)
  void walAdd_s3Backend_completesWithCidAndObjectKeyAnIndependentClientReads() throws Exception {
    String text = "hello S3 from the write-ahead log";
    JsonNode op = awaitFinished(client, addS3(client, Map.of("content", text)), 1);

    assertEquals("completed", op.path("status").asString(), op.toString());
    String cid = op.path("result").path("cid").asString();
    assertEquals(ContentCid.of(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).cid(), cid);
    assertEquals("kit/" + cid, op.path("result").path("location").asString(), "the object key");
    byte[] read = s3.client().getObjectAsBytes(r -> r.bucket(s3.bucket()).key("kit/" + cid)).asByteArray();
    assertEquals(text, new String(read, StandardCharsets.UTF_8));
  }

  @Test
  @Order(2)
  void walAdd_sameFileOnLocalAndS3_givesTheSameCid() throws Exception {
    Path file = files.resolve("three-chunks.bin");
    byte[] content = new byte[3 * 262_144 + 5];
    new Random(3).nextBytes(content);
    Files.write(file, content);
    JsonNode onS3 = awaitFinished(client, addS3(client, Map.of("path", file.toString())), 1);
    JsonNode onLocal = awaitFinished(client, ok(client, "wal_add_operation", args("operation_type", "add", "backend",
        "local", "params", Map.of("path", file.toString()))).path("operation_id").asString(), 1);
    assertEquals("completed", onS3.path("status").asString(), onS3.toString());
    assertEquals(onLocal.path("result").path("cid").asString(), onS3.path("result").path("cid").asString());
    byte[] read = s3.client().getObjectAsBytes(r -> r.bucket(s3.bucket())
        .key(onS3.path("result").path("location").asString())).asByteArray();
    assertArrayEquals(content, read);
  }

  @Test
  @Order(3)
  void walAdd_wrongSecretInVault_failsAtOnceNamingBucketWithoutSecret() throws Exception {
    String wrong = "this-is-the-wrong-secret-key-000000000";
    Path home = dir.resolve("home-wrong");
    try (StdioClient other = StdioClient.start(home, env(home, wrong))) {
      other.initialize();
      JsonNode op = awaitFinished(other, addS3(other, Map.of("content", "never stored")), 1);
      assertEquals("failed", op.path("status").asString(), op.toString());
      assertEquals(0, op.path("retry_count").asInt(), "a permanent error burns no retry");
      String error = op.path("error").asString();
      assertTrue(error.contains("s3 bucket '" + s3.bucket() + "'"), error);
      assertTrue(error.contains("SignatureDoesNotMatch"), error);
      assertFalse(error.contains(wrong), error);
      assertFalse(other.stderr().contains(wrong), "no secret in the server log");
    }
  }

  @Test
  @Order(4)
  void walAdd_200MiBFileWithServerHeapOf128MiB_completes() throws Exception {
    Path big = files.resolve("big.bin");
    long size = 200L * 1024 * 1024;
    byte[] mib = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < 200; i++) {
        new Random(i).nextBytes(mib);
        out.write(mib);
      }
    }
    String cid;
    try (InputStream in = Files.newInputStream(big)) {
      cid = ContentCid.of(in).cid();
    }
    Path home = dir.resolve("home-small-heap");
    Map<String, String> env = env(home, S3ProxyServer.SECRET_KEY);
    env.put("IPFS_KIT_HOME", home.toString());
    try (StdioClient small = StdioClient.startCommand(List.of(StdioClient.javaExecutable(), "-Xmx128m", "-jar",
        StdioClient.jar().toString(), "serve"), dir, env, dir.resolve("small-heap.stderr.log"))) {
      small.initialize();
      JsonNode op = awaitFinished(small, addS3(small, Map.of("path", big.toString())), 8);
      assertEquals("completed", op.path("status").asString(), op.toString());
      assertEquals(cid, op.path("result").path("cid").asString());
      assertEquals(size, op.path("result").path("size").asLong());
      assertTrue(small.isAlive(), "the server survived");
      assertFalse(small.stderr().contains("OutOfMemoryError"), small.stderr());
    }
    assertEquals(size, s3.client().headObject(r -> r.bucket(s3.bucket()).key("kit/" + cid)).contentLength());
    Files.delete(big);
  }

  @Test
  @Order(5)
  void walAdd_backendDownWhileQueued_waitsThenEveryOperationCompletesOnceWhenItIsBack() throws Exception {
    s3.stop();
    List<String> ids = new ArrayList<>();
    Set<String> expectedKeys = new TreeSet<>();
    for (int i = 0; i < 12; i++) {
      String text = "queued while S3 is down #" + i;
      ids.add(addS3(client, Map.of("content", text)));
      expectedKeys.add("kit/" + ContentCid.of(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).cid());
    }
    // The failures (or a failed probe) make the s3 backend unhealthy and its queue pauses: the operations
    // tried before wait for it, told it is unreachable; the rest are not even tried (before the health
    // monitor every one was tried); none fails, none spends a retry.
    for (int round = 0; !"unhealthy".equals(ok(client, "backend_health", args("backend", "s3")).path("backends").get(0)
        .path("state").asString()); round++) {
      assertTrue(round < 600, "the stopped S3 server never made the s3 backend unhealthy");
      TimeUnit.MILLISECONDS.sleep(100); // polling the server's real state, bounded
    }
    for (String id : ids) {
      JsonNode op = null;
      for (int round = 0; round < 600; round++) {
        op = ok(client, "wal_get_operation", args("operation_id", id)).path("operation");
        if (!"processing".equals(op.path("status").asString())) break;
        TimeUnit.MILLISECONDS.sleep(100); // polling the server's real state, bounded
      }
      String error = op.path("error").asString("");
      assertTrue(error.isEmpty() || error.contains("cannot connect"), op.toString());
      assertTrue(Set.of("pending", "retrying").contains(op.path("status").asString()), op.toString());
      assertEquals(0, op.path("retry_count").asInt(), "waiting for a backend spends no retry: " + op);
    }

    s3.start(); // same port, empty bucket
    for (String id : ids) {
      JsonNode op = awaitFinished(client, id, 1);
      assertEquals("completed", op.path("status").asString(), op.toString());
      assertEquals(0, op.path("retry_count").asInt(), op.toString());
    }
    assertEquals(expectedKeys, new TreeSet<>(s3.keys()), "each queued add landed, once, under its CID");
    JsonNode completed = ok(client, "wal_list_operations", args("status", "completed", "backend", "s3", "limit", 100));
    long queuedAndCompleted = 0;
    for (JsonNode o : completed.path("operations")) if (ids.contains(o.path("operation_id").asString())) queuedAndCompleted++;
    assertEquals(ids.size(), queuedAndCompleted, "every operation completed exactly once");
  }
}
