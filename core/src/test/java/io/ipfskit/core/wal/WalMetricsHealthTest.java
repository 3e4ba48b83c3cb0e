package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.ForwardingBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link WriteAheadLog#metrics()} reports cached backend health and never probes a backend itself. */
@Timeout(60)
class WalMetricsHealthTest {
  static final Duration INTERVAL = Duration.ofSeconds(15);
  @TempDir Path tmp;
  final Clock clock = Clock.fixed(Instant.parse("2026-12-04T15:00:00Z"), ZoneOffset.UTC);
  final CountingProbes local = new CountingProbes(new ScriptedBackend("local"));

  @Test
  void metrics_withRegistryHealth_readsCacheAndProbeCountFollowsScheduleOnly() throws Exception {
    try (BackendRegistry registry = BackendRegistry.open(BackendsConfig.embedded(tmp),
            Map.of("local", c -> Optional.of(local)), INTERVAL, clock);
         WriteAheadLog wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS), registry.backends(),
            name -> registry.health(name).health(), clock)) {
      for (int i = 0; i < 50; i++) assertEquals("unknown", wal.metrics().backends().get("local").health());
      assertEquals(0, local.probes.get(), "metrics must not probe");

      registry.probeHealthDue(0);
      for (int i = 0; i < 50; i++) assertEquals("healthy", wal.metrics().backends().get("local").health());
      assertEquals(1, local.probes.get(), "50 metrics calls, one scheduled probe");

      local.scripted.setOffline(true);
      registry.probeHealthDue(TimeUnit.SECONDS.toNanos(5)); // not due yet
      assertEquals("healthy", wal.metrics().backends().get("local").health());
      registry.probeHealthDue(INTERVAL.toNanos());
      assertEquals("unhealthy", wal.metrics().backends().get("local").health());
      assertEquals(2, local.probes.get());
    }
  }

  @Test
  void metrics_openedWithoutHealthSource_unknownAndNeverProbes() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS),
        Map.of("local", local), clock)) {
      for (int i = 0; i < 20; i++) assertEquals("unknown", wal.metrics().backends().get("local").health());
      assertEquals(0, local.probes.get());
    }
  }

  /** Delegates to a {@link ScriptedBackend}, counting health probes. */
  static final class CountingProbes extends ForwardingBackend {
    final ScriptedBackend scripted;
    final AtomicInteger probes = new AtomicInteger();

    CountingProbes(ScriptedBackend scripted) {
      super(scripted);
      this.scripted = scripted;
    }

    @Override
    public BackendHealth health() {
      probes.incrementAndGet();
      return delegate.health();
    }
  }
}
