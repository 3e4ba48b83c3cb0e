package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Damages real segment bytes in a temp dir and checks how recovery classifies each case. */
@Timeout(60)
class WalDamageTest {
  static final int SECTOR = 4096;
  @TempDir Path tmp;
  Path dir;
  WalConfig cfg;
  final ScriptedBackend local = new ScriptedBackend("local");
  final List<String> ids = new ArrayList<>();

  @BeforeEach
  void writeLog() throws IOException {
    dir = tmp.resolve("wal");
    cfg = config(dir, FsyncMode.ALWAYS, 1L << 20, 3, Duration.ofSeconds(1));
    WriteAheadLog wal = open();
    for (int i = 0; i < 120; i++)
      ids.add(wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("bafy-" + i))).operationId());
    wal.abandonForTest(); // no checkpoint: everything lives in the segment
  }

  private WriteAheadLog open() throws IOException {
    return WriteAheadLog.open(cfg, backends(local), Clock.systemUTC(), new WriteAheadLog.Options(null, null, true, false));
  }

  private Path onlySegment() throws IOException {
    TreeMap<Long, Path> segs = Recovery.segments(dir);
    assertEquals(1, segs.size());
    return segs.firstEntry().getValue();
  }

  /** Start offsets of every frame in a clean segment. */
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

  private static void zero(Path file, long offset, int len) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(len), offset);
    }
  }

  private int presentCount(WriteAheadLog wal) {
    int n = 0;
    for (String id : ids) if (wal.get(id).isPresent()) n++;
    return n;
  }

  @Test
  void open_recordCutShort_truncatesTornTailAndKeepsEarlierRecords() throws IOException {
    Path seg = onlySegment();
    long size = Files.size(seg);
    List<Long> frames = frameOffsets(seg);
    long lastFrame = frames.get(frames.size() - 1);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3); // crash mid-write of the last record
    }
    try (WriteAheadLog wal = open()) {
      assertEquals(ids.size() - 1, presentCount(wal));
      assertTrue(wal.get(ids.get(ids.size() - 1)).isEmpty());
      assertEquals(lastFrame, Files.size(seg), "torn tail cut back to the last whole record");
      wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("after-repair")));
    }
    try (WriteAheadLog wal = open()) {
      assertEquals(ids.size() - 1, presentCount(wal));
      assertEquals(ids.size(), wal.status().totalOperations());
    }
  }

  @Test
  void open_zeroFilledRegionAfterLastRecord_isCleanEndAndLosesNothing() throws IOException {
    // Zeros after the last record of the last segment are preallocated, never-written space (see
    // SegmentScanner): a clean end. Before preallocation this was cut as a torn tail; the records
    // kept are the same, but the zeros now stay and the next append overwrites them.
    Path seg = onlySegment();
    long size = Files.size(seg);
    zero(seg, size, SECTOR);
    String after;
    try (WriteAheadLog wal = open()) {
      assertEquals(ids.size(), presentCount(wal));
      assertEquals(size + SECTOR, Files.size(seg), "a clean zero tail is not cut");
      after = wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("after-zero-tail"))).operationId();
      wal.abandonForTest();
    }
    assertEquals(size + SECTOR, Files.size(seg), "the append overwrote the zeros instead of growing the file");
    assertTrue(WriteAheadLog.repair(dir).isEmpty(), "repair finds nothing to cut in a clean zero tail");
    try (WriteAheadLog wal = open()) {
      assertEquals(ids.size(), presentCount(wal));
      assertTrue(wal.get(after).isPresent());
    }
  }

  @Test
  void open_lastSectorZeroed_isTornTailAndKeepsRecordsBeforeIt() throws IOException {
    Path seg = onlySegment();
    long size = Files.size(seg);
    long sectorStart = ((size - 1) / SECTOR) * SECTOR;
    zero(seg, sectorStart, (int) (size - sectorStart));
    List<Long> frames = frameOffsets(seg, sectorStart);
    try (WriteAheadLog wal = open()) {
      int kept = presentCount(wal);
      assertEquals(frames.size(), kept, "every record wholly before the zeroed sector survives");
      assertTrue(kept < ids.size());
      for (int i = 0; i < kept; i++) assertTrue(wal.get(ids.get(i)).isPresent());
    }
  }

  /** Frames that end at or before {@code limit}. */
  private static List<Long> frameOffsets(Path seg, long limit) throws IOException {
    ByteBuffer buf = SegmentScanner.map(seg);
    List<Long> out = new ArrayList<>();
    long pos = 0;
    while (pos + RecordCodec.HEADER_BYTES <= limit) {
      int len = buf.getInt((int) pos);
      if (len <= 0 || pos + RecordCodec.HEADER_BYTES + len > limit) break;
      out.add(pos);
      pos += RecordCodec.HEADER_BYTES + len;
    }
    return out;
  }

  @Test
  void open_sectorZeroedInTheMiddle_refusesWithCorruptionNamingFileAndOffset() throws IOException {
    Path seg = onlySegment();
    assertTrue(Files.size(seg) > 3 * SECTOR, "need a segment of several sectors, have " + Files.size(seg));
    byte[] before = Files.readAllBytes(seg);
    List<Long> wholeBefore = frameOffsets(seg, SECTOR);
    long last = wholeBefore.get(wholeBefore.size() - 1);
    long badFrame = last + RecordCodec.HEADER_BYTES + ByteBuffer.wrap(before).getInt((int) last); // first frame touching the sector
    zero(seg, SECTOR, SECTOR);
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(seg, e.file());
    assertEquals(badFrame, e.offset(), "the first frame touching the zeroed sector");
    assertTrue(e.getMessage().contains("run `ipfs-kit wal repair`"), e.getMessage());
    assertEquals(before.length, Files.size(seg), "a refused open must not cut anything");
  }

  @Test
  void open_bitFlippedInMiddleRecord_refusesWithStoredAndComputedCrc() throws IOException {
    Path seg = onlySegment();
    List<Long> frames = frameOffsets(seg);
    long victim = frames.get(frames.size() / 2);
    long at = victim + RecordCodec.HEADER_BYTES + 20; // inside the payload (the operation id)
    byte[] all = Files.readAllBytes(seg);
    all[(int) at] ^= 0x10;
    Files.write(seg, all);
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(victim, e.offset());
    assertTrue(e.storedCrc() >= 0 && e.computedCrc() >= 0);
    assertNotEquals(e.storedCrc(), e.computedCrc());
    assertTrue(e.getMessage().contains(seg.toString()) && e.getMessage().contains("offset " + victim), e.getMessage());
  }

  @Test
  void repair_bitFlippedInMiddleWithoutFlag_refusesAndChangesNothing() throws IOException {
    // Before issue 6 the default repair cut here, silently dropping the acknowledged records after
    // the damaged one; it now reports what cutting would drop and leaves the bytes alone.
    Path seg = onlySegment();
    List<Long> frames = frameOffsets(seg);
    int victimIndex = frames.size() / 2;
    long victim = frames.get(victimIndex);
    byte[] damaged = Files.readAllBytes(seg);
    damaged[(int) victim + RecordCodec.HEADER_BYTES + 3] ^= 0x01;
    Files.write(seg, damaged);

    List<RepairReport> reports = WriteAheadLog.repair(dir);
    assertEquals(1, reports.size());
    RepairReport r = reports.get(0);
    assertEquals(RepairReport.Action.REFUSED, r.action());
    assertEquals(seg, r.file());
    assertEquals(victim, r.offset());
    assertEquals("CRC32C mismatch, and valid records follow it", r.reason());
    assertEquals(frames.size() - victimIndex - 1, r.droppedRecords());
    assertArrayEquals(damaged, Files.readAllBytes(seg));
    assertTrue(Files.notExists(seg.resolveSibling(seg.getFileName() + ".broken")));
    assertThrows(WalCorruptionException.class, this::open);
  }

  @Test
  void repair_bitFlippedInMiddleWithDropAfterDamage_keepsBrokenCopyAndTruncatesSoTheLogOpens() throws IOException {
    Path seg = onlySegment();
    List<Long> frames = frameOffsets(seg);
    int victimIndex = frames.size() / 2;
    long victim = frames.get(victimIndex);
    byte[] damaged = Files.readAllBytes(seg);
    damaged[(int) victim + RecordCodec.HEADER_BYTES + 3] ^= 0x01;
    Files.write(seg, damaged);

    List<RepairReport> reports = WriteAheadLog.repair(dir, true);
    assertEquals(1, reports.size());
    RepairReport r = reports.get(0);
    assertEquals(RepairReport.Action.TRUNCATED_AT_DAMAGE, r.action());
    assertEquals(seg, r.file());
    assertEquals(victim, r.offset());
    assertEquals(damaged.length - victim, r.bytesCut());
    assertEquals("CRC32C mismatch, and valid records follow it", r.reason());
    assertEquals(frames.size() - victimIndex - 1, r.droppedRecords());
    assertEquals(seg.resolveSibling(seg.getFileName() + ".broken"), r.brokenCopy());
    assertArrayEquals(damaged, Files.readAllBytes(r.brokenCopy()));
    assertEquals(victim, Files.size(seg));
    try (WriteAheadLog wal = open()) {
      assertEquals(victimIndex, presentCount(wal));
    }
    assertEquals(List.of(), WriteAheadLog.repair(dir), "a clean log needs no repair");
  }

  @Test
  void open_damageInANonLastSegment_isCorruptionEvenAtItsEnd() throws IOException {
    // roll to a second segment by reopening with a tiny segment size and appending past it
    cfg = config(dir, FsyncMode.ALWAYS, 4096, 3, Duration.ofSeconds(1));
    try (WriteAheadLog wal = open()) {
      for (int i = 0; i < 40; i++) wal.add(new NewOperation(OperationType.PIN, "local", WalTests.cid("more-" + i)));
      wal.abandonForTest();
    } catch (IOException e) {
      throw e;
    }
    TreeMap<Long, Path> segs = Recovery.segments(dir);
    assertTrue(segs.size() >= 2);
    Path first = segs.firstEntry().getValue();
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3);
    }
    WalCorruptionException e = assertThrows(WalCorruptionException.class, this::open);
    assertEquals(first, e.file());
  }
}
