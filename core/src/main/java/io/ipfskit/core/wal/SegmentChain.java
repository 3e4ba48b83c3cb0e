package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules that make the segments of a directory one log, shared by {@link Recovery} (which
 * refuses to open on a break) and {@link Repair} (which plans what to cut):
 * <ul>
 *   <li>sequence numbers follow each other with no gap (etcd's {@code isValidSeq}): inside a
 *       segment each record is the previous plus one; a segment's name carries its first sequence,
 *       which must be the previous segment's last plus one, and its first record must carry it;
 *   <li>the first segment joins the checkpoint: it starts at or before {@code base + 1}, where
 *       {@code base} is the sequence the newest checkpoint covers (0 without one), and the segments
 *       reach at least {@code base} (a checkpoint is written only after every record it covers was
 *       forced to a segment, so they always do unless files were lost);
 *   <li>a bad frame in the last segment with nothing but zeros after it is a clean end
 *       (preallocated space); with no valid frame after it, a torn tail (safe to cut: only records
 *       never acknowledged are there); anything else, and any sequence break, is damage in the
 *       middle of the log: acknowledged records would be lost by cutting there.
 * </ul>
 * Only the last segment may be empty (a log rolls only once a segment is full, and a checkpoint cut
 * starts a new segment only after the current one holds a record).
 */
final class SegmentChain {

  enum Kind {
    /** Bad frame at the end of the last segment with no valid frame after it: cut it. */
    TORN_TAIL,
    /** A bad frame that is not a torn tail: acknowledged records after it would be lost. */
    CORRUPT,
    /** Sequence numbers do not follow each other: records are missing (or out of place). */
    GAP
  }

  /**
   * The first place where the chain breaks.
   *
   * @param file the segment where the break was found
   * @param offset where the first bad or out-of-sequence frame starts (0 for a whole missing range)
   * @param lastGoodSeq the last sequence that is readable and in order before the break
   * @param expectedSeq the sequence that should have come next; {@code foundSeq} what came instead
   *     (-1 if no frame could be read there)
   */
  record Damage(Kind kind, Path file, long offset, long fileSize, long lastGoodSeq, long expectedSeq, long foundSeq,
      String reason, long storedCrc, long computedCrc) {

    boolean middle() {
      return kind != Kind.TORN_TAIL;
    }

    WalCorruptionException toException() {
      return new WalCorruptionException(file, offset, storedCrc, computedCrc, reason, expectedSeq, foundSeq);
    }
  }

  /**
   * @param lastSeq the last sequence in order (the base if no segment holds a record after it)
   * @param appendOffset where the last segment's valid records end
   * @param damage the first break, or null if the chain is whole; a walk stops at the first middle
   *     damage, a torn tail is always the last thing found
   */
  record Walk(long lastSeq, long appendOffset, Damage damage) {}

  private SegmentChain() {}

  /** Segment files of {@code dir} by first sequence. */
  static TreeMap<Long, Path> segments(Path dir) throws IOException {
    TreeMap<Long, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) if (SegmentLog.isSegment(p)) out.put(SegmentLog.firstSeqOf(p), p);
    }
    return out;
  }

  /**
   * Scans every segment in order, calling {@code visitor} for each record in sequence, and stops at
   * the first middle damage.
   *
   * @param base the sequence the checkpoint covers (0 without one)
   */
  static Walk walk(TreeMap<Long, Path> segments, long base, SegmentScanner.Visitor visitor) throws IOException {
    if (segments.isEmpty()) return new Walk(base, 0, null);
    Path lastSegment = segments.lastEntry().getValue();
    Path previous = null;
    long prevLast = base;
    long appendOffset = 0;
    for (Map.Entry<Long, Path> en : segments.entrySet()) {
      long first = en.getKey();
      Path seg = en.getValue();
      boolean isLast = seg.equals(lastSegment);
      if (previous == null && first > base + 1) {
        return new Walk(base, 0, new Damage(Kind.GAP, seg, 0, Files.size(seg), base, base + 1, first,
            "records " + (base + 1) + ".." + (first - 1) + " are missing ("
                + (base == 0 ? "there is no checkpoint" : "the checkpoint covers up to " + base)
                + ", the first segment starts at " + first + ")", -1, -1));
      }
      if (previous != null && first != prevLast + 1) {
        String why = first > prevLast + 1
            ? "records " + (prevLast + 1) + ".." + (first - 1) + " are missing (" + previous.getFileName() + " ends at "
                + prevLast + ", " + seg.getFileName() + " starts at " + first + ")"
            : seg.getFileName() + " starts at " + first + " but " + previous.getFileName() + " already ends at "
                + prevLast;
        return new Walk(prevLast, 0, new Damage(Kind.GAP, seg, 0, Files.size(seg), prevLast, prevLast + 1, first,
            "sequence gap: expected sequence " + (prevLast + 1) + ", found " + first + ": " + why, -1, -1));
      }
      ByteBuffer buf = SegmentScanner.map(seg);
      SegmentScanner.Result res = SegmentScanner.scan(buf, first - 1, visitor);
      prevLast = res.lastSeq();
      previous = seg;
      if (isLast) appendOffset = res.validEnd();
      if (res.clean()) continue;
      // Zeros from the last valid record to the end of the last segment are its preallocated,
      // never-written space: a clean end. Only the last segment may have one (a roll cuts it off).
      if (isLast && !res.sequenceBreak() && SegmentScanner.allZero(buf, (int) res.validEnd())) continue;
      Kind kind;
      String reason;
      if (res.sequenceBreak()) {
        kind = Kind.GAP;
        reason = res.badReason();
      } else if (isLast && !SegmentScanner.validFrameAfter(buf, (int) res.validEnd() + 1, res.lastSeq())) {
        kind = Kind.TORN_TAIL;
        reason = res.badReason();
      } else {
        kind = Kind.CORRUPT;
        reason = res.badReason() + (isLast ? ", and valid records follow it" : " in a segment that is not the last");
      }
      Damage d = new Damage(kind, seg, res.validEnd(), res.size(), res.lastSeq(), res.lastSeq() + 1, res.foundSeq(),
          reason, res.storedCrc(), res.computedCrc());
      if (kind != Kind.TORN_TAIL) return new Walk(prevLast, appendOffset, d);
      return behindCheckpoint(prevLast, appendOffset, base, lastSegment, d);
    }
    return behindCheckpoint(prevLast, appendOffset, base, lastSegment, null);
  }

  /** The segments must reach the checkpoint: the next append continues the last segment at lastSeq + 1. */
  private static Walk behindCheckpoint(long lastSeq, long appendOffset, long base, Path lastSegment, Damage tail)
      throws IOException {
    if (lastSeq >= base) return new Walk(lastSeq, appendOffset, tail);
    return new Walk(lastSeq, appendOffset, new Damage(Kind.GAP, lastSegment, appendOffset, Files.size(lastSegment),
        lastSeq, lastSeq + 1, base + 1, "sequence gap: the segments end at sequence " + lastSeq
            + " but the checkpoint covers up to " + base + ": the next record (" + (base + 1)
            + ") would not follow the last one", -1, -1));
  }
}
