package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The continuity rules alone, on segments written frame by frame (no log involved). */
class SegmentChainTest {
  @TempDir Path dir;

  /** Writes a segment named after {@code first} holding one small record per sequence in {@code seqs}. */
  private Path segment(long first, long... seqs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Bytes b = new Bytes(64);
    CRC32C crc = new CRC32C();
    for (long s : seqs) {
      RecordCodec.begin(b, RecordCodec.REMOVED);
      b.putInt(0);
      RecordCodec.seal(b, s, crc);
      out.write(b.buf, 0, b.pos);
    }
    return Files.write(SegmentLog.segmentPath(dir, first), out.toByteArray());
  }

  private SegmentChain.Walk walk(long base) throws IOException {
    List<Long> seen = new ArrayList<>();
    SegmentChain.Walk w = SegmentChain.walk(SegmentChain.segments(dir), base, (seq, kind, p) -> seen.add(seq));
    for (int i = 1; i < seen.size(); i++) assertEquals(seen.get(i - 1) + 1, seen.get(i), "visited in sequence");
    return w;
  }

  @Test
  void walk_contiguousSegmentsAndEmptyLast_isWhole() throws IOException {
    segment(1, 1, 2, 3);
    segment(4, 4, 5);
    segment(6);
    SegmentChain.Walk w = walk(0);
    assertNull(w.damage());
    assertEquals(5, w.lastSeq());
    assertEquals(0, w.appendOffset());
  }

  @Test
  void walk_firstSegmentStartsBeforeTheCheckpointEnds_isWhole() throws IOException {
    segment(3, 3, 4, 5);
    assertNull(walk(4).damage());
  }

  @Test
  void walk_segmentMissingBetweenTwo_isGapNamingTheMissingRange() throws IOException {
    segment(1, 1, 2, 3);
    Path third = segment(7, 7, 8);
    SegmentChain.Damage d = walk(0).damage();
    assertEquals(SegmentChain.Kind.GAP, d.kind());
    assertEquals(third, d.file());
    assertEquals(0, d.offset());
    assertEquals(3, d.lastGoodSeq());
    assertEquals(4, d.expectedSeq());
    assertEquals(7, d.foundSeq());
    assertEquals("sequence gap: expected sequence 4, found 7: records 4..6 are missing (segment-00000000000000000001.wal"
        + " ends at 3, segment-00000000000000000007.wal starts at 7)", d.reason());
  }

  @Test
  void walk_firstSegmentAfterTheCheckpoint_isGap() throws IOException {
    segment(10, 10, 11);
    SegmentChain.Damage d = walk(5).damage();
    assertEquals(SegmentChain.Kind.GAP, d.kind());
    assertEquals("records 6..9 are missing (the checkpoint covers up to 5, the first segment starts at 10)", d.reason());
  }

  @Test
  void walk_recordInsideASegmentSkipsASequence_isGapAtThatRecord() throws IOException {
    Path seg = segment(1, 1, 2, 4, 5);
    SegmentChain.Damage d = walk(0).damage();
    assertEquals(SegmentChain.Kind.GAP, d.kind());
    assertEquals(seg, d.file());
    assertEquals(2, d.lastGoodSeq());
    assertEquals(4, d.foundSeq());
    assertEquals("sequence gap: expected sequence 3, found 4", d.reason());
  }

  @Test
  void walk_segmentNameDisagreesWithItsFirstRecord_isGap() throws IOException {
    segment(1, 1, 2);
    segment(3, 4, 5);
    SegmentChain.Damage d = walk(0).damage();
    assertEquals(SegmentChain.Kind.GAP, d.kind());
    assertEquals(3, d.expectedSeq());
    assertEquals(4, d.foundSeq());
  }

  @Test
  void walk_segmentsEndBeforeTheCheckpoint_isGap() throws IOException {
    segment(1, 1, 2);
    SegmentChain.Damage d = walk(5).damage();
    assertEquals(SegmentChain.Kind.GAP, d.kind());
    assertEquals(2, d.lastGoodSeq());
  }

  @Test
  void walk_lastSegmentCutMidRecord_isTornTail() throws IOException {
    Path seg = segment(1, 1, 2, 3);
    long size = Files.size(seg);
    byte[] all = Files.readAllBytes(seg);
    Files.write(seg, java.util.Arrays.copyOf(all, all.length - 2));
    SegmentChain.Walk w = walk(0);
    assertEquals(SegmentChain.Kind.TORN_TAIL, w.damage().kind());
    assertEquals(2, w.lastSeq());
    assertEquals(size / 3 * 2, w.appendOffset());
  }
}
