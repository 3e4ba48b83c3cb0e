package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archiver alone, over an in-memory journal and archive; time is handed in as nanoTime readings. */
class ArchiverTest {
  static final long NOW = WriteAheadLog.micros(Instant.parse("2026-03-01T12:00:00Z"));
  static final long T0 = 123_456_789L;
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  @TempDir java.nio.file.Path tmp;
  final ReentrantLock lock = new ReentrantLock();
  final InMemoryJournal journal = new InMemoryJournal();
  final InMemoryArchive archive = new InMemoryArchive();

  WalConfig config(int partitionSize) {
    return new WalConfig(tmp, FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100), 1L << 20,
        partitionSize, 3, Duration.ofSeconds(1), Duration.ofSeconds(60), true, Duration.ofSeconds(1), 30, 1);
  }

  Archiver archiver(OperationArchive a, int partitionSize) {
    WalConfig c = config(partitionSize);
    return new Archiver(lock, journal, a, () -> c, lock.newCondition());
  }

  /** A cancelled (finished, durable) operation, queued for the archive at {@code nanos}. */
  Entry finished(Archiver ar, String id, long nanos) {
    Entry e = journal.add(id, 5, NOW);
    journal.appendStateLocked(e, Lifecycle.cancel(id, e.latest, NOW));
    e.durable = e.latest;
    lock.lock();
    try {
      ar.queueLocked(e, nanos);
    } finally {
      lock.unlock();
    }
    return e;
  }

  @Test
  void archiveDue_partialBatch_waitsUntilTheOldestHasWaitedThirtySeconds() throws Exception {
    Archiver ar = archiver(archive, 3);
    finished(ar, "a", T0);
    finished(ar, "b", T0 + 5 * SECOND);
    assertEquals(0, ar.archiveDue(false, T0 + 30 * SECOND - 1));
    assertEquals(0, archive.count());
    assertEquals(2, ar.archiveDue(false, T0 + 30 * SECOND));
    assertEquals(2, archive.count());
    assertTrue(journal.entries.isEmpty(), "archived operations leave the log");
    assertEquals(List.of("archiving:a,b", "archived:a,b"),
        journal.records.stream().filter(r -> r.startsWith("archiv")).toList());
  }

  @Test
  void archiveDue_fullBatch_archivesAtOnce() throws Exception {
    Archiver ar = archiver(archive, 3);
    for (String id : List.of("a", "b", "c")) finished(ar, id, T0);
    assertEquals(3, ar.archiveDue(false, T0));
    assertEquals(3, archive.count());
  }

  @Test
  void archiveDue_nanoTimeWrapsAround_stillDueAfterThirtySeconds() throws Exception {
    Archiver ar = archiver(archive, 3);
    long start = Long.MAX_VALUE - 10 * SECOND;
    finished(ar, "a", start);
    assertEquals(0, ar.archiveDue(false, start + 29 * SECOND));
    assertEquals(1, ar.archiveDue(false, start + 30 * SECOND));
  }

  @Test
  void archiveDue_forced_archivesASingleOperation() throws Exception {
    Archiver ar = archiver(archive, 1000);
    finished(ar, "a", T0);
    assertEquals(1, ar.archiveDue(true, T0));
    assertEquals("a", archive.find("a").orElseThrow().operationId());
  }

  @Test
  void archiveDue_intentRecordSurvivedACrash_archivesOnlyWhatTheArchiveLacks() throws Exception {
    Archiver ar = archiver(archive, 1000);
    Entry a = finished(ar, "a", T0);
    Entry b = finished(ar, "b", T0);
    a.archiveIntent = true;
    b.archiveIntent = true;
    archive.archive(List.of(WriteAheadLog.toOperation(a, a.latest))); // archived before the crash
    assertEquals(2, ar.archiveDue(true, T0));
    assertEquals(2, archive.count(), "a is not archived twice");
    assertEquals(List.of("archived:a,b"), journal.records.stream().filter(r -> r.startsWith("archiv")).toList(),
        "no new ARCHIVING record: both already have one");
  }

  @Test
  void archiveDue_retriedAfterQueueing_staysInTheLog() throws Exception {
    Archiver ar = archiver(archive, 1000);
    Entry e = finished(ar, "a", T0);
    journal.appendStateLocked(e, Lifecycle.retry("a", e.latest.status, NOW, 3));
    e.durable = e.latest;
    assertEquals(0, ar.archiveDue(true, T0));
    assertEquals(0, archive.count());
    assertTrue(journal.entries.containsKey("a"));
  }

  @Test
  void queueLocked_noArchive_isOffAndArchivesNothing() throws Exception {
    Archiver ar = archiver(null, 1);
    assertFalse(ar.enabled());
    finished(ar, "a", T0);
    lock.lock();
    try {
      assertEquals(0, ar.waitingLocked());
    } finally {
      lock.unlock();
    }
    assertEquals(0, ar.archiveDue(true, T0));
    assertTrue(journal.entries.containsKey("a"));
  }
}
