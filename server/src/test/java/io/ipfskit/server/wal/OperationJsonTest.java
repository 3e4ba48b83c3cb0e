package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.wal.FsyncMode;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationResult;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class OperationJsonTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void operation_completedAdd_referenceFieldNamesAndValues() {
    ObjectNode params = OperationJson.MAPPER.createObjectNode();
    params.put("content", "hello");
    params.putObject("nested").put("n", 3);
    Operation op = new Operation("op-1", OperationType.ADD, "local", params, OperationStatus.COMPLETED, 7, T0,
        T0.plusSeconds(2), T0.plusSeconds(2), new OperationResult("bafkreiabc", 5L, null), null, null, 1, 5, null);

    ObjectNode json = OperationJson.operation(op);

    assertEquals(List.of("operation_id", "operation_type", "backend", "parameters", "status", "priority", "timestamp",
        "updated_at", "completed_at", "result", "retry_count", "max_retries"),
        new ArrayList<>(json.propertyNames()), "absent values are absent keys, never null");
    assertEquals("op-1", json.get("operation_id").asString());
    assertEquals("add", json.get("operation_type").asString());
    assertEquals("completed", json.get("status").asString());
    assertEquals(3, json.get("parameters").get("nested").get("n").asInt(), "parameters keep their JSON values");
    assertEquals("2026-11-22T10:00:02Z", json.get("completed_at").asString());
    assertEquals("bafkreiabc", json.get("result").get("cid").asString());
    assertEquals(5, json.get("result").get("size").asLong());
    assertFalse(json.get("result").has("destination"));
    assertFalse(json.has("error"));
    assertFalse(json.has("next_retry_at"));
    assertEquals(op, OperationJson.readOperation(json), "the owner socket reads back what it wrote");
    assertEquals(1, json.get("retry_count").asInt());
  }

  @Test
  void operation_addOnIpfs_resultCarriesLocationAndPinnedAndReadsBack() {
    ObjectNode params = OperationJson.MAPPER.createObjectNode().put("content", "hello");
    Operation op = new Operation("op-3", OperationType.ADD, "ipfs", params, OperationStatus.COMPLETED, 5, T0, T0, T0,
        new OperationResult("bafkreiabc", 5L, null, "http://127.0.0.1:5001", true), null, null, 0, 5, null);
    ObjectNode json = OperationJson.operation(op);
    assertEquals(List.of("cid", "size", "location", "pinned"), new ArrayList<>(json.get("result").propertyNames()));
    assertEquals("http://127.0.0.1:5001", json.get("result").get("location").asString());
    assertTrue(json.get("result").get("pinned").asBoolean());
    assertEquals(op, OperationJson.readOperation(json), "the owner socket reads back what it wrote");
  }

  @Test
  void operation_retrying_resultAndCompletionAbsent() {
    ObjectNode params = OperationJson.MAPPER.createObjectNode().put("cid", "bafkreiabc");
    Operation op = new Operation("op-2", OperationType.PIN, "local", params, OperationStatus.RETRYING, 5, T0, T0,
        null, null, "connection refused", "BackendUnavailable", 2, 5, T0.plusSeconds(60));
    ObjectNode json = OperationJson.operation(op);
    assertFalse(json.has("result"));
    assertFalse(json.has("completed_at"));
    assertEquals("connection refused", json.get("error").asString());
    assertEquals("BackendUnavailable", json.get("error_type").asString());
    assertEquals("2026-11-22T10:01:00Z", json.get("next_retry_at").asString());
    assertEquals(op, OperationJson.readOperation(json));
  }

  @Test
  void status_someCounts_everyStatusPresentWithZeroDefault() {
    WalStatus s = new WalStatus(3, Map.of(OperationStatus.PENDING, 1L, OperationStatus.COMPLETED, 2L), 9,
        FsyncMode.ALWAYS, 1, 0, 0, null, false);
    ObjectNode json = OperationJson.status(s);
    assertEquals(3, json.get("total").asLong());
    assertEquals(1, json.get("pending").asLong());
    assertEquals(2, json.get("completed").asLong());
    assertEquals(0, json.get("failed").asLong());
    assertEquals(0, json.get("cancelled").asLong());
    assertEquals("always", json.get("fsync_mode").asString());
    assertFalse(json.has("last_checkpoint"));
    assertEquals(s.byStatus().get(OperationStatus.PENDING), OperationJson.readStatus(json).byStatus().get(OperationStatus.PENDING));
    assertEquals(s.fsyncMode(), OperationJson.readStatus(json).fsyncMode());
  }
}
