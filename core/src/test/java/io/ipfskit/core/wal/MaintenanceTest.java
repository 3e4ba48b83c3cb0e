package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maintenance rules driven by explicit nanoTime readings (OkHttp's cleanup(now) idiom). */
class MaintenanceTest {
  static final long T0 = -5_000_000_000L; // nanoTime may be negative
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  static final long HOUR = TimeUnit.HOURS.toNanos(1);
  @TempDir java.nio.file.Path tmp;

  /** Records what a round asked for; the log's counters are set by the test. */
  static final class RecordingTasks implements Maintenance.Tasks {
    final List<String> calls = new ArrayList<>();
    int segments = 1;
    long records;
    boolean failArchive;

    @Override
    public void archiveDue(long nowNanos) throws IOException {
      calls.add("archive@" + nowNanos);
      if (failArchive) throw new IOException("disk full");
    }

    @Override
    public int cleanup(int maxAgeDays) {
      calls.add("cleanup(" + maxAgeDays + ")");
      return 0;
    }

    @Override
    public int segmentCount() {
      return segments;
    }

    @Override
    public long recordsSinceCheckpoint() {
      return records;
    }

    @Override
    public void checkpoint() {
      calls.add("checkpoint");
    }

    long count(String prefix) {
      return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
  }

  WalConfig config(Duration processInterval) {
    return new WalConfig(tmp, FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100), 1L << 20, 1000,
        3, Duration.ofSeconds(1), Duration.ofSeconds(60), true, processInterval, 7, 1);
  }

  Maintenance maintenance(RecordingTasks tasks, boolean autoCheckpoint) {
    WalConfig c = config(Duration.ofSeconds(1));
    return new Maintenance(tasks, () -> c, autoCheckpoint);
  }

  @Test
  void runOnce_firstRound_cleansUpAtOnceNotAnHourAfterStart() {
    RecordingTasks tasks = new RecordingTasks();
    maintenance(tasks, true).runOnce(T0);
    assertEquals(List.of("archive@" + T0, "cleanup(7)"), tasks.calls);
  }

  @Test
  void runOnce_roundsWithinTheHour_cleanUpOnlyOnceThenAgainAfterAnHour() {
    RecordingTasks tasks = new RecordingTasks();
    Maintenance m = maintenance(tasks, true);
    m.runOnce(T0);
    m.runOnce(T0 + SECOND);
    m.runOnce(T0 + HOUR - 1);
    assertEquals(1, tasks.count("cleanup"));
    assertEquals(3, tasks.count("archive"));
    m.runOnce(T0 + HOUR);
    assertEquals(2, tasks.count("cleanup"));
  }

  @Test
  void runOnce_returnsTheNextRoundWithinThePollInterval() {
    RecordingTasks tasks = new RecordingTasks();
    Maintenance m = maintenance(tasks, true);
    assertEquals(T0 + SECOND, m.runOnce(T0));
    WalConfig fast = config(Duration.ofMillis(200));
    Maintenance quick = new Maintenance(tasks, () -> fast, true);
    assertEquals(T0 + TimeUnit.MILLISECONDS.toNanos(200), quick.runOnce(T0));
  }

  @Test
  void runOnce_cleanupDueBeforeThePoll_returnsTheCleanupTime() {
    RecordingTasks tasks = new RecordingTasks();
    Maintenance m = maintenance(tasks, true);
    m.runOnce(T0);
    assertEquals(T0 + HOUR, m.runOnce(T0 + HOUR - SECOND / 2));
  }

  @Test
  void runOnce_autoCheckpointOffAndManyRecords_neverCheckpoints() {
    RecordingTasks tasks = new RecordingTasks();
    tasks.records = Maintenance.CHECKPOINT_EVERY_RECORDS;
    tasks.segments = Maintenance.CHECKPOINT_AT_SEGMENTS;
    Maintenance m = maintenance(tasks, false);
    m.runOnce(T0);
    m.runOnce(T0 + SECOND);
    assertEquals(0, tasks.count("checkpoint"), "automatic checkpoints are off: " + tasks.calls);
  }

  @Test
  void runOnce_autoCheckpointOnAndThreeSegments_checkpoints() {
    RecordingTasks tasks = new RecordingTasks();
    tasks.segments = Maintenance.CHECKPOINT_AT_SEGMENTS;
    maintenance(tasks, true).runOnce(T0);
    assertEquals(1, tasks.count("checkpoint"));
  }

  @Test
  void runOnce_autoCheckpointOnAndManyRecords_checkpoints() {
    RecordingTasks tasks = new RecordingTasks();
    tasks.records = Maintenance.CHECKPOINT_EVERY_RECORDS;
    maintenance(tasks, true).runOnce(T0);
    assertEquals(1, tasks.count("checkpoint"));
  }

  @Test
  void runOnce_autoCheckpointOnBelowBothThresholds_doesNotCheckpoint() {
    RecordingTasks tasks = new RecordingTasks();
    tasks.segments = Maintenance.CHECKPOINT_AT_SEGMENTS - 1;
    tasks.records = Maintenance.CHECKPOINT_EVERY_RECORDS - 1;
    maintenance(tasks, true).runOnce(T0);
    assertEquals(0, tasks.count("checkpoint"));
  }

  @Test
  void runOnce_archivingFails_stillCleansUpAndChecksTheCheckpoint() {
    RecordingTasks tasks = new RecordingTasks();
    tasks.failArchive = true;
    tasks.segments = Maintenance.CHECKPOINT_AT_SEGMENTS;
    assertEquals(T0 + SECOND, maintenance(tasks, true).runOnce(T0));
    assertEquals(List.of("archive@" + T0, "cleanup(7)", "checkpoint"), tasks.calls);
  }
}
