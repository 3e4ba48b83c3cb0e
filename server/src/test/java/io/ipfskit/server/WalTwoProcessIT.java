package io.ipfskit.server;

import static io.ipfskit.server.WalToolsIT.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two real {@code ipfs-kit serve} processes on one IPFS_KIT_HOME, as when two agent hosts each
 * spawn a server: the first owns the WAL, the second forwards to it over the home's Unix socket,
 * and takes over when the first is killed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WalTwoProcessIT {
  @TempDir Path dir;

  private static JsonNode ok(StdioClient c, String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = c.callTool(tool, arguments);
    assertFalse(result.path("isError").asBoolean(), tool + " failed: " + result);
    return result.get("structuredContent");
  }

  @Test
  void twoServersOneHome_addThroughSecond_completesAndBothSeeIt_thenSecondTakesOverWhenFirstIsKilled() throws Exception {
    Path home = dir.resolve("home");
    try (StdioClient a = StdioClient.start(home, dir.resolve("a.stderr.log"), Map.of())) {
      a.initialize();
      ok(a, "wal_status", Map.of());  // a owns the log from here on
      try (StdioClient b = StdioClient.start(home, dir.resolve("b.stderr.log"), Map.of())) {
        b.initialize();

        String id = ok(b, "wal_add_operation", args("operation_type", "add", "params", Map.of("content", "via b")))
            .path("operation_id").asString();
        JsonNode viaA = ok(a, "wal_wait_for_operation", args("operation_id", id, "timeout", 30));
        JsonNode viaB = ok(b, "wal_wait_for_operation", args("operation_id", id, "timeout", 30));
        assertEquals("completed", viaA.path("status").asString(), viaA.toString());
        String cid = viaA.path("operation").path("result").path("cid").asString();
        assertTrue(cid.startsWith("bafkrei"), cid);
        assertEquals(cid, viaB.path("operation").path("result").path("cid").asString());
        assertTrue(a.stderr().contains("now owns the WAL"), "a owned the log:\n" + a.stderr());
        assertFalse(b.stderr().contains("now owns the WAL"), "b forwarded instead of owning:\n" + b.stderr());

        a.kill();  // SIGKILL: no clean shutdown, a stale socket file stays behind

        JsonNode status = ok(b, "wal_status", Map.of());
        assertTrue(status.path("total").asLong() >= 1, "b sees the history a wrote: " + status);
        String second = ok(b, "wal_add_operation", args("operation_type", "add", "params", Map.of("content", "after takeover")))
            .path("operation_id").asString();
        JsonNode done = ok(b, "wal_wait_for_operation", args("operation_id", second, "timeout", 30));
        assertEquals("completed", done.path("status").asString(), done.toString());
        assertTrue(b.stderr().contains("now owns the WAL"), "b took over:\n" + b.stderr());
        assertEquals(cid, ok(b, "wal_get_operation", args("operation_id", id)).path("operation").path("result").path("cid").asString());
      }
    }
    assertTrue(Files.notExists(home.resolve("run/wal.sock")), "the last owner removed its socket on exit");
  }
}
