package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A completed {@code cat} answers with its content, read from the store when the operation is
 * shown (never kept in the WAL), cut at {@code IPFS_KIT_CONTENT_MAX_BYTES} with {@code truncated}.
 */
@Timeout(60)
class WalToolsCatContentTest {
  @TempDir Path dir;
  private KitHome home;
  private Map<String, SyncToolSpecification> tools;

  private Path files;

  @BeforeEach
  void open() throws Exception {
    files = java.nio.file.Files.createDirectories(dir.resolve("files")).toRealPath();
    home = KitHome.open(KitConfig.load(Map.of("IPFS_KIT_HOME", dir.resolve("home").toString(),
        "IPFS_KIT_CONTENT_MAX_BYTES", "8"), dir));
    tools = new HashMap<>();
    for (SyncToolSpecification s : new WalTools(home::wal,
        new SessionRoots(io.ipfskit.core.files.AllowedRoots.ofOperator(java.util.List.of(files)), home.directory(), files),
        home::contentReader).specifications()) {
      tools.put(s.tool().name(), s);
    }
  }

  @AfterEach
  void close() {
    home.close();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> call(String name, Map<String, Object> args) {
    CallToolResult r = tools.get(name).callHandler().apply(null, new CallToolRequest(name, args));
    assertFalse(Boolean.TRUE.equals(r.isError()), r::toString);
    return (Map<String, Object>) r.structuredContent();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> runToCompletion(String type, Map<String, Object> params) {
    String id = (String) call("wal_add_operation", Map.of("operation_type", type, "params", params)).get("operation_id");
    Map<String, Object> done = call("wal_wait_for_operation", Map.of("operation_id", id, "timeout", 30));
    assertEquals(true, done.get("completed"), done::toString);
    return (Map<String, Object>) ((Map<String, Object>) done.get("operation")).get("result");
  }

  @Test
  void cat_smallText_contentInlineNotTruncated() {
    String cid = (String) runToCompletion("add", Map.of("content", "hi there")).get("cid");
    Map<String, Object> result = runToCompletion("cat", Map.of("cid", cid));
    assertEquals("hi there", result.get("content"));
    assertEquals(false, result.get("truncated"));
    assertEquals(8, ((Number) result.get("size")).intValue());
  }

  @Test
  @SuppressWarnings("unchecked")
  void cat_largerThanTheLimit_firstBytesAndTruncatedWithFullSize_andGetOperationShowsTheSame() {
    String cid = (String) runToCompletion("add", Map.of("content", "0123456789abcdef")).get("cid");
    String id = (String) call("wal_add_operation", Map.of("operation_type", "cat", "params", Map.of("cid", cid)))
        .get("operation_id");
    call("wal_wait_for_operation", Map.of("operation_id", id, "timeout", 30));
    Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) call("wal_get_operation",
        Map.of("operation_id", id)).get("operation")).get("result");
    assertEquals("01234567", result.get("content"));
    assertEquals(true, result.get("truncated"));
    assertEquals(16, ((Number) result.get("size")).intValue());
  }

  @Test
  void cat_binaryContent_base64() throws Exception {
    Path file = java.nio.file.Files.write(files.resolve("b.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    String cid = (String) runToCompletion("add", Map.of("path", file.toString())).get("cid");
    Map<String, Object> result = runToCompletion("cat", Map.of("cid", cid));
    assertEquals(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0}), result.get("content_base64"));
    assertFalse(result.containsKey("content"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void cat_theWalRecordItself_holdsNoContent() {
    String cid = (String) runToCompletion("add", Map.of("content", "not in the log")).get("cid");
    runToCompletion("cat", Map.of("cid", cid));
    // Listing shows the records as stored: the cat's result is only cid and size.
    java.util.List<Map<String, Object>> ops = (java.util.List<Map<String, Object>>) call("wal_list_operations",
        Map.of("status", "completed")).get("operations");
    Map<String, Object> cat = ops.stream().filter(o -> "cat".equals(o.get("operation_type"))).findFirst().orElseThrow();
    assertEquals(java.util.Set.of("cid", "size"), ((Map<String, Object>) cat.get("result")).keySet());
    assertTrue(cid.equals(((Map<String, Object>) cat.get("result")).get("cid")));
  }
}
