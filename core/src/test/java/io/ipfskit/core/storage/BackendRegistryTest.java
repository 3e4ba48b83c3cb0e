package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BackendRegistryTest {
  static final Instant T0 = Instant.parse("2026-12-04T15:00:00Z");
  @TempDir Path home;

  private BackendRegistry open(Map<String, BackendRegistry.Factory> factories) throws IOException {
    return BackendRegistry.open(BackendsConfig.embedded(home), factories, Duration.ofSeconds(15),
        Clock.fixed(T0, ZoneOffset.UTC));
  }

  private static Map<String, BackendRegistry.Factory> factories(Object... typeThenFactory) {
    Map<String, BackendRegistry.Factory> m = new LinkedHashMap<>();
    for (int i = 0; i < typeThenFactory.length; i += 2)
      m.put((String) typeThenFactory[i], (BackendRegistry.Factory) typeThenFactory[i + 1]);
    return m;
  }

  @Test
  void open_embeddedConfig_opensLocalBlockStoreUnderHomeBlocks() throws Exception {
    try (BackendRegistry r = BackendRegistry.open(BackendsConfig.embedded(home))) {
      assertEquals(Set.of("local"), r.names());
      StorageBackend local = r.get("local");
      assertEquals("ResilientBackend[local]", local.toString(), "handed out behind its breaker");
      assertSame(local, r.backends().get("local"));
      StoredContent c = local.add(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
      assertTrue(Files.exists(home.resolve("blocks").resolve("roots").resolve(c.cid())), "stored under <home>/blocks");
    }
  }

  @Test
  void open_breakerForcedOpen_refusesDataCallsWithoutSpendingThemButHealthStillProbes() throws Exception {
    try (BackendRegistry r = BackendRegistry.open(BackendsConfig.embedded(home))) {
      assertEquals(List.of("local"), r.resilience().breakers().stream().map(b -> b.name()).toList());
      r.resilience().forceOpen("local", "test");
      StorageException e = assertThrows(StorageException.class,
          () -> r.get("local").add(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))));
      assertTrue(e instanceof io.ipfskit.core.resilience.CallRejectedException, e.toString());
      assertEquals(StorageErrorClass.UNAVAILABLE, e.errorClass());
      r.probeHealthDue(System.nanoTime());
      assertEquals(BackendHealth.Status.HEALTHY, r.health("local").health().status(), "probes bypass the breaker");
      r.resilience().reset("local", "test");
      assertFalse(r.get("local").add(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))).cid().isEmpty(),
          "passes again after reset");
    }
  }

  @Test
  void probeHealthDue_healthyProbeWhileBreakerOpen_halfOpensItAtOnceNamingTheCause() throws Exception {
    ProbedBackend ipfs = new ProbedBackend("ipfs");
    try (BackendRegistry r = open(factories("ipfs", (BackendRegistry.Factory) c -> Optional.of(ipfs)))) {
      ipfs.dataFailure = StorageErrorClass.UNAVAILABLE;
      ipfs.answer = () -> BackendHealth.unhealthy("connection refused");
      for (int i = 0; i < 10; i++) // the default breaker's minimum of 10 calls, all failing
        assertThrows(StorageException.class, () -> r.get("ipfs").pin("bafy"));
      var resilience = r.resilience();
      assertEquals(io.ipfskit.core.resilience.BreakerState.OPEN, resilience.breaker("ipfs").orElseThrow().state());

      r.probeHealthDue(0); // the node is still down: the breaker waits out its 30 s
      assertEquals(io.ipfskit.core.resilience.BreakerState.OPEN, resilience.breaker("ipfs").orElseThrow().state());

      ipfs.answer = () -> BackendHealth.healthy("node answers id");
      r.probeHealthDue(Duration.ofSeconds(15).toNanos()); // the next round, seconds before the open wait ends
      var s = resilience.breaker("ipfs").orElseThrow();
      assertEquals(io.ipfskit.core.resilience.BreakerState.HALF_OPEN, s.state());
      var last = s.history().get(s.history().size() - 1);
      assertEquals(io.ipfskit.core.resilience.BreakerState.OPEN, last.from());
      assertEquals("health probe succeeded", last.cause());
    }
  }

  @Test
  void openUnprotected_embeddedConfig_handsOutTheBareBackendAndListsNoBreaker() throws Exception {
    try (BackendRegistry r = BackendRegistry.openUnprotected(BackendsConfig.embedded(home),
        BackendRegistry.builtInFactories(), HealthThresholds.defaults(), Clock.fixed(T0, ZoneOffset.UTC))) {
      StorageBackend local = r.get("local");
      assertTrue(local instanceof LocalBlockStore, "not wrapped: " + local);
      assertFalse(local.add(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))).cid().isEmpty());
      assertEquals(List.of(), r.resilience().breakers(), "the layer wraps nothing");
      r.probeHealthDue(System.nanoTime());
      assertEquals(BackendHealth.Status.HEALTHY, r.health("local").health().status(), "health probes run as usual");
    }
  }

  @Test
  void get_ipfsNotConfigured_throwsNamingItAndTheConfiguredOnes() throws Exception {
    try (BackendRegistry r = BackendRegistry.open(BackendsConfig.embedded(home))) {
      NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> r.get("ipfs"));
      assertEquals("backend 'ipfs' is not configured; configured: [local]", e.getMessage());
      assertEquals(Optional.empty(), r.find("ipfs"));
      assertFalse(r.backends().containsKey("ipfs"));
      NoSuchElementException h = assertThrows(NoSuchElementException.class, () -> r.health("ipfs"));
      assertEquals("backend 'ipfs' is not configured; configured: [local]", h.getMessage());
    }
  }

  @Test
  void open_embeddedDefaults_onlyLocal_otherTypesIncludingStorachaNotConfigured() throws Exception {
    try (BackendRegistry r = BackendRegistry.open(BackendsConfig.embedded(home))) {
      assertEquals(List.of("local"), List.copyOf(r.names()));
      assertEquals(List.of("ipfs", "s3", "storacha"), List.copyOf(r.notConfigured()));
      NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> r.get("storacha"));
      assertEquals("backend 'storacha' is not configured; configured: [local]", e.getMessage());
    }
  }

  @Test
  void open_factoryWithoutItsSection_listsTypeAsNotConfiguredAndOpensNothingForIt() throws Exception {
    ProbedBackend local = new ProbedBackend("local");
    try (BackendRegistry r = open(factories("local", (BackendRegistry.Factory) c -> Optional.of(local),
        "ipfs", (BackendRegistry.Factory) c -> Optional.empty(), "s3", (BackendRegistry.Factory) c -> Optional.empty()))) {
      assertEquals(List.of("local"), List.copyOf(r.names()));
      assertEquals(List.of("ipfs", "s3"), List.copyOf(r.notConfigured()));
      assertThrows(NoSuchElementException.class, () -> r.get("s3"));
    }
  }

  @Test
  void open_backendsInFactoryOrder_viewIsUnmodifiable() throws Exception {
    ProbedBackend b = new ProbedBackend("b");
    ProbedBackend a = new ProbedBackend("a");
    try (BackendRegistry r = open(factories("b", (BackendRegistry.Factory) c -> Optional.of(b),
        "a", (BackendRegistry.Factory) c -> Optional.of(a)))) {
      assertEquals(List.of("b", "a"), List.copyOf(r.backends().keySet()));
      assertThrows(UnsupportedOperationException.class, () -> r.backends().put("c", a));
      assertThrows(UnsupportedOperationException.class, () -> r.names().remove("a"));
    }
  }

  @Test
  void close_closesEveryBackendOnce() throws Exception {
    ProbedBackend local = new ProbedBackend("local");
    ProbedBackend ipfs = new ProbedBackend("ipfs");
    BackendRegistry r = open(factories("local", (BackendRegistry.Factory) c -> Optional.of(local),
        "ipfs", (BackendRegistry.Factory) c -> Optional.of(ipfs)));
    assertFalse(local.closed.get());
    r.close();
    assertTrue(local.closed.get());
    assertTrue(ipfs.closed.get());
    r.close(); // idempotent
  }

  @Test
  void close_oneBackendFails_stillClosesTheOthersThenThrowsTheFailure() throws Exception {
    ProbedBackend local = new ProbedBackend("local");
    ProbedBackend ipfs = new ProbedBackend("ipfs");
    local.failOnClose = new IllegalStateException("local close failed");
    BackendRegistry r = open(factories("local", (BackendRegistry.Factory) c -> Optional.of(local),
        "ipfs", (BackendRegistry.Factory) c -> Optional.of(ipfs)));
    IllegalStateException e = assertThrows(IllegalStateException.class, r::close);
    assertEquals("local close failed", e.getMessage());
    assertTrue(ipfs.closed.get());
  }

  @Test
  void open_laterFactoryFails_closesTheBackendsAlreadyOpened() {
    ProbedBackend local = new ProbedBackend("local");
    IOException e = assertThrows(IOException.class, () -> open(factories(
        "local", (BackendRegistry.Factory) c -> Optional.of(local),
        "ipfs", (BackendRegistry.Factory) c -> {
          throw new IOException("ipfs api unreachable");
        })));
    assertEquals("ipfs api unreachable", e.getMessage());
    assertTrue(local.closed.get());
  }

  @Test
  void open_factoryOpensBackendWithAnotherName_refusedAndClosed() {
    ProbedBackend wrong = new ProbedBackend("s3");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> open(factories("ipfs", (BackendRegistry.Factory) c -> Optional.of(wrong))));
    assertEquals("the factory of backend type 'ipfs' opened a backend named 's3'; a backend's name must be its type",
        e.getMessage());
    assertTrue(wrong.closed.get());
  }

  @Test
  void open_zeroHealthInterval_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendRegistry.open(
        BackendsConfig.embedded(home), BackendRegistry.builtInFactories(), Duration.ZERO, Clock.systemUTC()));
    assertEquals("healthInterval must be > 0, but was PT0S", e.getMessage());
  }

  @Test
  void health_cachedUntilProbed_probedOnlyByTheSchedule() throws Exception {
    ProbedBackend local = new ProbedBackend("local");
    try (BackendRegistry r = open(factories("local", (BackendRegistry.Factory) c -> Optional.of(local)))) {
      assertEquals(CheckedHealth.notYetProbed(), r.health("local"));
      r.probeHealthDue(0);
      for (int i = 0; i < 100; i++) r.health("local");
      assertEquals(1, local.probes.get());
      assertEquals(new CheckedHealth(BackendHealth.healthy("fine"), T0), r.health("local"));
    }
  }

  @Test
  void startHealthProbes_realLocalStore_firstRoundDoneOnReturnAndCloseStopsProbing() throws Exception {
    BackendRegistry r = BackendRegistry.open(BackendsConfig.embedded(home));
    r.startHealthProbes();
    r.startHealthProbes(); // second call does nothing
    CheckedHealth h = r.health("local");
    assertEquals(BackendHealth.Status.HEALTHY, h.status());
    assertTrue(h.lastChecked().isPresent());
    r.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, r::startHealthProbes);
    assertEquals("the backend registry is closed; open a new one", e.getMessage());
  }
}
