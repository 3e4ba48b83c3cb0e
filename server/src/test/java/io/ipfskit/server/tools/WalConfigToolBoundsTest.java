package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.wal.SharedWal;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defect 6 at the MCP edge: {@code wal_config set} checks every live value against its documented bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalConfigToolBoundsTest {
  @TempDir Path home;
  private SharedWal wal;
  private SyncToolSpecification walConfig;

  @BeforeEach
  void open() {
    wal = SharedWal.forHome(KitConfig.defaults(home), null);
    walConfig = new WalTools(() -> wal, new SessionRoots(io.ipfskit.core.files.AllowedRoots.none(), home, home)).specifications().stream().filter(s -> s.tool().name().equals("wal_config"))
        .findFirst().orElseThrow();
  }

  @AfterEach
  void close() {
    wal.close();
  }

  private CallToolResult set(String key, Object value) {
    return walConfig.callHandler().apply(null, new CallToolRequest("wal_config", Map.of("set", Map.of(key, value))));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> currentConfig() {
    CallToolResult r = walConfig.callHandler().apply(null, new CallToolRequest("wal_config", Map.of()));
    return (Map<String, Object>) ((Map<String, Object>) r.structuredContent()).get("config");
  }

  @Test
  void set_periodicIntervalLongMax_isErrorNamingKeyRuleAndBoundsAndNothingChanges() {
    Object before = currentConfig().get("periodic_interval_ms");
    CallToolResult r = set("periodic_interval_ms", "9223372036854775807");
    assertTrue(Boolean.TRUE.equals(r.isError()));
    String text = ((TextContent) r.content().get(0)).text();
    assertTrue(text.contains("periodic_interval_ms (from live update): must be an integer from 1 to 3600000"
        + " (milliseconds)"), text);
    assertFalse(text.contains("9223372036854775807"), text);
    assertEquals(before, currentConfig().get("periodic_interval_ms"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({"max_retries,101", "batch_size,0", "retry_delay,86401", "process_interval,0", "max_age_days,36501"})
  void set_outOfBounds_isErrorAndNotClamped(String key, String value) {
    Object before = currentConfig().get(key);
    CallToolResult r = set(key, value);
    assertTrue(Boolean.TRUE.equals(r.isError()), key);
    assertTrue(((TextContent) r.content().get(0)).text().contains(key + " (from live update): must be"));
    assertEquals(before, currentConfig().get(key));
  }

  @Test
  void set_largestAllowedInterval_isAccepted() {
    CallToolResult r = set("periodic_interval_ms", 3_600_000);
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> ((TextContent) r.content().get(0)).text());
    assertEquals("3600000", String.valueOf(currentConfig().get("periodic_interval_ms")));
  }
}
