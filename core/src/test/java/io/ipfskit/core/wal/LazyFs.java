package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A {@link WalIo} that models a disk with a volatile page cache, in the spirit of Jepsen's LazyFS.
 *
 * <p>Every write goes straight to the real file under {@code root} (that is the page cache: readers,
 * including mmap, see it at once). Beside it the model remembers what stable storage holds:
 * <ul>
 *   <li>per file ("inode", followed through renames): its content at its last {@code force};
 *   <li>per directory: its entries (name → inode, or a subdirectory) at its last directory fsync.
 * </ul>
 * {@link #powerOff()} freezes the machine: every later write, force, rename, delete or directory
 * fsync through this layer throws, so nothing is acknowledged after the cut. {@link #powerLoss}
 * then replaces the real tree by what a reboot would find: only directory entries that were
 * synced, and in each file the forced content, with the bytes written since its last force
 * (pending) either kept as a random prefix, zeroed (size reached the disk, data did not) or filled
 * with junk — a random choice per file. A truncation not yet forced happens or not (coin flip).
 *
 * <p>Not modelled: reordering inside a file (pages written back out of order), sector tearing of
 * forced data, lying disks. Files and deletions made outside this layer are discovered by listing
 * the real directory at each directory fsync; files never opened through it are taken as forced
 * with the content they had when the model was built.
 *
 * <p>Thread-safe: {@code power} is held shared by every file step and exclusively by
 * {@link #powerOff}; the model maps are guarded by {@code this}.
 */
final class LazyFs implements WalIo {
  /** How one file's pending bytes were treated by {@link #powerLoss}. */
  enum Fate { KEPT_PREFIX, ZEROED, JUNK, PAGES_REORDERED, TRUNCATION_KEPT, TRUNCATION_UNDONE }

  /** Page size for {@link Fate#PAGES_REORDERED}. */
  static final int PAGE_BYTES = 4096;

  private static final Object DIRECTORY = new Object();

  private static final class Inode {
    Path path; // where it lives now; null once deleted or replaced through this layer
    byte[] forced;

    Inode(Path path, byte[] forced) {
      this.path = path;
      this.forced = forced;
    }
  }

  private final Path root;
  private final LongSupplier ticker;
  private final ReentrantReadWriteLock power = new ReentrantReadWriteLock();
  private volatile boolean off;
  private final java.util.concurrent.atomic.AtomicLong stepsLeft = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
  private final java.util.concurrent.CountDownLatch offLatch = new java.util.concurrent.CountDownLatch(1);
  private final Map<Path, Inode> inodes = new HashMap<>(); // current path → inode
  private final Map<Path, Map<String, Object>> syncedDirs = new HashMap<>(); // dir → name → Inode or DIRECTORY
  private final List<Long> segmentFlushTickets = new ArrayList<>();
  private volatile boolean reorderPages;

  /**
   * Takes everything under {@code root} as already on stable storage.
   *
   * @param ticker read when a segment channel first writes after a force (see {@link #durableBeforeTicket})
   */
  LazyFs(Path root, LongSupplier ticker) throws IOException {
    this.root = root;
    this.ticker = ticker;
    snapshot(root);
  }

  private void snapshot(Path dir) throws IOException {
    Map<String, Object> entries = new LinkedHashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p)) {
          entries.put(p.getFileName().toString(), DIRECTORY);
          snapshot(p);
        } else {
          Inode i = new Inode(p, Files.readAllBytes(p));
          inodes.put(p, i);
          entries.put(p.getFileName().toString(), i);
        }
      }
    }
    syncedDirs.put(dir, entries);
  }

  // ---------------------------------------------------------------- WalIo

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    power.readLock().lock();
    try {
      checkPower();
      boolean existed = Files.exists(file);
      FileChannel real = FileChannel.open(file, options);
      Inode i;
      synchronized (this) {
        i = inodes.get(file);
        if (i == null || !existed) {
          if (i != null) i.path = null;
          i = new Inode(file, new byte[0]); // created now: nothing of it is on disk yet
          inodes.put(file, i);
        }
      }
      stepDone();
      return new Lazy(real, i, SegmentLog.isSegment(file));
    } finally {
      power.readLock().unlock();
    }
  }

  @Override
  public void atomicMove(Path from, Path to, boolean replace) throws IOException {
    power.readLock().lock();
    try {
      checkPower();
      // The real rename and the model's update are one step for fsyncDirectory: listing the directory
      // between them would give the new name a fresh inode with nothing forced (an empty file after
      // the power loss), which no real file system does to a rename of forced data.
      synchronized (this) {
        WalIo.REAL.atomicMove(from, to, replace);
        Inode i = inodeAt(from);
        inodes.remove(from);
        Inode old = inodes.put(to, i);
        if (old != null && old != i) old.path = null;
        i.path = to;
      }
      stepDone();
    } finally {
      power.readLock().unlock();
    }
  }

  @Override
  public void fsyncDirectory(Path dir) throws IOException {
    power.readLock().lock();
    try {
      checkPower();
      // No real fsync: stable storage is the model. The real directory is the page cache.
      synchronized (this) {
        Map<String, Object> entries = new LinkedHashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
          for (Path p : ds) entries.put(p.getFileName().toString(), Files.isDirectory(p) ? DIRECTORY : inodeAt(p));
        }
        syncedDirs.put(dir, entries);
      }
      stepDone();
    } finally {
      power.readLock().unlock();
    }
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    power.readLock().lock();
    try {
      checkPower();
      boolean deleted = Files.deleteIfExists(file);
      synchronized (this) {
        Inode i = inodes.remove(file);
        if (i != null) i.path = null;
      }
      stepDone();
      return deleted;
    } finally {
      power.readLock().unlock();
    }
  }

  /** Caller holds this. The inode now at {@code p}; a file made outside this layer gets one with nothing forced. */
  private Inode inodeAt(Path p) {
    return inodes.computeIfAbsent(p, k -> new Inode(k, new byte[0]));
  }

  private void checkPower() throws IOException {
    if (off) throw new IOException("power is off");
  }

  /** Caller holds power shared and just performed a step: cuts the power if it was the chosen one. */
  private void stepDone() {
    if (stepsLeft.decrementAndGet() == 0) {
      off = true; // steps running concurrently with this one count as done before the cut
      offLatch.countDown();
    }
  }

  /**
   * Cuts the power right after the {@code steps}-th file step from now (a write, force, truncate,
   * open, rename, delete or directory fsync), wherever the log is: between a write and its force,
   * between a rename and the directory fsync, in the middle of a checkpoint or an archive write.
   */
  void cutAfterSteps(long steps) {
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, but was " + steps);
    stepsLeft.set(steps);
  }

  /** Waits until the power is off (see {@link #cutAfterSteps}). */
  boolean awaitOff(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
    return offLatch.await(timeout, unit);
  }

  // ---------------------------------------------------------------- power

  /** Cuts the power: once this returns no file step through this layer succeeds (none is in flight). */
  /**
   * Also lets pending pages reach the disk out of order ({@link Fate#PAGES_REORDERED}: each 4 KiB
   * page of the pending bytes independently written or not), as writeback may do. Off by default.
   */
  LazyFs withPageReordering() {
    reorderPages = true;
    return this;
  }

  void powerOff() {
    power.writeLock().lock();
    try {
      off = true;
      offLatch.countDown();
    } finally {
      power.writeLock().unlock();
    }
  }

  boolean isOff() {
    return off;
  }

  /**
   * Ticket (from the ticker) at which the second-to-last completed segment flush began writing, or
   * {@code Long.MIN_VALUE}. The log flushes one buffer at a time, each swapped before it is written;
   * a record appended before flush k began writing is in buffer k or k+1, so once flush k+1 has
   * been forced every record appended before this ticket is on stable storage.
   */
  synchronized long durableBeforeTicket() {
    int n = segmentFlushTickets.size();
    return n < 2 ? Long.MIN_VALUE : segmentFlushTickets.get(n - 2);
  }

  /**
   * After {@link #powerOff}: rewrites the real tree under root to what the disk holds after the
   * reboot (see the class comment). Returns what happened to each file that had pending bytes.
   */
  synchronized Map<Path, Fate> powerLoss(Random random) throws IOException {
    if (!off) throw new IllegalStateException("powerLoss needs powerOff first");
    Map<Path, byte[]> files = new LinkedHashMap<>();
    List<Path> dirs = new ArrayList<>();
    Map<Inode, byte[]> after = new IdentityHashMap<>();
    Map<Path, Fate> fates = new LinkedHashMap<>();
    collect(root, random, files, dirs, after, fates);
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) if (!p.equals(root)) Files.delete(p);
    }
    for (Path d : dirs) Files.createDirectories(d);
    for (Map.Entry<Path, byte[]> f : files.entrySet()) Files.write(f.getKey(), f.getValue());
    return fates;
  }

  private void collect(Path dir, Random random, Map<Path, byte[]> files, List<Path> dirs, Map<Inode, byte[]> after,
      Map<Path, Fate> fates) throws IOException {
    dirs.add(dir);
    Map<String, Object> entries = syncedDirs.getOrDefault(dir, Map.of());
    for (Map.Entry<String, Object> e : entries.entrySet()) {
      Path p = dir.resolve(e.getKey());
      if (e.getValue() == DIRECTORY) {
        collect(p, random, files, dirs, after, fates);
        continue;
      }
      Inode i = (Inode) e.getValue();
      byte[] content = after.get(i);
      if (content == null) {
        byte[] now = null;
        if (i.path != null) {
          try {
            now = Files.readAllBytes(i.path);
          } catch (NoSuchFileException deletedOutsideThisLayer) {
            now = null;
          }
        }
        content = now == null ? i.forced : lose(i.forced, now, random, p, fates, reorderPages);
        after.put(i, content);
      }
      files.put(p, content);
    }
  }

  /** What survives of a file whose disk holds {@code forced} and whose page cache holds {@code now}. */
  static byte[] lose(byte[] forced, byte[] now, Random random, Path p, Map<Path, Fate> fates, boolean reorderPages) {
    int common = Math.min(forced.length, now.length);
    int from = 0;
    while (from < common && forced[from] == now[from]) from++;
    if (from == forced.length && from == now.length) return forced;
    if (now.length < forced.length && from == now.length) {
      boolean kept = random.nextBoolean();
      fates.put(p, kept ? Fate.TRUNCATION_KEPT : Fate.TRUNCATION_UNDONE);
      return kept ? now : forced;
    }
    int to = Math.max(forced.length, now.length);
    if (forced.length == now.length) {
      while (to > from && forced[to - 1] == now[to - 1]) to--;
    }
    // pending: [from, to)
    if (reorderPages && random.nextInt(4) == 0) {
      fates.put(p, Fate.PAGES_REORDERED);
      byte[] out = now.clone();
      for (int page = from / PAGE_BYTES * PAGE_BYTES; page < Math.min(to, out.length); page += PAGE_BYTES) {
        if (random.nextBoolean()) continue; // this page was written back
        for (int k = Math.max(page, from); k < Math.min(Math.min(to, out.length), page + PAGE_BYTES); k++)
          out[k] = k < forced.length ? forced[k] : 0;
      }
      return out;
    }
    switch (random.nextInt(3)) {
      case 0 -> {
        fates.put(p, Fate.KEPT_PREFIX);
        int keep = from + random.nextInt(to - from + 1);
        byte[] out = java.util.Arrays.copyOf(now, Math.max(Math.min(now.length, keep), forced.length));
        for (int k = keep; k < out.length; k++) out[k] = k < forced.length ? forced[k] : 0;
        return out;
      }
      case 1 -> {
        fates.put(p, Fate.ZEROED);
        byte[] out = now.clone();
        java.util.Arrays.fill(out, from, Math.min(to, out.length), (byte) 0);
        return out;
      }
      default -> {
        fates.put(p, Fate.JUNK);
        byte[] out = now.clone();
        for (int k = from; k < Math.min(to, out.length); k++) out[k] = (byte) random.nextInt(256);
        return out;
      }
    }
  }

  // ---------------------------------------------------------------- channel

  /** A real channel that records its file's content as forced on {@code force}, and stops at power-off. */
  private final class Lazy extends FileChannel {
    private final FileChannel real;
    private final Inode inode;
    private final boolean segment;
    private long firstWriteTicket = Long.MIN_VALUE; // since the last force; guarded by this channel's users

    Lazy(FileChannel real, Inode inode, boolean segment) {
      this.real = real;
      this.inode = inode;
      this.segment = segment;
    }

    private void wrote() {
      if (firstWriteTicket == Long.MIN_VALUE) firstWriteTicket = ticker.getAsLong();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      power.readLock().lock();
      try {
        checkPower();
        wrote();
        int n = real.write(src);
        stepDone();
        return n;
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      power.readLock().lock();
      try {
        checkPower();
        wrote();
        int n = real.write(src, position);
        stepDone();
        return n;
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      power.readLock().lock();
      try {
        checkPower();
        wrote();
        long n = real.write(srcs, offset, length);
        stepDone();
        return n;
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      power.readLock().lock();
      try {
        checkPower();
        real.truncate(size);
        stepDone();
        return this;
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public void force(boolean metaData) throws IOException {
      power.readLock().lock();
      try {
        checkPower();
        // No real fsync: stable storage is the model. Snapshot what the page cache holds now.
        synchronized (LazyFs.this) {
          if (inode.path != null) inode.forced = Files.readAllBytes(inode.path);
          if (segment && firstWriteTicket != Long.MIN_VALUE) segmentFlushTickets.add(firstWriteTicket);
        }
        firstWriteTicket = Long.MIN_VALUE;
        stepDone();
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
      return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      real.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException("transferFrom is not modelled");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      if (mode != MapMode.READ_ONLY) throw new UnsupportedOperationException("writable maps are not modelled");
      return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      real.close();
    }
  }
}
