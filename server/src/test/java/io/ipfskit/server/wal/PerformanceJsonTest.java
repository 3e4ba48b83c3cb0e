package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.BreakerTransition;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.resilience.LeaseInfo;
import io.ipfskit.core.resilience.Leases;
import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.PoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The owner socket's {@code performance} answer, written by the owner and read back by a forwarding process. */
class PerformanceJsonTest {
  private static final Instant AT = Instant.parse("2026-12-04T12:00:00.123456789Z");

  @Test
  void readSources_everyFigureSet_readsBackEqual() {
    PerformanceReport.Sources s = new PerformanceReport.Sources(
        List.of(new BreakerStatus("ipfs@peer-1", BreakerState.HALF_OPEN, 62.5f, -1f, 8, 41, true, 0.25, 2, 5,
            List.of(new BreakerTransition(AT, BreakerState.CLOSED, BreakerState.OPEN, "failure rate 62.5 % >= 50 %")))),
        new ResilienceConfig.Breaker(50, 80, Duration.ofMillis(2500), ResilienceConfig.WindowType.TIME, 60, 10,
            Duration.ofSeconds(30), 3, 20),
        Map.of("ipfs", new Resilience.RetryFigures(100, 7, 6, 1), "s3", new Resilience.RetryFigures(0, 0, 0, 0)),
        List.of(new PoolStats("ipfs", 16, 3, 2, 1, 900, 0.125, 41.5, 2, "the pool itself now")),
        List.of(new CacheStats("content", 30, 10, 0.75, 4, 4096, 10, 12.5, 1, 2, 6, 6000, 64L << 20)),
        Map.of("ipfs", new CheckedHealth(BackendHealth.unhealthy("connection refused"), AT),
            "local", CheckedHealth.notYetProbed()),
        1234.5, new Leases.Stats(1, 12, 11, Duration.ofNanos(301_000_000_007L)),
        List.of(new LeaseInfo(7, "ipfs", "get bafk stream", AT, Duration.ofNanos(301_000_000_007L),
            "a.B.c(B.java:1)\nd.E.f(E.java:2)")));

    PerformanceReport.Sources read = PerformanceJson.readSources(PerformanceJson.sources(s));

    assertEquals(s, read);
    assertEquals(PerformanceReport.build(s, AT), PerformanceReport.build(read, AT), "the same report either side");
  }

  @Test
  void readSources_noFigures_readsBackNone() {
    PerformanceReport.Sources none = PerformanceReport.Sources.none();
    assertEquals(none, PerformanceJson.readSources(PerformanceJson.sources(none)));
  }

  @Test
  void readSources_answerWithoutSources_internalErrorNamingVersions() {
    ObjectNode answer = OperationJson.MAPPER.createObjectNode().put("sources", "?");
    WalCallException e = assertThrows(WalCallException.class, () -> PerformanceJson.readSources(answer));
    assertEquals(WalCallException.Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().contains("different versions"), e.getMessage());
  }

  @Test
  void readSources_invalidFigure_refusedWithTheRecordsRule() {
    ObjectNode answer = PerformanceJson.sources(PerformanceReport.Sources.none());
    ObjectNode cache = ((ObjectNode) answer.get("sources")).putArray("caches").addObject();
    cache.put("cache", "content").put("hitRate", 1.5);
    WalCallException e = assertThrows(WalCallException.class, () -> PerformanceJson.readSources(answer));
    assertFalse(e.getMessage().isBlank());
  }
}
