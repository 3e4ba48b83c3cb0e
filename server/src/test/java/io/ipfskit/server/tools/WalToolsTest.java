package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.wal.SharedWal;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAL tools in-process on a real log: every result must conform to the tool's own output
 * schema (the SDK rejects one that does not), and every input schema must be a valid schema.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalToolsTest {
  @TempDir Path home;
  private SharedWal wal;
  private Map<String, SyncToolSpecification> tools;
  private final JsonSchemaValidator validator = new DefaultJsonSchemaValidator();

  @BeforeEach
  void open() throws Exception {
    wal = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(home), null);
    tools = new LinkedHashMap<>();
    for (SyncToolSpecification s : new WalTools(() -> wal, new SessionRoots(io.ipfskit.core.files.AllowedRoots.none(), home, home)).specifications()) tools.put(s.tool().name(), s);
  }

  @AfterEach
  void close() {
    wal.close();
  }

  private CallToolResult call(String name, Map<String, Object> args) {
    SyncToolSpecification spec = tools.get(name);
    assertNotNull(spec, name);
    CallToolResult r = spec.callHandler().apply(null, new CallToolRequest(name, args));
    if (!Boolean.TRUE.equals(r.isError())) {
      JsonSchemaValidator.ValidationResponse v = validator.validate(spec.tool().outputSchema(), r.structuredContent());
      assertTrue(v.valid(), name + " output breaks its schema: " + v.errorMessage() + "\n" + r.structuredContent());
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult r) {
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
    return (Map<String, Object>) r.structuredContent();
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Test
  void specifications_everyTool_validInputSchemaClosedToUnknownArguments() {
    assertEquals(List.of("wal_add_operation", "wal_status", "wal_list_operations", "wal_get_operation",
        "wal_wait_for_operation", "wal_retry_operation", "wal_cancel_operation", "wal_cleanup", "wal_metrics",
        "wal_config", "wal_health"), List.copyOf(tools.keySet()));
    for (SyncToolSpecification s : tools.values()) {
      assertTrue(validator.validateSchema(s.tool().inputSchema()).valid(), s.tool().name());
      assertTrue(validator.validateSchema(s.tool().outputSchema()).valid(), s.tool().name());
      assertEquals(false, s.tool().inputSchema().get("additionalProperties"), s.tool().name());
      assertNotNull(s.tool().title(), s.tool().name());
      assertNotNull(s.tool().annotations().readOnlyHint(), s.tool().name());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyTool_onRealLog_resultsMatchOutputSchemas() {
    Map<String, Object> added = structured(call("wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("content", "schema check"))));
    String id = (String) added.get("operation_id");
    Map<String, Object> waited = structured(call("wal_wait_for_operation", Map.of("operation_id", id, "timeout", 20)));
    assertEquals(true, waited.get("completed"));
    String cid = (String) ((Map<String, Object>) ((Map<String, Object>) waited.get("operation")).get("result")).get("cid");
    assertTrue(cid.startsWith("bafkrei"), cid);

    structured(call("wal_status", Map.of()));
    assertEquals(1, structured(call("wal_list_operations", Map.of("status", "completed"))).get("count"));
    structured(call("wal_get_operation", Map.of("operation_id", id)));
    structured(call("wal_metrics", Map.of()));
    structured(call("wal_health", Map.of()));
    structured(call("wal_config", Map.of()));
    assertEquals(List.of("max_retries"), structured(call("wal_config", Map.of("set", Map.of("max_retries", 2)))).get("changed"));
    assertEquals(0, structured(call("wal_cleanup", Map.of("age_days", 1))).get("removed_count"));
    assertEquals(1, structured(call("wal_cleanup", Map.of("age_days", 0, "status", "completed"))).get("removed_count"));
  }

  @Test
  void cancelOperation_completed_isErrorWithReason() {
    String id = (String) structured(call("wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("content", "x")))).get("operation_id");
    structured(call("wal_wait_for_operation", Map.of("operation_id", id)));
    CallToolResult r = call("wal_cancel_operation", Map.of("operation_id", id));
    assertTrue(r.isError());
    assertTrue(text(r).contains("completed"), text(r));
  }

  @Test
  void addOperation_pathWithNoRootsInForce_isErrorNamingParamsPath() {
    CallToolResult r = call("wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("path", home.resolve("absent.bin").toString())));
    assertTrue(r.isError());
    assertTrue(text(r).startsWith("invalid argument: params.path refused: no folder is allowed for file access"), text(r));
  }

  @Test
  void cleanup_liveStatus_isErrorSuggestingCancel() {
    CallToolResult r = call("wal_cleanup", Map.of("status", "pending"));
    assertTrue(r.isError());
    assertEquals("invalid argument: status must be a finished status (completed, failed or cancelled);"
        + " cancel live operations with wal_cancel_operation first", text(r));
  }

  @Test
  void addOperation_backendNotConfigured_isErrorNamingItAndTheConfiguredOnesAndQueuesNothing() {
    long before = ((Number) structured(call("wal_status", Map.of())).get("total")).longValue();
    for (String backend : List.of("ipfs", "s3")) {
      CallToolResult r = call("wal_add_operation", Map.of("operation_type", "add", "backend", backend,
          "params", Map.of("content", "x")));
      assertTrue(r.isError());
      assertEquals("backend '" + backend + "' is not configured; configured: [local] (pass a configured backend, or"
          + " omit backend for local)", text(r));
    }
    assertEquals(before, ((Number) structured(call("wal_status", Map.of())).get("total")).longValue(),
        "nothing was queued");
  }

  @Test
  @SuppressWarnings("unchecked")
  void addOperation_backendArgument_describesLocalIpfsAndS3() {
    Map<String, Object> props = (Map<String, Object>) tools.get("wal_add_operation").tool().inputSchema().get("properties");
    String description = (String) ((Map<String, Object>) props.get("backend")).get("description");
    assertTrue(description.contains("local") && description.contains("ipfs") && description.contains("s3"), description);
  }

  @Test
  @SuppressWarnings("unchecked")
  void pinUnpin_localBackend_resultSaysPinnedWithinTheOutputSchema() {
    String addId = (String) structured(call("wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("content", "pin me")))).get("operation_id");
    Map<String, Object> added = (Map<String, Object>) structured(call("wal_wait_for_operation",
        Map.of("operation_id", addId))).get("operation");
    String cid = (String) ((Map<String, Object>) added.get("result")).get("cid");
    assertEquals(null, ((Map<String, Object>) added.get("result")).get("pinned"), "the local add says nothing of pins");
    for (String type : List.of("pin", "unpin")) {
      String id = (String) structured(call("wal_add_operation",
          Map.of("operation_type", type, "params", Map.of("cid", cid)))).get("operation_id");
      structured(call("wal_wait_for_operation", Map.of("operation_id", id)));
      Map<String, Object> op = (Map<String, Object>) structured(call("wal_get_operation", Map.of("operation_id", id)))
          .get("operation");
      assertEquals(type.equals("pin"), ((Map<String, Object>) op.get("result")).get("pinned"), op.toString());
    }
  }
}
