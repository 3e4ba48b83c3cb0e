package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archiving resumed after a crash between the ARCHIVING record and the archive write. Found by
 * {@link WalPowerLossTest}: recovery took "the archive already holds this id" for "archived before
 * the crash", but an operation archived earlier, retried and finished again has an older row there;
 * the newer, acknowledged state was dropped from the log and the stale row won.
 */
@Timeout(60)
class ArchiveAfterCrashTest {
  @TempDir Path tmp;
  final ScriptedBackend local = new ScriptedBackend("local");

  /** A Parquet archive whose next {@code archive} calls can be made to fail, as a crash would leave them. */
  static final class CrashingArchive implements OperationArchive {
    final ParquetArchive real;
    volatile boolean crash;

    CrashingArchive(ParquetArchive real) {
      this.real = real;
    }

    @Override
    public void archive(List<Operation> terminal) throws IOException {
      if (crash) throw new IOException("simulated crash before the partition was written");
      real.archive(terminal);
    }

    @Override
    public Optional<Operation> find(String operationId) throws IOException {
      return real.find(operationId);
    }

    @Override
    public List<Operation> query(OperationQuery q) throws IOException {
      return real.query(q);
    }

    @Override
    public int deleteOlderThan(Instant cutoff, OperationStatus statusOrNull) throws IOException {
      return real.deleteOlderThan(cutoff, statusOrNull);
    }

    @Override
    public long count() {
      return real.count();
    }

    @Override
    public Map<OperationStatus, Long> countByStatus() {
      return real.countByStatus();
    }

    @Override
    public int partitionCount() {
      return real.partitionCount();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  @Test
  void checkpoint_afterCrashMidArchiveOfRetriedOperation_archivesTheNewerState() throws Exception {
    Path dir = tmp.resolve("wal");
    Path partitions = dir.resolve("partitions");
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    CrashingArchive archive = new CrashingArchive(new ParquetArchive(partitions, 10, clock));
    WriteAheadLog wal = WriteAheadLog.open(config(dir, FsyncMode.ALWAYS), backends(local), clock,
        new WriteAheadLog.Options(archive, null, true, false));
    String id = wal.add(new NewOperation(OperationType.ADD, "local", content("again"))).operationId();
    clock.advance(Duration.ofSeconds(1));
    wal.cancel(id);
    wal.checkpoint(); // archives the cancelled operation (row 1)
    assertEquals(1, archive.count());
    clock.advance(Duration.ofSeconds(1));
    wal.retry(id); // back from the archive
    clock.advance(Duration.ofSeconds(1));
    Operation acknowledged = wal.cancel(id); // finished again, newer than row 1
    archive.crash = true;
    assertThrows(IOException.class, wal::checkpoint); // ARCHIVING is on disk, the partition write is not
    wal.abandonForTest();
    archive.close();

    try (WriteAheadLog reopened = WriteAheadLog.open(config(dir, FsyncMode.ALWAYS), backends(local), clock,
        new WriteAheadLog.Options(new ParquetArchive(partitions, 10, clock), null, true, false))) {
      reopened.checkpoint(); // resumes the interrupted archiving
      Operation now = reopened.get(id).orElseThrow();
      assertEquals(OperationStatus.CANCELLED, now.status());
      assertEquals(acknowledged.updatedAt(), now.updatedAt(), "the archive kept the state from before the retry");
    }
  }
}
