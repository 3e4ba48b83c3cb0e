package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.wal.SharedWal;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Defects 2, 3 and 7 of issue 6 at the MCP edge: every {@code wal_*} tool refuses unknown,
 * mistyped and out-of-range arguments with an {@code isError} result naming the argument and the
 * rule, never repeating the value, and stores nothing; {@code wal_add_operation} offers exactly the
 * operation types that run.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalToolsArgumentsTest {
  @TempDir Path home;
  private SharedWal wal;
  private Map<String, SyncToolSpecification> tools;

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
    return spec.callHandler().apply(null, new CallToolRequest(name, args));
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  private String error(String tool, Map<String, Object> args) {
    CallToolResult r = call(tool, args);
    assertTrue(Boolean.TRUE.equals(r.isError()), () -> tool + " accepted " + args + ": " + text(r));
    return text(r);
  }

  private long total() {
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) call("wal_status", Map.of()).structuredContent();
    return ((Number) s.get("total")).longValue();
  }

  /** Arguments that satisfy each tool's required ones. */
  private static Map<String, Object> minimal(String tool) {
    return switch (tool) {
      case "wal_add_operation" -> Map.of("operation_type", "add", "params", Map.of("content", "x"));
      case "wal_get_operation", "wal_wait_for_operation", "wal_retry_operation", "wal_cancel_operation" ->
          Map.of("operation_id", "no-such-id");
      default -> Map.of();
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"wal_add_operation", "wal_status", "wal_list_operations", "wal_get_operation",
      "wal_wait_for_operation", "wal_retry_operation", "wal_cancel_operation", "wal_cleanup", "wal_metrics",
      "wal_config", "wal_health"})
  void everyWalTool_unknownArgument_isErrorNamingItAndStoresNothing(String tool) {
    Map<String, Object> args = new HashMap<>(minimal(tool));
    args.put("bogus", 1);
    String text = error(tool, args);
    assertTrue(text.startsWith("invalid argument: bogus is not an argument of " + tool + "; it accepts"), text);
    assertEquals(0, total());
  }

  @Test
  void listOperations_misspelledStatusAndBogus_isErrorNotUnfilteredList() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("statuss", "failed");
    args.put("bogus", 1);
    assertEquals("invalid argument: statuss is not an argument of wal_list_operations; it accepts status, backend, operation_type, limit, offset",
        error("wal_list_operations", args));
  }

  static Stream<Arguments> badArguments() {
    String longText = "d".repeat(5_000);
    return Stream.of(
        Arguments.of("wal_list_operations", Map.of("limit", 1001), "limit must be between 1 and 1000"),
        Arguments.of("wal_list_operations", Map.of("limit", 0), "limit must be between 1 and 1000"),
        Arguments.of("wal_list_operations", Map.of("limit", "10"), "limit must be an integer, but was a string"),
        Arguments.of("wal_list_operations", Map.of("offset", -1), "offset must be between 0 and 1000000"),
        Arguments.of("wal_list_operations", Map.of("status", "done"),
            "status must be one of pending, processing, completed, failed, retrying, cancelled"),
        Arguments.of("wal_list_operations", Map.of("status", 3),
            "status must be one of pending, processing, completed, failed, retrying, cancelled, but was an integer"),
        Arguments.of("wal_list_operations", Map.of("backend", "b".repeat(65)), "backend must be at most 64 characters, but was 65 characters long"),
        Arguments.of("wal_get_operation", Map.of("operation_id", 7), "operation_id must be a string, but was an integer"),
        Arguments.of("wal_get_operation", Map.of(), "operation_id is required"),
        Arguments.of("wal_retry_operation", Map.of("operation_id", "i".repeat(129)),
            "operation_id must be at most 128 characters, but was 129 characters long"),
        Arguments.of("wal_cancel_operation", Map.of("operation_id", List.of("a")), "operation_id must be a string, but was an array"),
        Arguments.of("wal_wait_for_operation", Map.of("operation_id", "x", "timeout", 301), "timeout must be > 0 and <= 300 seconds"),
        Arguments.of("wal_wait_for_operation", Map.of("operation_id", "x", "timeout", "soon"),
            "timeout must be a number of seconds, but was a string"),
        Arguments.of("wal_cleanup", Map.of("age_days", -1), "age_days must be between 0 and 36500"),
        Arguments.of("wal_cleanup", Map.of("age_days", 1.5), "age_days must be an integer, but was a number"),
        Arguments.of("wal_config", Map.of("set", Map.of()),
            "set must name at least one key; live keys: batch_size, batch_interval_ms, periodic_interval_ms, max_retries,"
                + " retry_delay, max_retry_delay, archive_completed, process_interval, max_age_days (omit set to show the configuration)"),
        Arguments.of("wal_config", Map.of("set", "max_retries=3"), "set must be an object, but was a string"),
        Arguments.of("wal_config", Map.of("set", Map.of("fsync_mode", "never")),
            "set.fsync_mode is not a live-updatable key; live keys: batch_size, batch_interval_ms, periodic_interval_ms,"
                + " max_retries, retry_delay, max_retry_delay, archive_completed, process_interval, max_age_days"),
        Arguments.of("wal_config", Map.of("set", Map.of("max_retries", Map.of("n", 3))),
            "set.max_retries must be a string, number or boolean, but was an object"),
        Arguments.of("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", "x"), "priority", 11),
            "priority must be between 1 and 10"),
        Arguments.of("wal_add_operation", Map.of("operation_type", "add", "params", "content"),
            "params must be an object, but was a string"),
        Arguments.of("wal_add_operation", Map.of("operation_type", "get", "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "destination", longText)),
            "params.destination must be at most 4096 characters, but was 5000 characters long"),
        Arguments.of("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", "x", "note", "hi")),
            "params.note is not an argument of operation_type add; it accepts content, path"),
        Arguments.of("wal_add_operation", Map.of("operation_type", "pin", "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "destination", "/tmp/x")),
            "params.destination is not an argument of operation_type pin; it accepts cid"),
        Arguments.of("wal_add_operation", Map.of("params", Map.of("content", "x")), "operation_type is required"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("badArguments")
  void walTool_badArgument_isErrorNamingArgumentAndRuleAndStoresNothing(String tool, Map<String, Object> args, String rule) {
    assertEquals("invalid argument: " + rule, error(tool, args));
    assertEquals(0, total());
  }

  @Test
  void addOperation_hugeContentObject_refusedWithoutEchoingIt() {
    String marker = "Z".repeat(100_000);
    String text = error("wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", Map.of("big", marker))));
    assertEquals("invalid argument: params.content must be a string, but was an object", text);
    assertEquals(0, total());
  }

  @Test
  void addOperation_longDestination_refusedWithoutEchoingIt() {
    String dest = "/tmp/" + "q".repeat(4_995);
    String text = error("wal_add_operation", Map.of("operation_type", "get", "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "destination", dest)));
    assertFalse(text.contains("qqqqqqqqqq"), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bafkreix", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR10", "ipfs://bafy", "hello world"})
  void addOperation_malformedCid_refusedAtQueueTimeNamingParamsCidWithoutEchoingIt(String cid) {
    String text = error("wal_add_operation", Map.of("operation_type", "cat", "params", Map.of("cid", cid)));
    assertEquals("invalid argument: params.cid " + io.ipfskit.core.storage.Cid.ACCEPTED_RULE, text);
    assertFalse(text.contains(cid), text);
    assertEquals(0, total());
  }

  @Test
  @SuppressWarnings("unchecked")
  void addOperation_cidV0_queuedAsTheCidV1OfTheSameMultihash() {
    CallToolResult r = call("wal_add_operation", Map.of("operation_type", "pin",
        "params", Map.of("cid", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")));
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
    Map<String, Object> op = (Map<String, Object>) ((Map<String, Object>) r.structuredContent()).get("operation");
    assertEquals(Map.of("cid", "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"), op.get("parameters"));
  }

  @Test
  void unknownArgumentWithHugeName_nameShownCut() {
    String text = error("wal_status", Map.of("k".repeat(10_000), 1));
    assertTrue(text.length() < 300, "message length " + text.length());
  }

  @Test
  @SuppressWarnings("unchecked")
  void addOperation_schema_advertisesExactlyTheTypesThatRun() {
    Map<String, Object> input = tools.get("wal_add_operation").tool().inputSchema();
    Map<String, Object> type = (Map<String, Object>) ((Map<String, Object>) input.get("properties")).get("operation_type");
    assertEquals(List.of("add", "get", "pin", "unpin", "rm", "cat"), type.get("enum"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "mkdir", "copy", "move", "upload", "download"})
  void addOperation_typeThatDoesNotRun_refusedAtQueueTime(String type) {
    String text = error("wal_add_operation", Map.of("operation_type", type, "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")));
    assertEquals("invalid argument: operation_type must be one of add, get, pin, unpin, rm, cat", text);
    assertEquals(0, total());
  }

  @Test
  void addOperation_nullParamValue_treatedAsAbsentAndNotStored() {
    Map<String, Object> params = new HashMap<>();
    params.put("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy");
    params.put("destination", null);
    CallToolResult r = call("wal_add_operation", Map.of("operation_type", "pin", "params", params));
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
    @SuppressWarnings("unchecked")
    Map<String, Object> op = (Map<String, Object>) ((Map<String, Object>) r.structuredContent()).get("operation");
    assertEquals(Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"), op.get("parameters"));
  }

  @Test
  void everyToolSchema_noUnionTypes() {
    List<SyncToolSpecification> all = new ArrayList<>(tools.values());
    all.addAll(new SecretsTools(() -> null).specifications());
    for (SyncToolSpecification s : all) {
      assertNoUnionType(s.tool().name() + ".input", s.tool().inputSchema());
      assertNoUnionType(s.tool().name() + ".output", s.tool().outputSchema());
    }
  }

  private static void assertNoUnionType(String where, Object schema) {
    if (schema instanceof Map<?, ?> m) {
      Object type = m.get("type");
      assertFalse(type instanceof List, where + " has a union type " + type);
      m.forEach((k, v) -> assertNoUnionType(where + "." + k, v));
    } else if (schema instanceof List<?> l) {
      l.forEach(v -> assertNoUnionType(where, v));
    }
  }
}
