package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a directory holds after checkpoint load and replay. Single-threaded, run under the
 * {@link DirectoryLock} before the log opens.
 *
 * <p>Steps: delete {@code *.tmp} files (half-written checkpoints, a preallocated segment never
 * renamed into place); load the newest checkpoint (a damaged one refuses); replay every segment in
 * order under the {@link SegmentChain} rules, applying records after the checkpoint's sequence. A
 * torn tail of the last segment is reported here and cut by {@link SegmentLog} when it opens; any
 * other damage, and any gap in the sequence numbers, refuses with {@link WalCorruptionException}
 * naming file, offset and (for a gap) expected and found sequence.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  HashMap<String, Entry> entries = new HashMap<>();
  TreeMap<Long, Path> segments;
  long lastSeq;
  long appendOffset;
  boolean tornTail; // the last segment has non-zero bytes after appendOffset, to be cut

  private Recovery() {}

  /** Segment files of {@code dir} by first sequence. */
  static TreeMap<Long, Path> segments(Path dir) throws IOException {
    return SegmentChain.segments(dir);
  }

  static Recovery run(Path dir) throws IOException {
    Recovery r = new Recovery();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path p : ds) Files.deleteIfExists(p);
    }
    long covered = 0;
    List<Path> cps = Checkpoints.list(dir);
    if (!cps.isEmpty()) {
      Checkpoints.Loaded cp = Checkpoints.read(cps.get(cps.size() - 1));
      covered = cp.coveredSeq();
      // Room for half as many again: the first appends after opening must not rehash every
      // recovered entry while holding the state lock.
      int n = cp.entries().size();
      r.entries = new HashMap<>((int) Math.min(1 << 30, Math.max(16, (n + n / 2L) * 4 / 3 + 1)));
      for (Entry e : cp.entries()) r.entries.put(e.id, e);
    }
    r.segments = segments(dir);
    if (cps.isEmpty()) {
      long bytes = 0;
      for (Path seg : r.segments.values()) bytes += Files.size(seg);
      r.entries = new HashMap<>((int) Math.min(1 << 26, Math.max(16, bytes / 120)));
    }
    HashMap<String, Entry> map = r.entries;
    final long cov = covered;
    SegmentChain.Walk walk = SegmentChain.walk(r.segments, covered, (seq, kind, p) -> {
      if (seq <= cov) return;
      apply(map, seq, kind, p);
    });
    SegmentChain.Damage d = walk.damage();
    if (d != null && d.middle()) throw d.toException();
    if (d != null) {
      r.tornTail = true;
      LOG.warn("write-ahead log {}: torn tail at offset {} ({}); truncating {} bytes", d.file(), d.offset(),
          d.reason(), d.fileSize() - d.offset());
    }
    r.appendOffset = walk.appendOffset();
    r.lastSeq = walk.lastSeq();
    return r;
  }

  private static void apply(HashMap<String, Entry> map, long seq, byte kind, ByteBuffer p) throws IOException {
    switch (kind) {
      case RecordCodec.CREATED -> {
        Entry e = RecordCodec.readCreated(p, seq);
        map.put(e.id, e);
      }
      case RecordCodec.STATE -> {
        String id = RecordCodec.string(p);
        OpState s = RecordCodec.readState(p);
        s.seq = seq;
        Entry e = map.get(id);
        if (e == null) {
          LOG.warn("write-ahead log: status record {} for unknown operation {} ignored", seq, id);
          return;
        }
        e.latest = s;
        e.durable = s;
      }
      case RecordCodec.ARCHIVING -> {
        for (String id : RecordCodec.readIds(p)) {
          Entry e = map.get(id);
          if (e != null) e.archiveIntent = true;
        }
      }
      case RecordCodec.ARCHIVED, RecordCodec.REMOVED -> {
        for (String id : RecordCodec.readIds(p)) map.remove(id);
      }
      default -> throw new IOException("unknown record kind " + kind + " at sequence " + seq);
    }
  }
}
