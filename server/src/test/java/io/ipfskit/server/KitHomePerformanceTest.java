package io.ipfskit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.server.tools.PerformanceTools;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures {@code performance_report}, {@code /api/performance/*} and {@code ipfs-kit report
 * performance} show, from a home whose process owns the WAL and from one that forwards to the owner: the
 * read cache and the lease registry the owner's backends run behind are live, and configured by {@code
 * IPFS_KIT_CACHE_*}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KitHomePerformanceTest {
  @TempDir Path home;

  private KitHome open(Map<String, String> env) {
    java.util.Map<String, String> all = new java.util.HashMap<>(env);
    all.put("IPFS_KIT_HOME", home.toString());
    return KitHome.open(KitConfig.load(all, home));
  }

  @Test
  void performanceSources_owner_showsTheLiveReadCacheAndLeases() throws Exception {
    try (KitHome kit = open(Map.of())) {
      BackendRegistry registry = kit.wal().ownedRegistry().orElseThrow();
      StorageBackend local = registry.get("local");
      String cid = local.add(new ByteArrayInputStream("hello cache".getBytes(UTF_8))).cid();
      for (int i = 0; i < 3; i++) local.get(cid, new ByteArrayOutputStream());

      PerformanceReport.Sources s = kit.performanceSources(Duration.ofMinutes(5));
      assertEquals(1, s.caches().size());
      CacheStats c = s.caches().get(0);
      assertEquals("content", c.cache());
      assertEquals(2, c.hits());
      assertEquals(1, c.misses());
      assertEquals(64L << 20, c.maxBytes(), "IPFS_KIT_CACHE_MAX_BYTES default");
      assertEquals(2, s.leases().acquired(), "the add and the one read that reached the store");
      assertEquals(0, s.leases().open());
      PerformanceReport r = PerformanceReport.build(s, Instant.now());
      assertTrue(r.scores().caches() >= 0, "the cache saw traffic, so it has a score: " + r.scores());
    }
  }

  @Test
  void performanceSources_processNotOwningTheLog_showsTheOwnersLiveFigures() throws Exception {
    try (KitHome owner = open(Map.of()); KitHome forwarder = open(Map.of())) {
      BackendRegistry registry = owner.wal().ownedRegistry().orElseThrow();
      assertFalse(forwarder.wal().isOwner(), "the second process on the home forwards to the first");
      StorageBackend local = registry.get("local");
      String cid = local.add(new ByteArrayInputStream("hello owner".getBytes(UTF_8))).cid();
      for (int i = 0; i < 4; i++) local.get(cid, new ByteArrayOutputStream());
      registry.resilience().forceOpen("local", "test");

      PerformanceReport.Sources here = owner.performanceSources(Duration.ofMinutes(5));
      PerformanceReport.Sources there = forwarder.performanceSources(Duration.ofMinutes(5));
      assertEquals(3, there.caches().get(0).hits(), "cache hits made in the owner");
      assertEquals(here.caches(), there.caches());
      assertEquals(here.leases(), there.leases());
      assertEquals(here.breakers(), there.breakers());
      assertEquals(BreakerState.FORCED_OPEN, there.breakers().stream().filter(b -> b.name().equals("local")).findFirst()
          .orElseThrow().state());
      assertEquals(here.breakerConfig(), there.breakerConfig());
      assertEquals(here.pools(), there.pools());
      assertEquals(here.health().keySet(), there.health().keySet());
      assertEquals(here.walAppendP99Micros(), there.walAppendP99Micros());

      // the tool (and REST, and 'ipfs-kit report performance') of the forwarding process show them too
      CallToolResult r = new PerformanceTools(forwarder::performanceSources, java.time.Clock.systemUTC())
          .specifications().get(0).callHandler().apply(null, new CallToolRequest("performance_report", Map.of()));
      assertFalse(r.isError(), () -> ((TextContent) r.content().get(0)).text());
      assertTrue(((TextContent) r.content().get(0)).text().contains("1 cache(s)"), () -> ((TextContent) r.content().get(0)).text());
    }
  }

  /** An s3 backend on an endpoint where nothing listens (it opens without contacting it), head answers bounded. */
  private static Map<String, String> s3WithHeadCache(int maxEntries) {
    return Map.of("IPFS_KIT_S3_BUCKET", "kit-bucket", "IPFS_KIT_S3_ENDPOINT", "http://127.0.0.1:9",
        "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "IPFS_KIT_S3_SECRET_KEY_REF", "00112233AABBCCDD",
        "IPFS_KIT_CACHE_S3_HEAD_MAX_ENTRIES", Integer.toString(maxEntries));
  }

  @Test
  void performanceSources_s3Configured_listsItsHeadAnswerCacheAfterTheReadCache() throws Exception {
    try (KitHome kit = open(s3WithHeadCache(50))) {
      kit.wal();
      PerformanceReport.Sources s = kit.performanceSources(Duration.ofMinutes(5));
      assertEquals(java.util.List.of("content", "s3_head"), s.caches().stream().map(CacheStats::cache).toList());
      assertEquals(0, s.caches().get(1).entries());
    }
  }

  @Test
  void performanceSources_s3HeadCacheOff_notListed() throws Exception {
    try (KitHome kit = open(s3WithHeadCache(0))) {
      kit.wal();
      assertEquals(java.util.List.of("content"),
          kit.performanceSources(Duration.ofMinutes(5)).caches().stream().map(CacheStats::cache).toList());
    }
  }

  @Test
  void performanceSources_walNotJoined_noFigures() {
    try (KitHome kit = open(Map.of())) {
      assertEquals(PerformanceReport.Sources.none(), kit.performanceSources(Duration.ofMinutes(5)));
    }
  }

  @Test
  void performanceSources_cacheTurnedOff_noCacheListed() throws Exception {
    try (KitHome kit = open(Map.of("IPFS_KIT_CACHE_MAX_BYTES", "0"))) {
      kit.wal();
      PerformanceReport.Sources s = kit.performanceSources(Duration.ofMinutes(5));
      assertEquals(0, s.caches().size());
      assertEquals(0, s.leases().acquired());
    }
  }

  @Test
  void performanceSources_ownLeasesReported_addedToTheOwnersLeasesAndLeaks() throws Exception {
    try (KitHome owner = open(Map.of()); KitHome forwarder = open(Map.of())) {
      BackendRegistry registry = owner.wal().ownedRegistry().orElseThrow();
      assertFalse(forwarder.wal().isOwner(), "the second process on the home forwards to the first");
      registry.get("local").add(new ByteArrayInputStream("hello leases".getBytes(UTF_8)));
      io.ipfskit.core.resilience.Leases sessions = new io.ipfskit.core.resilience.Leases(java.time.Clock.systemUTC());
      sessions.acquire("http", "MCP session abcdef01", () -> {});
      Instant acquired = sessions.open().get(0).acquiredAt();
      while (!java.time.Clock.systemUTC().instant().isAfter(acquired)) Thread.onSpinWait(); // its age is > 0 now
      forwarder.reportLeasesOf(() -> sessions);

      PerformanceReport.Sources there = forwarder.performanceSources(Duration.ZERO); // every lease held is a leak
      PerformanceReport.Sources ownerOnly = owner.performanceSources(Duration.ZERO);

      assertEquals(ownerOnly.leases().acquired() + 1, there.leases().acquired(), "the owner's add and this process's session");
      assertEquals(ownerOnly.leases().open() + 1, there.leases().open());
      assertEquals(java.util.List.of("MCP session abcdef01"),
          there.leaks().stream().map(io.ipfskit.core.resilience.LeaseInfo::what).toList());
    }
  }
}
