package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The breaker tools against the packaged server over stdio, with the real local backend: an
 * operator forcing the local breaker open makes a queued add wait (pending, no retry spent, the
 * refusal recorded as its last error) instead of failing; after a reset the same operation
 * completes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakerControlIT {
  @TempDir Path dir;

  private static JsonNode ok(StdioClient client, String tool, Map<String, Object> arguments) throws Exception {
    JsonNode result = client.callTool(tool, arguments);
    assertFalse(result.path("isError").asBoolean(), tool + " failed: " + result);
    return result.get("structuredContent");
  }

  @Test
  void forceOpenLocal_queuedAddWaitsWithoutSpendingRetries_resetLetsItComplete() throws Exception {
    try (StdioClient client = StdioClient.start(dir.resolve("home"), Map.of())) {
      client.initialize();
      JsonNode opened = ok(client, "circuit_breaker_control", Map.of("action", "force_open", "breaker", "local"));
      assertEquals("forced_open", opened.path("breaker").path("state").asString(), opened.toString());

      String id = ok(client, "wal_add_operation", Map.of("operation_type", "add",
          "params", Map.of("content", "held back by an open breaker"))).path("operation_id").asString();

      // Bounded polling of the real server's state: the dispatcher has tried once and been refused.
      JsonNode op = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        // A short wait paces the polling (it returns the unfinished operation when it times out).
        op = ok(client, "wal_wait_for_operation", Map.of("operation_id", id, "timeout", 0.5)).path("operation");
        if (op.has("error")) break;
      }
      assertTrue(op != null && op.has("error"), "the dispatcher never tried the operation: " + op);
      assertEquals("pending", op.path("status").asString(), op.toString());
      assertEquals(0, op.path("retry_count").asInt(), "waiting on an open breaker spends no retry: " + op);
      assertTrue(op.path("error").asString().contains("local"), op.toString());

      JsonNode local = ok(client, "circuit_breaker_status", Map.of("breaker", "local")).path("breakers").get(0);
      assertEquals("forced_open", local.path("state").asString());
      assertTrue(local.path("not_permitted_calls").asLong() >= 1, local.toString());

      JsonNode reset = ok(client, "circuit_breaker_control", Map.of("action", "reset", "breaker", "local"));
      assertEquals("closed", reset.path("breaker").path("state").asString());

      JsonNode done = ok(client, "wal_wait_for_operation", Map.of("operation_id", id, "timeout", 60));
      assertTrue(done.path("completed").asBoolean(), done.toString());
      assertEquals(0, done.path("operation").path("retry_count").asInt(), done.toString());
      assertTrue(done.path("operation").path("result").path("cid").asString().startsWith("b"), done.toString());
    }
  }
}
