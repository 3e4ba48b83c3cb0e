package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.HealthThresholds;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backend_health} over a real registry (the local block store) whose answers match the output schema. */
class HealthToolsTest {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  @TempDir Path home;
  BackendRegistry registry;

  private BackendRegistry registry() throws Exception {
    registry = BackendRegistry.open(BackendsConfig.embedded(home), BackendRegistry.builtInFactories(),
        HealthThresholds.defaults(), Clock.fixed(T0, ZoneOffset.UTC));
    return registry;
  }

  @AfterEach
  void close() {
    if (registry != null) registry.close();
  }

  private static CallToolResult call(HealthTools tools, Map<String, Object> args) {
    SyncToolSpecification spec = tools.specifications().get(0);
    return spec.callHandler().apply(null, new CallToolRequest(HealthTools.NAME, args));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(CallToolResult r) {
    return (List<Map<String, Object>>) ((Map<String, Object>) r.structuredContent()).get("backends");
  }

  private static void assertSchemaValid(CallToolResult r) {
    ValidationResponse v = McpJsonDefaults.getSchemaValidator().validate(HealthTools.outputSchema(), r.structuredContent());
    assertTrue(v.valid(), v.errorMessage());
  }

  @Test
  void call_localProbedOthersAbsent_localHealthyOthersNotConfiguredSchemaValid() throws Exception {
    BackendRegistry r = registry();
    r.probeHealthDue(0);
    CallToolResult result = call(new HealthTools(() -> Optional.of(r), () -> "no"), Map.of());
    assertFalse(result.isError());
    assertSchemaValid(result);
    List<Map<String, Object>> rows = rows(result);
    assertEquals(List.of("local", "ipfs", "s3", "storacha"), rows.stream().map(m -> m.get("backend")).toList());
    Map<String, Object> local = rows.get(0);
    assertEquals("healthy", local.get("state"));
    assertEquals(T0.toString(), local.get("checked_at"));
    assertEquals(1, ((List<?>) local.get("history")).size());
    assertEquals("not_configured", rows.get(1).get("state"));
    assertEquals("not configured: its settings are absent (see the README's backend sections)",
        rows.get(3).get("reason"));
    assertEquals(true, ((Map<?, ?>) result.structuredContent()).get("all_healthy"));
  }

  @Test
  void call_oneBackendUnhealthyByCalls_showsRateErrorsAndHistory() throws Exception {
    BackendRegistry r = registry();
    r.probeHealthDue(0);
    for (int i = 0; i < 5; i++) r.monitor().recordCall("local", Duration.ofMillis(2), "BackendUnavailable");
    CallToolResult result = call(new HealthTools(() -> Optional.of(r), () -> "no"), Map.of("backend", "local"));
    assertSchemaValid(result);
    Map<String, Object> local = rows(result).get(0);
    assertEquals(1, rows(result).size());
    assertEquals("unhealthy", local.get("state"));
    assertEquals("5 calls failed in a row (last: BackendUnavailable); the limit is 5", local.get("reason"));
    assertEquals(0.0, local.get("success_rate"));
    assertEquals(5, local.get("consecutive_errors"));
    assertEquals(2, ((List<?>) local.get("history")).size(), "the probe, then the change to unhealthy");
    assertEquals(false, ((Map<?, ?>) result.structuredContent()).get("all_healthy"));
  }

  @Test
  void call_notConfiguredBackendNamed_notHealthy() throws Exception {
    BackendRegistry r = registry();
    CallToolResult result = call(new HealthTools(() -> Optional.of(r), () -> "no"), Map.of("backend", "s3"));
    assertSchemaValid(result);
    assertEquals("not_configured", rows(result).get(0).get("state"));
    assertEquals(false, ((Map<?, ?>) result.structuredContent()).get("all_healthy"));
  }

  @Test
  void call_unknownBackend_isErrorNamingTheKnownTypes() {
    CallToolResult result = call(new HealthTools(Optional::empty, () -> "no"), Map.of("backend", "ftp"));
    assertTrue(result.isError());
    assertEquals("backend 'ftp' is not a backend type; known types: [local, ipfs, s3, storacha]",
        ((TextContent) result.content().get(0)).text());
  }

  @Test
  void call_processDoesNotRunTheBackends_isErrorSayingWhoDoes() {
    CallToolResult result = call(new HealthTools(Optional::empty, HealthTools::notOwnedHere), Map.of());
    assertTrue(result.isError());
    assertEquals(HealthTools.notOwnedHere(), ((TextContent) result.content().get(0)).text());
  }

  @Test
  void specification_isReadOnly() {
    var tool = new HealthTools(Optional::empty, () -> "no").specifications().get(0).tool();
    assertEquals(true, tool.annotations().readOnlyHint());
    assertEquals(false, tool.annotations().destructiveHint());
  }

  /**
   * Storacha configured with an {@code IPFS_KIT_STORACHA_NODE} that does not exist: its probe is
   * unhealthy naming the setting and the rule, the tool answers (no isError) and keeps answering.
   */
  @Test
  void call_storachaNodeMissing_unhealthyNamingTheSettingToolStillAnswers() throws Exception {
    io.ipfskit.core.storage.storacha.StorachaConfig storacha = new io.ipfskit.core.storage.storacha.StorachaConfig(
        java.net.URI.create("http://127.0.0.1:9/"), "did:web:up.storacha.network",
        "did:key:z6MkrZ1r5XBFZjBU34qyD8fueMbMRkKw17BZaq2ivKFjnz2z",
        io.ipfskit.core.secrets.SecretId.parse("key", "0123456789abcdef"),
        io.ipfskit.core.secrets.SecretId.parse("proof", "fedcba9876543210"), java.net.URI.create("http://127.0.0.1:9/"),
        Duration.ofSeconds(5), home.resolve("no-such-dir/node").toString(), home.resolve("spool/storacha"),
        home.resolve("cache"));
    registry = BackendRegistry.open(BackendsConfig.embedded(home).withStoracha(storacha),
        BackendRegistry.builtInFactories(), HealthThresholds.defaults(), Clock.fixed(T0, ZoneOffset.UTC));
    BackendRegistry r = registry;
    HealthTools tools = new HealthTools(() -> Optional.of(r), () -> "no");
    // The first probe starts the bridge install in the background and says so; probe again (bounded)
    // until the install's failure is what the probe reports. Probe times are handed in, not waited for.
    long now = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    r.probeHealthDue(now);
    while (r.health("storacha").health().detail().contains("starting the bridge") && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      now += Duration.ofHours(2).toNanos();
      r.probeHealthDue(now);
    }
    for (int round = 0; round < 2; round++) {
      CallToolResult result = call(tools, Map.of("backend", "storacha"));
      assertFalse(result.isError());
      assertSchemaValid(result);
      Map<String, Object> row = rows(result).get(0);
      assertEquals("unhealthy", row.get("state"));
      String reason = (String) row.get("reason");
      assertTrue(reason.contains("IPFS_KIT_STORACHA_NODE") && reason.contains("Node.js 18 or later"), reason);
    }
  }

  @Test
  void report_unhealthyProbe_reasonIsTheProbesDetail() throws Exception {
    BackendRegistry r = registry();
    r.monitor().recordProbe("local", BackendHealth.unhealthy("local block store is not writable"), Duration.ofMillis(1));
    Map<String, Object> report = HealthTools.report(r, "local");
    assertEquals("local: unhealthy (local block store is not writable)", HealthTools.summary(report));
  }

  @Test
  void overWal_processNotOwningTheLog_answersTheOwnersMonitorWithHistory() {
    try (io.ipfskit.server.wal.SharedWal owner = io.ipfskit.server.wal.SharedWal.forHome(
            io.ipfskit.server.KitConfig.defaults(home), null);
        io.ipfskit.server.wal.SharedWal forwarder = io.ipfskit.server.wal.SharedWal.forHome(
            io.ipfskit.server.KitConfig.defaults(home), null)) {
      assertTrue(owner.isOwner());
      assertFalse(forwarder.isOwner());
      BackendRegistry owned = owner.ownedRegistry().orElseThrow();
      owned.monitor().recordCall("local", Duration.ofMillis(7), "TRANSIENT");

      CallToolResult here = call(HealthTools.overWal(() -> owner), Map.of());
      CallToolResult there = call(HealthTools.overWal(() -> forwarder), Map.of());
      assertFalse(there.isError(), () -> ((TextContent) there.content().get(0)).text());
      assertSchemaValid(there);
      assertEquals(here.structuredContent(), there.structuredContent(), "the same answer forwarded as at the owner");
      Map<String, Object> local = rows(there).get(0);
      assertEquals("local", local.get("backend"));
      assertEquals(1, ((Number) local.get("consecutive_errors")).intValue());
      assertFalse(((List<?>) local.get("history")).isEmpty());
      assertEquals("not_configured", rows(there).get(1).get("state"));

      CallToolResult one = call(HealthTools.overWal(() -> forwarder), Map.of("backend", "local"));
      assertEquals(1, rows(one).size());
    }
  }
}
