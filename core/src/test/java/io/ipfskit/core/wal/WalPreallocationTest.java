package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Segments preallocated with zeros: clean end after a kill, rolls, a crash while preparing. */
@Timeout(60)
class WalPreallocationTest {
  @TempDir Path tmp;
  final ScriptedBackend local = new ScriptedBackend("local");

  private WriteAheadLog open(WalConfig cfg, boolean preallocate) throws IOException {
    WriteAheadLog.Options o = new WriteAheadLog.Options(null, null, true, false);
    return WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(), preallocate ? o.withPreallocation() : o);
  }

  private static List<String> add(WriteAheadLog wal, int n, String prefix) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++)
      ids.add(wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid(prefix + i))).operationId());
    return ids;
  }

  /** Offset just after the last valid frame (frames are contiguous from 0; a zero length ends them). */
  private static long recordsEnd(Path seg) throws IOException {
    ByteBuffer buf = SegmentScanner.map(seg);
    long pos = 0;
    while (pos + RecordCodec.HEADER_BYTES <= buf.limit() && buf.getInt((int) pos) > 0)
      pos += RecordCodec.HEADER_BYTES + buf.getInt((int) pos);
    return pos;
  }

  @Test
  void open_preallocatedSegmentAfterKill_findsCleanEndAndAppendsOverTheZeros() throws IOException {
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 3, Duration.ofSeconds(1));
    WriteAheadLog wal = open(cfg, true);
    List<String> ids = add(wal, 50, "a-");
    wal.abandonForTest(); // like kill -9: no checkpoint, no close
    Path seg = Recovery.segments(cfg.directory()).firstEntry().getValue();
    assertEquals(1L << 20, Files.size(seg), "the segment was preallocated to the segment size");
    long end = recordsEnd(seg);
    assertTrue(end > 0 && end < Files.size(seg));

    Recovery r = Recovery.run(cfg.directory());
    assertFalse(r.tornTail, "zeros after the last record are a clean end, not a torn tail");
    assertEquals(end, r.appendOffset);
    assertEquals(50, r.lastSeq);

    List<String> more;
    try (WriteAheadLog again = open(cfg, true)) {
      for (String id : ids) assertTrue(again.get(id).isPresent(), id);
      more = add(again, 10, "b-");
      assertEquals(1L << 20, Files.size(seg), "appends overwrite the preallocated zeros, the file does not grow");
      again.abandonForTest();
    }
    try (WriteAheadLog third = open(cfg, false)) {
      assertEquals(60, third.status().totalOperations());
      for (String id : more) assertTrue(third.get(id).isPresent(), id);
    }
  }

  @Test
  void roll_preallocated_cutsZeroTailOfEveryNonLastSegmentAndKeepsAllRecords() throws IOException {
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS, 4096, 3, Duration.ofSeconds(1));
    List<String> ids;
    try (WriteAheadLog wal = open(cfg, true)) {
      ids = add(wal, 200, "r-"); // ~30 KB of records: several rolls
      TreeMap<Long, Path> segs = Recovery.segments(cfg.directory());
      assertTrue(segs.size() >= 3, "rolled: " + segs.keySet());
      for (Path seg : segs.headMap(segs.lastKey()).values())
        assertEquals(recordsEnd(seg), Files.size(seg), seg + " is not the last segment, so it ends at its last record");
      wal.abandonForTest();
    }
    try (WriteAheadLog wal = open(cfg, false)) {
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
    }
  }

  @Test
  void open_zeroTailInANonLastSegment_isCorruption() throws IOException {
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS, 4096, 3, Duration.ofSeconds(1));
    try (WriteAheadLog wal = open(cfg, true)) {
      add(wal, 100, "z-");
      wal.abandonForTest();
    }
    TreeMap<Long, Path> segs = Recovery.segments(cfg.directory());
    assertTrue(segs.size() >= 2);
    Path first = segs.firstEntry().getValue();
    long size = Files.size(first);
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4096), size); // a zero tail where only the last segment may have one
    }
    WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> open(cfg, true));
    assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not the last"), e.getMessage());
  }

  @Test
  void open_afterCrashWhilePreparingNextSegment_deletesThePartialFileAndOpensCleanly() throws IOException {
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 3, Duration.ofSeconds(1));
    List<String> ids;
    try (WriteAheadLog wal = open(cfg, true)) {
      ids = add(wal, 20, "p-");
      wal.abandonForTest();
    }
    // a crash in the middle of preparing: the temp file is half written (and not all zeros)
    Path partial = cfg.directory().resolve(SegmentLog.PREPARED_NAME);
    byte[] junk = new byte[10_000];
    junk[5000] = 7;
    Files.write(partial, junk);
    try (WriteAheadLog wal = open(cfg, true)) {
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
      List<String> more = add(wal, 5, "q-");
      for (String id : more) assertTrue(wal.get(id).isPresent(), id);
      assertEquals(1, Recovery.segments(cfg.directory()).size(), "the partial file never became a segment");
    }
    assertFalse(Files.exists(partial), "close removes a prepared, unused segment file");
    try (WriteAheadLog wal = open(cfg, false)) {
      assertEquals(25, wal.status().totalOperations());
    }
  }

  @Test
  void open_tornRecordInsidePreallocatedTail_isTornTailCutAndReported() throws IOException {
    WalConfig cfg = config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 3, Duration.ofSeconds(1));
    List<String> ids;
    try (WriteAheadLog wal = open(cfg, true)) {
      ids = add(wal, 30, "t-");
      wal.abandonForTest();
    }
    Path seg = Recovery.segments(cfg.directory()).firstEntry().getValue();
    long end = recordsEnd(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ByteBuffer half = ByteBuffer.allocate(12).putInt(150).putInt(0x12345678).putInt(99).flip();
      ch.write(half, end); // a record whose write was cut short, then the preallocated zeros
    }
    Recovery r = Recovery.run(cfg.directory());
    assertTrue(r.tornTail, "non-zero bytes after the last record are a torn tail, as without preallocation");
    assertEquals(end, r.appendOffset);
    try (WriteAheadLog wal = open(cfg, true)) {
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
      assertEquals(end, Files.size(seg), "the torn tail was cut");
    }
  }
}
