package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.server.KitConfig;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * circuit_breaker_status and circuit_breaker_control on a real shared WAL with the real local
 * backend behind its breaker: results conform to the output schemas, control changes the breaker
 * the dispatcher uses, and a process that does not own the log reaches the owner's breakers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BreakerToolsTest {
  @TempDir Path home;
  private SharedWal wal;
  private final JsonSchemaValidator validator = new DefaultJsonSchemaValidator();

  @BeforeEach
  void open() {
    wal = SharedWal.forHome(KitConfig.defaults(home), null);
  }

  @AfterEach
  void close() {
    wal.close();
  }

  private Map<String, SyncToolSpecification> tools(Supplier<SharedWal> on) {
    Map<String, SyncToolSpecification> tools = new LinkedHashMap<>();
    for (SyncToolSpecification s : new BreakerTools(on).specifications()) tools.put(s.tool().name(), s);
    return tools;
  }

  private CallToolResult call(Map<String, SyncToolSpecification> tools, String name, Map<String, Object> args) {
    SyncToolSpecification spec = tools.get(name);
    assertNotNull(spec, name);
    CallToolResult r = spec.callHandler().apply(null, new CallToolRequest(name, args));
    if (!Boolean.TRUE.equals(r.isError())) {
      JsonSchemaValidator.ValidationResponse v = validator.validate(spec.tool().outputSchema(), r.structuredContent());
      assertTrue(v.valid(), name + " output breaks its schema: " + v.errorMessage() + "\n" + r.structuredContent());
    }
    return r;
  }

  private CallToolResult call(String name, Map<String, Object> args) {
    return call(tools(() -> wal), name, args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult r) {
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
    return (Map<String, Object>) r.structuredContent();
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> breakers(CallToolResult r) {
    return (List<Map<String, Object>>) structured(r).get("breakers");
  }

  @Test
  void specifications_bothTools_validSchemasAndHonestAnnotations() {
    Map<String, SyncToolSpecification> tools = tools(() -> wal);
    assertEquals(List.of("circuit_breaker_status", "circuit_breaker_control"), List.copyOf(tools.keySet()));
    for (SyncToolSpecification s : tools.values()) {
      assertTrue(validator.validateSchema(s.tool().inputSchema()).valid(), s.tool().name());
      assertTrue(validator.validateSchema(s.tool().outputSchema()).valid(), s.tool().name());
      assertEquals(false, s.tool().inputSchema().get("additionalProperties"), s.tool().name());
    }
    var status = tools.get("circuit_breaker_status").tool().annotations();
    assertTrue(status.readOnlyHint());
    assertFalse(status.destructiveHint());
    var control = tools.get("circuit_breaker_control").tool().annotations();
    assertFalse(control.readOnlyHint());
    assertTrue(control.destructiveHint());
  }

  @Test
  void status_noArguments_listsTheLocalBackendsBreakerClosed() {
    CallToolResult r = call("circuit_breaker_status", Map.of());
    List<Map<String, Object>> all = breakers(r);
    assertEquals(1, all.size(), all::toString);
    assertEquals("local", all.get(0).get("name"));
    assertEquals("closed", all.get(0).get("state"));
    assertEquals(0, ((Number) all.get(0).get("calls_in_window")).intValue());
    assertEquals("local closed", text(r));
  }

  @Test
  void control_forceOpenThenReset_changesTheDispatchersBreakerAndRecordsTransitionsWithCause() {
    Map<String, Object> opened = structured(call("circuit_breaker_control", Map.of("action", "force_open", "breaker", "local")));
    assertEquals("force_open", opened.get("action"));
    assertEquals("forced_open", ((Map<?, ?>) opened.get("breaker")).get("state"));
    assertEquals(BreakerState.FORCED_OPEN, ownerBreaker("local").state(), "the breaker the registry's backend uses");

    List<Map<String, Object>> one = breakers(call("circuit_breaker_status", Map.of("breaker", "local")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history = (List<Map<String, Object>>) one.get(0).get("history");
    Map<String, Object> last = history.get(history.size() - 1);
    assertEquals("closed", last.get("from"));
    assertEquals("forced_open", last.get("to"));
    assertTrue(((String) last.get("cause")).contains("force_open"), last::toString);

    CallToolResult reset = call("circuit_breaker_control", Map.of("action", "reset", "breaker", "local"));
    assertEquals("local is now closed (reset)", text(reset));
    assertEquals(BreakerState.CLOSED, ownerBreaker("local").state());
  }

  @Test
  void control_unknownBreaker_errorNamesTheKnownBreakersNotTheValue() {
    CallToolResult r = call("circuit_breaker_control", Map.of("action", "force_open", "breaker", "nosuch"));
    assertTrue(r.isError());
    assertEquals("invalid argument: breaker must be one of [local]", text(r));
    CallToolResult s = call("circuit_breaker_status", Map.of("breaker", "nosuch"));
    assertTrue(s.isError());
    assertEquals("invalid argument: breaker must be one of [local]", text(s));
  }

  @Test
  void control_unknownAction_refusedNamingTheChoices() {
    CallToolResult r = call("circuit_breaker_control", Map.of("action", "explode", "breaker", "local"));
    assertTrue(r.isError());
    assertTrue(text(r).startsWith("invalid argument: action "), text(r));
    assertTrue(text(r).contains("force_open"), text(r));
    assertEquals(BreakerState.CLOSED, ownerBreaker("local").state());
  }

  @Test
  void control_fromAProcessNotOwningTheLog_forwardsToTheOwnersBreaker() {
    try (SharedWal forwarder = SharedWal.forHome(KitConfig.defaults(home), null)) {
      Map<String, SyncToolSpecification> remote = tools(() -> forwarder);
      structured(call(remote, "circuit_breaker_control", Map.of("action", "force_closed", "breaker", "local")));
      assertEquals(BreakerState.FORCED_CLOSED, ownerBreaker("local").state());
      List<Map<String, Object>> seen = breakers(call(remote, "circuit_breaker_status", Map.of()));
      assertEquals("forced_closed", seen.get(0).get("state"));
      CallToolResult unknown = call(remote, "circuit_breaker_control", Map.of("action", "reset", "breaker", "ipfs"));
      assertEquals("invalid argument: breaker must be one of [local]", text(unknown));
    }
  }

  private BreakerStatus ownerBreaker(String name) {
    return wal.service().breakers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
  }
}
