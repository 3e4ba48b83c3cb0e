package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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

/** The WAL tools end to end over stdio against the packaged jar, with the embedded local backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WalToolsIT {
  @TempDir static Path dir;
  private StdioClient client;

  @BeforeAll
  void start() throws Exception {
    // The get below writes into dir/out: the one folder the tools may use.
    client = StdioClient.start(dir.resolve("home"),
        Map.of("IPFS_KIT_ALLOWED_ROOTS", Files.createDirectories(dir.resolve("out")).toString()));
    client.initialize();
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
  }

  static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private JsonNode ok(String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = client.callTool(tool, arguments);
    assertFalse(result.path("isError").asBoolean(), tool + " failed: " + result);
    return result.get("structuredContent");
  }

  private String error(String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = client.callTool(tool, arguments);
    assertTrue(result.path("isError").asBoolean(), tool + " should have failed: " + result);
    return result.path("content").get(0).path("text").asString();
  }

  /** CIDv1, raw codec, sha2-256, base32: what `ipfs add --cid-version=1 --raw-leaves` gives a one-chunk file. */
  static String rawLeafCid(byte[] content) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
    byte[] cid = new byte[4 + digest.length];
    cid[0] = 0x01;
    cid[1] = 0x55;
    cid[2] = 0x12;
    cid[3] = 0x20;
    System.arraycopy(digest, 0, cid, 4, digest.length);
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder("b");
    int buffer = 0;
    int bits = 0;
    for (byte b : cid) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    return sb.toString();
  }

  @Test
  void toolsList_walTools_haveSchemasTitlesAndAnnotations() throws Exception {
    JsonNode tools = client.request("tools/list", Map.of()).path("result").path("tools");
    List<String> expected = List.of("wal_add_operation", "wal_status", "wal_list_operations", "wal_get_operation",
        "wal_wait_for_operation", "wal_retry_operation", "wal_cancel_operation", "wal_cleanup", "wal_metrics",
        "wal_config", "wal_health");
    for (String name : expected) {
      JsonNode tool = null;
      for (JsonNode t : tools) if (t.path("name").asString().equals(name)) tool = t;
      assertTrue(tool != null, name + " missing from tools/list");
      assertFalse(tool.path("inputSchema").path("additionalProperties").asBoolean(true),
          name + " input must reject unknown arguments");
      assertTrue(tool.path("outputSchema").isObject(), name + " has an output schema");
      assertFalse(tool.path("title").asString("").isEmpty(), name + " has a title");
      assertTrue(tool.path("annotations").has("readOnlyHint"), name + " has annotations");
    }
  }

  @Test
  void addContent_waitThenGet_completesWithRawLeafCidAndWritesSameBytes() throws Exception {
    byte[] content = "hello from the write-ahead log".getBytes(StandardCharsets.UTF_8);
    JsonNode added = ok("wal_add_operation", args("operation_type", "add",
        "params", Map.of("content", new String(content, StandardCharsets.UTF_8))));
    String id = added.path("operation_id").asString();
    assertEquals(id, added.path("operation").path("operation_id").asString());
    assertEquals("local", added.path("operation").path("backend").asString(), "backend defaults to local");
    assertEquals(5, added.path("operation").path("priority").asInt(), "priority defaults to 5");

    JsonNode done = ok("wal_wait_for_operation", args("operation_id", id, "timeout", 30));
    assertTrue(done.path("completed").asBoolean(), done.toString());
    assertEquals("completed", done.path("status").asString());
    JsonNode result = done.path("operation").path("result");
    assertEquals(rawLeafCid(content), result.path("cid").asString());
    assertEquals(content.length, result.path("size").asLong());

    Path dest = dir.resolve("out/copy.txt");
    Files.createDirectories(dest.getParent());
    String getId = ok("wal_add_operation", args("operation_type", "get",
        "params", Map.of("cid", result.path("cid").asString(), "destination", dest.toString()), "priority", 9))
        .path("operation_id").asString();
    JsonNode got = ok("wal_wait_for_operation", args("operation_id", getId, "timeout", 30));
    assertEquals("completed", got.path("status").asString(), got.toString());
    assertArrayEquals(content, Files.readAllBytes(dest));
    assertEquals(dest.toString(), got.path("operation").path("result").path("destination").asString());

    JsonNode listed = ok("wal_list_operations", args("status", "completed", "limit", 10));
    assertTrue(listed.path("count").asInt() >= 2, listed.toString());
    JsonNode shown = ok("wal_get_operation", args("operation_id", id));
    assertEquals("add", shown.path("operation").path("operation_type").asString());
    assertEquals(new String(content, StandardCharsets.UTF_8), shown.path("operation").path("parameters").path("content").asString());
    JsonNode status = ok("wal_status", Map.of());
    assertTrue(status.path("total").asLong() >= 2, status.toString());
  }

  @Test
  void getOperation_unknownId_isErrorNamingTheIdAndTheFix() throws Exception {
    assertEquals("no operation with operation_id 'no-such-operation'; list known ids with wal_list_operations",
        error("wal_get_operation", args("operation_id", "no-such-operation")));
  }

  @Test
  void waitForOperation_unknownId_isError() throws Exception {
    assertTrue(error("wal_wait_for_operation", args("operation_id", "missing", "timeout", 1)).contains("'missing'"));
  }

  @Test
  void addOperation_badOperationType_isErrorAndServerKeepsServing() throws Exception {
    String message = error("wal_add_operation", args("operation_type", "teleport"));
    assertTrue(message.contains("operation_type"), message);
    assertTrue(client.isAlive());
    ok("wal_status", Map.of());
  }

  @Test
  void addOperation_getWithoutCid_isErrorNamingParamsCid() throws Exception {
    String message = error("wal_add_operation", args("operation_type", "get", "params", Map.of()));
    assertEquals("invalid argument: params.cid is required for operation_type 'get'", message);
  }

  @Test
  void addOperation_unconfiguredBackend_isErrorNamingBackend() throws Exception {
    long before = ok("wal_status", Map.of()).path("total").asLong();
    String message = error("wal_add_operation", args("operation_type", "pin", "backend", "s3",
        "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")));
    assertTrue(message.contains("s3"), message);
    assertEquals(before, ok("wal_status", Map.of()).path("total").asLong(), "nothing was added");
  }

  @Test
  void retryOperation_completedOperation_isErrorSayingWhy() throws Exception {
    String id = ok("wal_add_operation", args("operation_type", "add", "params", Map.of("content", "retry me")))
        .path("operation_id").asString();
    ok("wal_wait_for_operation", args("operation_id", id, "timeout", 30));
    String message = error("wal_retry_operation", args("operation_id", id));
    assertTrue(message.contains("completed"), message);
  }

  @Test
  void config_setLiveKey_changesAndReportsIt() throws Exception {
    JsonNode changed = ok("wal_config", args("set", Map.of("max_retries", 7)));
    assertEquals("7", changed.path("config").path("max_retries").asString());
    assertEquals("max_retries", changed.path("changed").get(0).asString());
    String message = error("wal_config", args("set", Map.of("fsync_mode", "periodic")));
    assertTrue(message.contains("fsync_mode"), message);
  }

  @Test
  void metricsAndHealth_afterWork_reportLocalBackend() throws Exception {
    JsonNode health = ok("wal_health", Map.of());
    assertFalse(health.path("failed_closed").asBoolean());
    assertEquals("local", health.path("backends").get(0).path("backend").asString());
    JsonNode metrics = ok("wal_metrics", Map.of());
    assertTrue(metrics.path("backends").isArray());
  }

  @Test
  void listOperations_misspelledFilter_isErrorNotTheUnfilteredList() throws Exception {
    Map<String, Object> a = new java.util.LinkedHashMap<>();
    a.put("statuss", "failed");
    a.put("bogus", 1);
    assertEquals("invalid argument: statuss is not an argument of wal_list_operations; it accepts status, backend, operation_type, limit, offset",
        error("wal_list_operations", a));
  }

  @Test
  void addOperation_hugeContentObjectOrUnknownParamsKey_isErrorWithoutEchoAndNothingStored() throws Exception {
    int before = ok("wal_status", Map.of()).path("total").asInt();
    String marker = "Q".repeat(100_000);
    String big = error("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", Map.of("x", marker))));
    assertEquals("invalid argument: params.content must be a string, but was an object", big);
    String extra = error("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", "x", "owner", "me")));
    assertEquals("invalid argument: params.owner is not an argument of operation_type add; it accepts content, path", extra);
    assertEquals(before, ok("wal_status", Map.of()).path("total").asInt(), "nothing was stored");
  }

  @Test
  void addOperation_typeThatDoesNotRun_refusedAtQueueTime() throws Exception {
    assertEquals("invalid argument: operation_type must be one of add, get, pin, unpin, rm, cat",
        error("wal_add_operation", Map.of("operation_type", "copy", "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"))));
  }

  @Test
  void addOperation_pathOutsideTheAllowedRoots_isErrorAndAnAuditLineOnStderr() throws Exception {
    Path secret = Files.writeString(dir.resolve("not-allowed.txt"), "SECRET-BYTES");
    String text = error("wal_add_operation", args("operation_type", "add", "params", Map.of("path", secret.toString())));
    assertTrue(text.startsWith("invalid argument: params.path refused: its real location"), text);
    assertFalse(text.contains("SECRET-BYTES"), text);
    Path stderr = dir.resolve("home.stderr.log");
    String expected = "file access refused: argument=params.path rule=OUTSIDE_ROOTS path=\"" + secret + "\"";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.readString(stderr).contains(expected) && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    String log = Files.readString(stderr);
    assertTrue(log.contains(expected), log);
    assertTrue(log.lines().filter(l -> l.contains(expected)).allMatch(l -> l.contains("WARN")), log);
    assertFalse(log.contains("SECRET-BYTES"), "file content never reaches the log");
  }
}
