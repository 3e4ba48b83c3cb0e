package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Checkpoint files {@code checkpoint-<seq>.ckpt}: every operation the log held at sequence
 * {@code seq}, as framed CREATED records between a header and an end record (same framing and CRC as
 * segments; frame sequence numbers are just 1..n). Written temp → fsync → rename → fsync dir, so a
 * checkpoint file either is complete or does not exist; a damaged one is reported, never half-used.
 */
final class Checkpoints {
  static final String PREFIX = "checkpoint-";
  static final String SUFFIX = ".ckpt";

  record Loaded(long coveredSeq, List<Entry> entries, Path file) {}

  private Checkpoints() {}

  static Path path(Path dir, long seq) {
    return dir.resolve(String.format("%s%020d%s", PREFIX, seq, SUFFIX));
  }

  static boolean isCheckpoint(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && n.length() == PREFIX.length() + 20 + SUFFIX.length();
  }

  static long seqOf(Path p) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
  }

  /** Writes a checkpoint of {@code entries} (each with its state) covering {@code seq}, durably. */
  static Path write(WalIo io, Path dir, long seq, List<Entry> entries, List<OpState> states) throws IOException {
    Path target = path(dir, seq);
    Path temp = dir.resolve(target.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    Bytes b = new Bytes(4096);
    ByteBuffer out = ByteBuffer.allocateDirect(4 << 20);
    long frame = 0;
    try (FileChannel ch = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      WalFiles.restrictToOwner(temp);
      RecordCodec.begin(b, RecordCodec.CHECKPOINT_HEADER);
      b.putLong(seq);
      b.putInt(entries.size());
      RecordCodec.seal(b, ++frame, crc);
      out = put(ch, out, b);
      for (int i = 0; i < entries.size(); i++) {
        RecordCodec.created(b, entries.get(i), states.get(i));
        RecordCodec.seal(b, ++frame, crc);
        out = put(ch, out, b);
      }
      RecordCodec.begin(b, RecordCodec.CHECKPOINT_END);
      b.putInt(entries.size());
      RecordCodec.seal(b, ++frame, crc);
      out = put(ch, out, b);
      out.flip();
      while (out.hasRemaining()) ch.write(out);
      ch.force(true);
    }
    WalFiles.commit(io, temp, target);
    return target;
  }

  private static ByteBuffer put(FileChannel ch, ByteBuffer out, Bytes b) throws IOException {
    if (out.remaining() < b.pos) {
      out.flip();
      while (out.hasRemaining()) ch.write(out);
      out.clear();
      if (out.capacity() < b.pos) out = ByteBuffer.allocateDirect(b.pos);
    }
    out.put(b.buf, 0, b.pos);
    return out;
  }

  /** Checkpoint files, oldest first. */
  static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) if (isCheckpoint(p)) out.add(p);
    }
    out.sort(null);
    return out;
  }

  /** Reads one checkpoint completely. @throws WalCorruptionException if any frame is bad or the end is missing */
  static Loaded read(Path file) throws IOException {
    ByteBuffer buf = SegmentScanner.map(file);
    long[] covered = {-1};
    int[] counts = {-1, -1};
    List<Entry> entries = new ArrayList<>();
    SegmentScanner.Result r = SegmentScanner.scan(buf, 0, (seq, kind, p) -> {
      switch (kind) {
        case RecordCodec.CHECKPOINT_HEADER -> {
          covered[0] = p.getLong();
          counts[0] = p.getInt();
          ((ArrayList<Entry>) entries).ensureCapacity(counts[0]);
        }
        case RecordCodec.CREATED -> {
          if (covered[0] < 0)
            throw new WalCorruptionException(file, p.position(), -1, -1, "operation record before the checkpoint header");
          Entry e = RecordCodec.readCreated(p, 0);
          e.latest.seq = covered[0];
          entries.add(e);
        }
        case RecordCodec.CHECKPOINT_END -> counts[1] = p.getInt();
        default -> throw new WalCorruptionException(file, p.position(), -1, -1, "unexpected record kind " + kind);
      }
    });
    if (!r.clean())
      throw new WalCorruptionException(file, r.validEnd(), r.storedCrc(), r.computedCrc(), "checkpoint " + r.badReason());
    if (covered[0] < 0 || counts[1] != counts[0] || entries.size() != counts[0])
      throw new WalCorruptionException(file, r.validEnd(), -1, -1,
          "checkpoint incomplete: header count " + counts[0] + ", end count " + counts[1] + ", records " + entries.size());
    return new Loaded(covered[0], entries, file);
  }
}
