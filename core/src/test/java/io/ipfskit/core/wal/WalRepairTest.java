package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages real bytes of a log of several segments in a temp dir: sequence continuity across
 * segments, and what {@link WriteAheadLog#repair(Path, boolean)} does with damage in the middle.
 * Operation {@code i} (0-based) is the record with sequence {@code i + 1}: the log is paused and
 * never checkpoints, so each add is exactly one record.
 */
@Timeout(60)
class WalRepairTest {
  static final int OPS = 120;
  @TempDir Path tmp;
  Path dir;
  WalConfig cfg;
  final ScriptedBackend local = new ScriptedBackend("local");
  final List<String> ids = new ArrayList<>();

  @BeforeEach
  void writeLog() throws IOException {
    dir = tmp.resolve("wal");
    cfg = config(dir, FsyncMode.ALWAYS, 4096, 3, Duration.ofSeconds(1)); // ~25 records per segment
    WriteAheadLog wal = open();
    for (int i = 0; i < OPS; i++)
      ids.add(wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("bafy-" + i))).operationId());
    wal.abandonForTest(); // no checkpoint: everything lives in the segments
    assertTrue(segments().size() >= 4, "need at least four segments, have " + segments().size());
  }

  private WriteAheadLog open() throws IOException {
    return WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(), new WriteAheadLog.Options(null, null, true, false));
  }

  private TreeMap<Long, Path> segments() throws IOException {
    return Recovery.segments(dir);
  }

  /** The index-th segment (0-based), by first sequence. */
  private Path segment(int index) throws IOException {
    return new ArrayList<>(segments().values()).get(index);
  }

  private static List<Long> frameOffsets(Path seg) throws IOException {
    ByteBuffer buf = SegmentScanner.map(seg);
    List<Long> out = new ArrayList<>();
    long pos = 0;
    while (pos < buf.limit()) {
      out.add(pos);
      pos += RecordCodec.HEADER_BYTES + buf.getInt((int) pos);
    }
    return out;
  }

  private static void flipBit(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    all[(int) offset] ^= 0x10;
    Files.write(file, all);
  }

  /** Every file in the directory (name → bytes), to prove a refused repair changed nothing. */
  private Map<String, byte[]> snapshot() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) if (Files.isRegularFile(p)) out.put(p.getFileName().toString(), Files.readAllBytes(p));
    }
    return out;
  }

  private static void assertSameFiles(Map<String, byte[]> before, Map<String, byte[]> after) {
    assertEquals(before.keySet(), after.keySet(), "no file added, removed or renamed");
    for (String name : before.keySet()) assertArrayEquals(before.get(name), after.get(name), name + " changed");
  }

  /** Opens, checks exactly the first {@code kept} operations are there and the sequences are contiguous. */
  private void assertOpensWithFirst(int kept) throws IOException {
    try (WriteAheadLog wal = open()) {
      for (int i = 0; i < OPS; i++)
        assertEquals(i < kept, wal.get(ids.get(i)).isPresent(), "operation " + i + " (sequence " + (i + 1) + ")");
      assertEquals(kept, wal.status().lastSequence());
      wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("after-repair")));
      wal.abandonForTest();
    }
    SegmentChain.Walk walk = SegmentChain.walk(segments(), 0, (s, k, p) -> {});
    assertNull(walk.damage(), "contiguous after repair and one more append: " + walk.damage());
    assertEquals(kept + 1, walk.lastSeq());
    assertEquals(List.of(), WriteAheadLog.repair(dir), "a whole log needs no repair");
  }

  private static long sum(List<RepairReport> reports) {
    long n = 0;
    for (RepairReport r : reports) n += r.droppedRecords();
    return n;
  }

  // ------------------------------------------------------------------ a bit flipped in a segment that is not the last

  /** Flips a bit inside the middle record of the second segment; returns its 0-based operation index. */
  private int damageSecondSegment() throws IOException {
    Path seg = segment(1);
    List<Long> frames = frameOffsets(seg);
    int inSeg = frames.size() / 2;
    flipBit(seg, frames.get(inSeg) + RecordCodec.HEADER_BYTES + 20);
    return (int) (SegmentLog.firstSeqOf(seg) - 1) + inSeg;
  }

  @Test
  void open_bitFlippedInNonLastSegment_refusesNamingFileAndOffset() throws IOException {
    Path seg = segment(1);
    long victim = frameOffsets(seg).get(frameOffsets(seg).size() / 2);
    damageSecondSegment();
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(seg, e.file());
    assertEquals(victim, e.offset());
    assertTrue(e.getMessage().contains("--drop-after-damage"), e.getMessage());
  }

  @Test
  void repair_bitFlippedInNonLastSegmentWithoutFlag_refusesAndLeavesEveryByteIdentical() throws IOException {
    Path seg = segment(1);
    long victimOffset = frameOffsets(seg).get(frameOffsets(seg).size() / 2);
    int victim = damageSecondSegment();
    Map<String, byte[]> before = snapshot();

    List<RepairReport> reports = WriteAheadLog.repair(dir);

    assertSameFiles(before, snapshot());
    assertEquals(1, reports.size(), reports.toString());
    RepairReport r = reports.get(0);
    assertTrue(r.refused());
    assertEquals(RepairReport.Action.REFUSED, r.action());
    assertEquals(seg, r.file());
    assertEquals(victimOffset, r.offset());
    assertEquals("CRC32C mismatch in a segment that is not the last", r.reason());
    assertEquals(OPS - victim - 1, r.droppedRecords(), "every acknowledged record after the damaged one");
    assertNull(r.brokenCopy());
    assertThrows(WalCorruptionException.class, this::open, "still refused: nothing was repaired");
  }

  @Test
  void repair_bitFlippedInNonLastSegmentWithFlag_movesLaterSegmentsAsideAndReportsDroppedCount() throws IOException {
    List<Path> segs = new ArrayList<>(segments().values());
    Path seg = segs.get(1);
    long victimOffset = frameOffsets(seg).get(frameOffsets(seg).size() / 2);
    int victim = damageSecondSegment();
    byte[] damaged = Files.readAllBytes(seg);
    List<byte[]> later = new ArrayList<>();
    for (int i = 2; i < segs.size(); i++) later.add(Files.readAllBytes(segs.get(i)));

    List<RepairReport> reports = WriteAheadLog.repair(dir, true);

    assertEquals(segs.size() - 1, reports.size(), reports.toString());
    assertEquals(OPS - victim - 1, sum(reports), "exactly the acknowledged records after the damaged one");
    RepairReport cut = reports.get(reports.size() - 1);
    assertEquals(RepairReport.Action.TRUNCATED_AT_DAMAGE, cut.action());
    assertEquals(seg, cut.file());
    assertEquals(victimOffset, cut.offset());
    assertEquals(damaged.length - victimOffset, cut.bytesCut());
    assertEquals(victimOffset, Files.size(seg));
    assertArrayEquals(damaged, Files.readAllBytes(cut.brokenCopy()));
    for (int i = 2; i < segs.size(); i++) {
      RepairReport moved = reports.get(segs.size() - 1 - i); // newest first
      assertEquals(RepairReport.Action.MOVED_ASIDE, moved.action());
      assertEquals(segs.get(i), moved.file());
      assertFalse(Files.exists(segs.get(i)));
      assertEquals(segs.get(i).resolveSibling(segs.get(i).getFileName() + ".broken"), moved.brokenCopy());
      assertArrayEquals(later.get(i - 2), Files.readAllBytes(moved.brokenCopy()));
    }
    assertOpensWithFirst(victim);
  }

  // ------------------------------------------------------------------ gaps in the sequence numbers

  @Test
  void open_middleSegmentDeleted_refusesNamingTheMissingRange() throws IOException {
    Path gone = segment(1);
    Path next = segment(2);
    long from = SegmentLog.firstSeqOf(gone);
    long to = SegmentLog.firstSeqOf(next) - 1;
    Files.delete(gone);
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(next, e.file());
    assertEquals(0, e.offset());
    assertEquals(from, e.expectedSeq());
    assertEquals(to + 1, e.foundSeq());
    assertTrue(e.getMessage().contains("records " + from + ".." + to + " are missing"), e.getMessage());
  }

  @Test
  void repair_middleSegmentDeletedWithFlag_dropsEverythingAfterTheGap() throws IOException {
    Path gone = segment(1);
    int kept = (int) SegmentLog.firstSeqOf(gone) - 1;
    Files.delete(gone);
    Map<String, byte[]> before = snapshot();
    List<RepairReport> refused = WriteAheadLog.repair(dir);
    assertSameFiles(before, snapshot());
    assertEquals(RepairReport.Action.REFUSED, refused.get(0).action());
    long inLater = 0;
    for (Path p : segments().tailMap((long) kept + 1).values()) inLater += frameOffsets(p).size();
    assertEquals(inLater, refused.get(0).droppedRecords());

    List<RepairReport> reports = WriteAheadLog.repair(dir, true);
    assertEquals(inLater, sum(reports));
    for (RepairReport r : reports) assertEquals(RepairReport.Action.MOVED_ASIDE, r.action());
    assertOpensWithFirst(kept);
  }

  @Test
  void open_lastRecordSequenceJumps_refusesAsGapNotTornTail() throws IOException {
    // a whole, CRC-valid last record whose sequence skips four: never what a torn write leaves
    Path last = segments().lastEntry().getValue();
    List<Long> frames = frameOffsets(last);
    long at = frames.get(frames.size() - 1);
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(last));
    int len = buf.getInt((int) at);
    buf.putLong((int) at + RecordCodec.HEADER_BYTES, OPS + 4);
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), (int) at + RecordCodec.HEADER_BYTES, len);
    buf.putInt((int) at + 4, (int) crc.getValue());
    Files.write(last, buf.array());
    long size = Files.size(last);

    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(last, e.file());
    assertEquals(at, e.offset());
    assertEquals(OPS, e.expectedSeq());
    assertEquals(OPS + 4, e.foundSeq());
    assertTrue(e.getMessage().contains("expected sequence " + OPS + ", found " + (OPS + 4)), e.getMessage());
    assertEquals(size, Files.size(last), "a refused open cuts nothing");
  }

  // ------------------------------------------------------------------ torn tail: repaired by default

  @Test
  void repair_tornTailOfLastSegment_truncatesByDefaultAndDropsNothingAcknowledged() throws IOException {
    Path last = segments().lastEntry().getValue();
    List<Long> frames = frameOffsets(last);
    long lastFrame = frames.get(frames.size() - 1);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3); // crash mid-write of the last record
    }
    byte[] torn = Files.readAllBytes(last);

    List<RepairReport> reports = WriteAheadLog.repair(dir);

    assertEquals(1, reports.size(), reports.toString());
    RepairReport r = reports.get(0);
    assertEquals(RepairReport.Action.TRUNCATED_TORN_TAIL, r.action());
    assertEquals(last, r.file());
    assertEquals(lastFrame, r.offset());
    assertEquals(0, r.droppedRecords());
    assertEquals(lastFrame, Files.size(last));
    assertArrayEquals(torn, Files.readAllBytes(r.brokenCopy()));
    assertOpensWithFirst(OPS - 1);
  }

  // ------------------------------------------------------------------ a checkpoint covering records beyond the cut

  @Test
  void repair_damageInSegmentsTheCheckpointCovers_movesThemAsideAndDropsNothing() throws IOException {
    // Segments a checkpoint covers are deleted after it is written; a crash in between leaves them.
    Path keep = tmp.resolve("covered");
    Files.createDirectories(keep);
    List<Path> covered = new ArrayList<>(segments().values());
    for (Path p : covered) Files.copy(p, keep.resolve(p.getFileName()));
    List<String> more = new ArrayList<>();
    try (WriteAheadLog wal = open()) {
      wal.checkpoint(); // covers 1..OPS, starts segment OPS+1, deletes the others
      for (int i = 0; i < 10; i++)
        more.add(wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("more-" + i))).operationId());
      wal.abandonForTest();
    }
    for (Path p : covered) Files.copy(keep.resolve(p.getFileName()), p, StandardCopyOption.REPLACE_EXISTING);
    Path seg = covered.get(1);
    flipBit(seg, frameOffsets(seg).get(3) + RecordCodec.HEADER_BYTES + 20);
    assertThrows(WalCorruptionException.class, this::open);

    List<RepairReport> refused = WriteAheadLog.repair(dir);
    assertEquals(RepairReport.Action.REFUSED, refused.get(0).action());
    assertEquals(0, refused.get(0).droppedRecords(), "the checkpoint holds every record the damage touches");

    List<RepairReport> reports = WriteAheadLog.repair(dir, true);
    assertEquals(covered.size(), reports.size(), reports.toString());
    for (RepairReport r : reports) {
      assertEquals(RepairReport.Action.MOVED_ASIDE, r.action());
      assertEquals(0, r.droppedRecords());
    }
    assertEquals(Checkpoints.list(dir).size(), 1, "the checkpoint is kept");
    try (WriteAheadLog wal = open()) {
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
      for (String id : more) assertTrue(wal.get(id).isPresent(), id);
      assertEquals(OPS + 10, wal.status().lastSequence());
    }
  }

  @Test
  void repair_segmentsEndBeforeTheCheckpoint_restartsFromTheCheckpointAlone() throws IOException {
    // The checkpoint covers 1..OPS but the segments holding OPS+1.. are gone and the covered ones
    // stayed: truncating would leave the next record (OPS+1) after an older one.
    Path keep = tmp.resolve("covered");
    Files.createDirectories(keep);
    List<Path> covered = new ArrayList<>(segments().values());
    for (Path p : covered) Files.copy(p, keep.resolve(p.getFileName()));
    try (WriteAheadLog wal = open()) {
      wal.checkpoint();
      wal.abandonForTest();
    }
    for (Path p : segments().values()) Files.delete(p);
    Files.copy(keep.resolve(covered.get(0).getFileName()), covered.get(0));
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertTrue(e.getMessage().contains("checkpoint covers up to " + OPS), e.getMessage());

    List<RepairReport> reports = WriteAheadLog.repair(dir, true);
    assertEquals(1, reports.size(), reports.toString());
    assertEquals(RepairReport.Action.MOVED_ASIDE, reports.get(0).action());
    assertEquals(0, reports.get(0).droppedRecords());
    try (WriteAheadLog wal = open()) {
      for (String id : ids) assertTrue(wal.get(id).isPresent(), id);
      assertEquals(OPS, wal.status().lastSequence());
    }
  }

  @Test
  void repair_unreadableCheckpointWhileSegmentsStillHoldEverything_movesItAsideByDefault() throws IOException {
    Path keep = tmp.resolve("covered");
    Files.createDirectories(keep);
    List<Path> covered = new ArrayList<>(segments().values());
    for (Path p : covered) Files.copy(p, keep.resolve(p.getFileName()));
    try (WriteAheadLog wal = open()) {
      wal.checkpoint();
      wal.abandonForTest();
    }
    for (Path p : covered) Files.copy(keep.resolve(p.getFileName()), p, StandardCopyOption.REPLACE_EXISTING);
    Path cp = Checkpoints.list(dir).get(0);
    flipBit(cp, 40);
    assertThrows(WalCorruptionException.class, this::open);

    List<RepairReport> reports = WriteAheadLog.repair(dir);

    assertEquals(1, reports.size(), reports.toString());
    assertEquals(RepairReport.Action.CHECKPOINT_MOVED_ASIDE, reports.get(0).action());
    assertEquals(cp, reports.get(0).file());
    assertEquals(0, reports.get(0).droppedRecords(), "the segments still hold every record");
    assertTrue(Files.exists(reports.get(0).brokenCopy()));
    assertOpensWithFirst(OPS);
  }

  @Test
  void repair_unreadableCheckpointWhoseSegmentsAreGone_refusesNamingTheCheckpoint() throws IOException {
    try (WriteAheadLog wal = open()) {
      wal.checkpoint(); // deletes every segment it covers
      wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("after-checkpoint")));
      wal.abandonForTest();
    }
    Path cp = Checkpoints.list(dir).get(0);
    flipBit(cp, 20); // inside the header frame: every operation record stays readable
    Map<String, byte[]> before = snapshot();

    List<RepairReport> reports = WriteAheadLog.repair(dir);

    assertSameFiles(before, snapshot());
    assertEquals(1, reports.size(), reports.toString());
    RepairReport r = reports.get(0);
    assertEquals(RepairReport.Action.REFUSED, r.action());
    assertTrue(r.reason().startsWith(cp.getFileName() + " is unreadable and would be moved aside, and without it"
        + " records 1.." + OPS + " are missing"), r.reason());
    assertEquals(OPS + 1, r.droppedRecords(), "the operations in the checkpoint and the record after it");
  }
}
