package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 6: {@code periodic_interval_ms = Long.MAX_VALUE} was accepted and the flusher thread died
 * computing its wait ({@code Duration.toNanos} overflow), so fsyncs stopped. The value is now refused,
 * and the largest allowed interval leaves a flusher that is alive and still flushes when woken.
 */
@Timeout(60)
class WalFlusherBoundsTest {
  @TempDir Path home;

  @Test
  void periodicFlusher_largestAllowedInterval_staysAliveAndFlushesWhenWoken() throws Exception {
    Set<Thread> before = flushers();
    WalConfig config = WalConfig.from(home, Settings.of(Map.of(
        "IPFS_KIT_WAL_FSYNC_MODE", "periodic",
        "IPFS_KIT_WAL_PERIODIC_INTERVAL_MS", Long.toString(WalConfig.MAX_INTERVAL.toMillis())),
        SettingSource.environment()));
    try (WriteAheadLog wal = WriteAheadLog.openPaused(config, backends(new ScriptedBackend("local")),
        Clock.systemUTC())) {
      Thread flusher = awaitNewFlusher(before);
      awaitTrue(() -> flusher.getState() == Thread.State.TIMED_WAITING, "flusher parks for the interval");

      ConfigException refused = assertThrows(ConfigException.class,
          () -> wal.updateConfig(Map.of("periodic_interval_ms", Long.toString(Long.MAX_VALUE))));
      assertEquals("periodic_interval_ms (from live update): must be an integer from 1 to 3600000 (milliseconds)",
          refused.getMessage());
      assertEquals(WalConfig.MAX_INTERVAL, wal.config().periodicInterval());

      long fsyncs = wal.metrics().fsyncs();
      wal.add(new NewOperation(OperationType.ADD, "local", content("flush me")));
      LockSupport.unpark(flusher); // the hour is "over": the flusher must flush, not die
      awaitTrue(() -> wal.metrics().fsyncs() > fsyncs, "the woken flusher forces the new record");
      awaitTrue(() -> flusher.getState() == Thread.State.TIMED_WAITING, "the flusher parks again");
      assertTrue(flusher.isAlive());
    }
  }

  private static Set<Thread> flushers() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("wal-flusher"))
        .collect(Collectors.toCollection(HashSet::new));
  }

  private static Thread awaitNewFlusher(Set<Thread> before) {
    Thread[] found = new Thread[1];
    awaitTrue(() -> {
      Set<Thread> now = flushers();
      now.removeAll(before);
      if (now.size() != 1) return false;
      found[0] = now.iterator().next();
      return true;
    }, "one new wal-flusher thread");
    return found[0];
  }

  /** Bounded polling (no fixed sleep): yields until the condition holds or 10 s pass. */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
