package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one file of framed records and classifies where it stops:
 * <ul>
 *   <li>clean end: the last frame ends exactly at the end of the file;
 *   <li>bad frame (short header, impossible length, record past the end, CRC mismatch, zero fill)
 *       at offset {@code o}: a <em>torn tail</em> if this is the last segment and no valid frame
 *       starts anywhere after {@code o}; otherwise <em>corruption</em>;
 *   <li>a frame whose CRC is valid but whose sequence is not the previous one plus one (etcd's
 *       {@code isValidSeq}): a <em>sequence break</em> ({@link Result#foundSeq()} &gt;= 0). A torn
 *       write never produces a whole frame, so a sequence break is always corruption: records are
 *       missing or out of place.
 * </ul>
 * {@link SegmentChain} applies these rules across the segments of a directory.
 * A torn tail is what a crash mid-append leaves; corruption means acknowledged records could be
 * lost, so the caller refuses to open.
 *
 * <p>Preallocated segments: segments are created full of zeros (see {@link SegmentLog}), so the
 * normal end of the last segment is the last valid frame followed by zeros up to the file size.
 * Recovery and repair therefore treat "everything from the first bad frame to the end of the last
 * segment is zero" ({@link #allZero}) as a clean end: nothing is cut or reported, and appends
 * continue over the zeros. Before preallocation such a zero region was reported as a torn tail and
 * cut; no record is kept or lost differently. Zeros followed by any non-zero byte, and zeros in a
 * segment that is not the last, are classified exactly as before.
 */
final class SegmentScanner {

  interface Visitor {
    /** @param payload positioned after seq and kind, limited to this record; valid only during the call */
    void record(long seq, byte kind, ByteBuffer payload) throws IOException;
  }

  /**
   * Where and why a scan stopped early; null {@code badReason} for a clean end.
   *
   * @param lastSeq the sequence of the last valid frame (the {@code afterSeq} passed in if none)
   * @param foundSeq the sequence of the CRC-valid frame at {@code validEnd} that does not follow
   *     {@code lastSeq}; -1 unless the scan stopped at a sequence break
   */
  record Result(long validEnd, long size, long lastSeq, String badReason, long storedCrc, long computedCrc,
      long foundSeq) {
    Result(long validEnd, long size, long lastSeq, String badReason, long storedCrc, long computedCrc) {
      this(validEnd, size, lastSeq, badReason, storedCrc, computedCrc, -1);
    }

    boolean clean() {
      return badReason == null;
    }

    /** The scan stopped at a whole frame whose sequence is not {@code lastSeq + 1}. */
    boolean sequenceBreak() {
      return foundSeq >= 0;
    }
  }

  private SegmentScanner() {}

  static ByteBuffer map(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) throw new IOException(file + " is larger than 2 GiB: " + size + " bytes");
      if (size == 0) return ByteBuffer.allocate(0);
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.BIG_ENDIAN);
    }
  }

  /**
   * Visits every valid frame up to the first bad one; the first frame must carry
   * {@code afterSeq + 1} and each next one the previous plus one. Does not decide torn vs corrupt
   * by itself: see {@link #validFrameAfter} and {@link SegmentChain}.
   */
  static Result scan(ByteBuffer buf, long afterSeq, Visitor v) throws IOException {
    CRC32C crc = new CRC32C();
    int size = buf.limit();
    int pos = 0;
    long lastSeq = afterSeq;
    ByteBuffer payload = buf.duplicate(); // one view, re-aimed at each frame (visitors must not keep it)
    while (pos < size) {
      if (size - pos < RecordCodec.HEADER_BYTES)
        return new Result(pos, size, lastSeq, "frame header cut short (" + (size - pos) + " bytes left)", -1, -1);
      int len = buf.getInt(pos);
      int stored = buf.getInt(pos + 4);
      if (len == 0 && stored == 0)
        return new Result(pos, size, lastSeq, "zero-filled frame header", 0, -1);
      if (len < RecordCodec.MIN_PAYLOAD || len > RecordCodec.MAX_PAYLOAD)
        return new Result(pos, size, lastSeq, "impossible frame length " + len, u(stored), -1);
      if ((long) pos + RecordCodec.HEADER_BYTES + len > size)
        return new Result(pos, size, lastSeq, "frame of " + len + " bytes runs past the end of the file", u(stored), -1);
      payload.clear();
      payload.limit(pos + RecordCodec.HEADER_BYTES + len).position(pos + RecordCodec.HEADER_BYTES);
      crc.reset();
      crc.update(payload);
      int computed = (int) crc.getValue();
      if (computed != stored)
        return new Result(pos, size, lastSeq, "CRC32C mismatch", u(stored), u(computed));
      payload.position(pos + RecordCodec.HEADER_BYTES);
      long seq = payload.getLong();
      if (seq != lastSeq + 1)
        return new Result(pos, size, lastSeq, "sequence gap: expected sequence " + (lastSeq + 1) + ", found " + seq,
            u(stored), u(computed), seq);
      byte kind = payload.get();
      v.record(seq, kind, payload);
      lastSeq = seq;
      pos += RecordCodec.HEADER_BYTES + len;
    }
    return new Result(pos, size, lastSeq, null, -1, -1);
  }

  /** True if every byte from {@code from} to the end of {@code buf} is zero. */
  static boolean allZero(ByteBuffer buf, int from) {
    int size = buf.limit();
    int pos = from;
    for (; pos + 8 <= size; pos += 8) if (buf.getLong(pos) != 0) return false;
    for (; pos < size; pos++) if (buf.get(pos) != 0) return false;
    return true;
  }

  /** True if a frame with a valid CRC and a sequence above {@code afterSeq} starts after {@code from}. */
  static boolean validFrameAfter(ByteBuffer buf, int from, long afterSeq) {
    CRC32C crc = new CRC32C();
    int size = buf.limit();
    for (int pos = from; pos + RecordCodec.HEADER_BYTES + RecordCodec.MIN_PAYLOAD <= size; pos++) {
      int len = buf.getInt(pos);
      if (len < RecordCodec.MIN_PAYLOAD || len > RecordCodec.MAX_PAYLOAD
          || (long) pos + RecordCodec.HEADER_BYTES + len > size) continue;
      ByteBuffer payload = buf.duplicate();
      payload.limit(pos + RecordCodec.HEADER_BYTES + len).position(pos + RecordCodec.HEADER_BYTES);
      crc.reset();
      crc.update(payload);
      if ((int) crc.getValue() == buf.getInt(pos + 4) && buf.getLong(pos + RecordCodec.HEADER_BYTES) > afterSeq)
        return true;
    }
    return false;
  }

  /**
   * Counts the CRC-valid frames with a sequence above {@code aboveSeq} from {@code from} to the end,
   * re-synchronising byte by byte after a bad frame (the way {@link #validFrameAfter} searches) and
   * stopping where only zeros are left. Repair uses it to say how many acknowledged records a cut
   * drops; {@code kinds} filters by record kind (null counts every kind).
   */
  static long countValidFrames(ByteBuffer buf, int from, long aboveSeq, byte[] kinds) {
    CRC32C crc = new CRC32C();
    int size = buf.limit();
    long n = 0;
    int pos = from;
    ByteBuffer payload = buf.duplicate();
    while (pos + RecordCodec.HEADER_BYTES + RecordCodec.MIN_PAYLOAD <= size) {
      int len = buf.getInt(pos);
      if (len == 0 && buf.getInt(pos + 4) == 0 && allZero(buf, pos)) break;
      if (len >= RecordCodec.MIN_PAYLOAD && len <= RecordCodec.MAX_PAYLOAD
          && (long) pos + RecordCodec.HEADER_BYTES + len <= size) {
        payload.clear();
        payload.limit(pos + RecordCodec.HEADER_BYTES + len).position(pos + RecordCodec.HEADER_BYTES);
        crc.reset();
        crc.update(payload);
        if ((int) crc.getValue() == buf.getInt(pos + 4)) {
          long seq = buf.getLong(pos + RecordCodec.HEADER_BYTES);
          byte kind = buf.get(pos + RecordCodec.HEADER_BYTES + 8);
          if (seq > aboveSeq && (kinds == null || contains(kinds, kind))) n++;
          pos += RecordCodec.HEADER_BYTES + len;
          continue;
        }
      }
      pos++;
    }
    return n;
  }

  private static boolean contains(byte[] kinds, byte kind) {
    for (byte k : kinds) if (k == kind) return true;
    return false;
  }

  private static long u(int crc) {
    return crc & 0xffffffffL;
  }
}
