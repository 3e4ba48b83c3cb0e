package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.Leases;
import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.storage.PoolStats;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerformanceToolsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final List<Duration> asked = new ArrayList<>();

  private CallToolResult call(Map<String, Object> args) {
    PerformanceTools tools = new PerformanceTools(threshold -> {
      asked.add(threshold);
      return new PerformanceReport.Sources(
          List.of(new BreakerStatus("ipfs", BreakerState.OPEN, 80, 0, 10, 4, false, 1, 0, 1, List.of())), null, Map.of(),
          List.of(new PoolStats("ipfs", 16, 16, 0, 5, 100, 3, 80, 2, "test")), List.of(), Map.of(), 150,
          new Leases.Stats(0, 3, 3, Duration.ZERO), List.of());
    }, Clock.fixed(NOW, ZoneOffset.UTC));
    SyncToolSpecification spec = tools.specifications().get(0);
    assertEquals("performance_report", spec.tool().name());
    assertTrue(spec.tool().annotations().readOnlyHint());
    return spec.callHandler().apply(null, new CallToolRequest("performance_report", args));
  }

  @Test
  void call_defaultThreshold_snakeCaseReportWithSummary() {
    CallToolResult r = call(Map.of());
    assertFalse(r.isError());
    assertEquals(List.of(Duration.ofSeconds(300)), asked);
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) r.structuredContent();
    assertEquals(NOW.toString(), s.get("generated_at"));
    assertEquals(150.0, ((Number) s.get("wal_append_p99_micros")).doubleValue());
    @SuppressWarnings("unchecked")
    Map<String, Object> pool = (Map<String, Object>) ((Map<String, Object>) ((List<?>) s.get("pools")).get(0)).get("stats");
    assertEquals(16, ((Number) pool.get("max")).intValue());
    assertEquals(80.0, ((Number) pool.get("acquire_wait_p99_millis")).doubleValue());
    assertEquals("{open=0, acquired=3, released=3, oldest_age_seconds=0}", String.valueOf(s.get("leases")));
    // pool: 100 % used (0) + p99 80 ms (0.2 * 30) + 2 of 102 failed (0.98 * 30) = 35.4
    assertEquals("1 breaker(s), 1 pool(s) (score 35.4), 0 cache(s) (score n/a), 0 leak(s), 2 warning(s),"
        + " 2 recommendation(s) in all", ((TextContent) r.content().get(0)).text());
  }

  @Test
  void call_givenThreshold_passedToTheSources() {
    assertFalse(call(Map.of("leak_threshold_seconds", 60)).isError());
    assertEquals(List.of(Duration.ofSeconds(60)), asked);
  }

  @Test
  void call_negativeThreshold_isErrorNamingTheField() {
    CallToolResult r = call(Map.of("leak_threshold_seconds", -1));
    assertTrue(r.isError());
    assertEquals("leak_threshold_seconds must be an integer within 0..604800, but was -1",
        ((TextContent) r.content().get(0)).text());
  }
}
