package io.ipfskit.core.wal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The append side of the segment log: one in-memory buffer of sealed frames, written and forced to
 * the current segment file by whichever thread leads a flush.
 *
 * <p>Invariants and locks:
 * <ul>
 *   <li>{@code stateLock} (owned by {@link WriteAheadLog}, held by every appender) guards
 *       {@code lastSeq}, {@code active} and {@code unsyncedRecords}: sequence numbers are assigned
 *       and frames copied into {@code active} in one critical section, so file order = sequence order.
 *   <li>{@code flushLock} guards the segment channel, {@code spare}, {@code segments} rolling and
 *       {@code writtenSeq}. Lock order: flushLock, then stateLock (a flush swaps buffers under
 *       stateLock, then writes and forces holding only flushLock, so appenders keep filling the next
 *       buffer meanwhile: that is the group commit).
 *   <li>{@code syncedSeq} only grows; every record with seq &lt;= syncedSeq is on stable storage.
 *   <li>A segment is forced before the next one is created, so only the last segment can end torn.
 *   <li>Preallocation (when enabled): a segment starts life as {@code segment-next.wal.tmp}, filled
 *       with real zeros and forced by a background thread ({@code preparer}), then renamed into
 *       place when the log rolls; appends overwrite allocated blocks, so {@code force(false)} need
 *       not commit a file-size change. A segment's logical end is therefore its last valid record,
 *       followed by zeros up to the file size (a <em>clean</em> end, see {@link SegmentScanner}).
 *       Before the next segment is created the previous one is truncated to its last record and
 *       forced, so only the last segment ever has a zero tail. {@code prepState} (IDLE, RUNNING,
 *       READY) hands the prepared file from the preparer to the flush leader; preparing starts once
 *       the current segment is half full (a new log prepares its first segment while opening); if
 *       it is not READY at a roll, the new segment is created empty and grows as before (never waits). A crash while
 *       preparing leaves only the {@code .tmp} file, which recovery deletes.
 *   <li>Any write or force failure sets {@code failure}: the log fails closed. Nothing is retried
 *       (after a failed fsync the page cache state is unknown); every later append and sync throws
 *       until the log is reopened and replayed from disk.
 * </ul>
 */
final class SegmentLog implements AutoCloseable {
  static final String SEGMENT_PREFIX = "segment-";
  static final String SEGMENT_SUFFIX = ".wal";
  static final String PREPARED_NAME = "segment-next.wal.tmp";
  /** Preallocated bytes per segment: the segment size, at most this much (a larger segment grows past it). */
  static final long PREALLOCATE_MAX_BYTES = 64L << 20;
  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int READY = 2;

  /** Package-private fault injection: called before every force; tests make it throw. */
  interface ForceHook {
    void beforeForce(Path segment) throws IOException;
  }

  private final Path dir;
  private final WalIo io;
  private final ReentrantLock stateLock;
  private final ReentrantLock flushLock = new ReentrantLock();
  private final java.util.concurrent.ConcurrentLinkedQueue<Thread> syncWaiters =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final ForceHook forceHook;
  private final boolean preallocate;
  private final Path prepared;
  private final java.util.concurrent.atomic.AtomicInteger prepState = new java.util.concurrent.atomic.AtomicInteger(IDLE);
  private volatile Thread preparer;
  private volatile boolean prepareFailed; // reset at each roll: a failing disk is not retried on every flush
  private final CRC32C crc = new CRC32C(); // guarded by stateLock
  private volatile WalConfig config;

  // guarded by stateLock
  private long lastSeq;
  private ByteBuffer active = ByteBuffer.allocateDirect(1 << 20);
  private volatile long unsyncedRecords; // written under stateLock, read by a gathering leader without it
  private long recordsSinceCheckpoint;

  // guarded by flushLock
  private ByteBuffer spare = ByteBuffer.allocateDirect(1 << 20);
  private FileChannel channel;
  private Path current;
  private long currentBytes;
  private long writtenSeq;
  private long unsyncedRecordsAtSwap;
  private long gatherTarget; // records the recent fsyncs covered (decaying peak), see gatherFollowers
  private long lastForceNanos;
  private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>(); // firstSeq → file

  private volatile long syncedSeq;
  private volatile boolean flushing;
  private volatile IOException failure;
  private volatile boolean closed;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong fsyncs = new AtomicLong();
  private Thread flusher;

  /**
   * @param segmentFiles existing segments by first sequence; the last one is appended to at {@code appendOffset}
   * @param tornTail the last segment holds bytes after {@code appendOffset} that are not all zero: cut them
   * @param lastSeq the highest sequence already on disk (checkpoint or records)
   * @param preallocate create segments preallocated with zeros (see the class comment)
   * @param io opens segment files, renames and fsyncs the directory ({@link WalIo#REAL} in production)
   */
  SegmentLog(Path dir, WalConfig config, ReentrantLock stateLock, Map<Long, Path> segmentFiles, long appendOffset,
      boolean tornTail, long lastSeq, ForceHook forceHook, boolean preallocate, WalIo io) throws IOException {
    this.dir = dir;
    this.io = io;
    this.config = config;
    this.stateLock = stateLock;
    this.forceHook = forceHook;
    this.preallocate = preallocate;
    this.prepared = dir.resolve(PREPARED_NAME);
    this.lastSeq = lastSeq;
    this.writtenSeq = lastSeq;
    this.syncedSeq = lastSeq;
    segments.putAll(segmentFiles);
    if (segments.isEmpty()) {
      if (preallocate) {
        // a new log: prepare its first segment here, so appends never run on a growing file
        prepState.set(RUNNING);
        prepare(); // on failure the segment is simply created empty
      }
      openNewSegment(lastSeq + 1);
    } else {
      current = segments.lastEntry().getValue();
      channel = io.open(current, StandardOpenOption.WRITE);
      if (tornTail) {
        channel.truncate(appendOffset);
        channel.force(true);
      }
      channel.position(appendOffset);
      currentBytes = appendOffset;
      if (preallocate && currentBytes >= config.segmentSizeBytes() / 2) prepareNextAsync();
    }
  }

  /** Starts preparing the next segment file in the background unless one is being or has been prepared. */
  private void prepareNextAsync() {
    if (closed || prepareFailed || !prepState.compareAndSet(IDLE, RUNNING)) return;
    Thread t = new Thread(this::prepare, "wal-preallocator");
    t.setDaemon(true);
    preparer = t;
    t.start();
  }

  /** Writes {@link #PREPARED_NAME} full of zeros and forces it; sets READY, or IDLE on failure or close. */
  private void prepare() {
    long size = Math.min(config.segmentSizeBytes(), PREALLOCATE_MAX_BYTES);
    boolean ok = false;
    try {
      io.deleteIfExists(prepared);
      try (FileChannel ch = io.open(prepared, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        WalFiles.restrictToOwner(prepared);
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(size, 1 << 20));
        long written = 0;
        while (written < size) {
          if (closed) return;
          zeros.clear();
          if (size - written < zeros.capacity()) zeros.limit((int) (size - written));
          written += ch.write(zeros, written);
        }
        ch.force(true);
      }
      ok = true;
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(SegmentLog.class).warn(
          "cannot preallocate the next write-ahead log segment {} ({}); the segment will grow as it is written",
          prepared, e.toString());
      prepareFailed = true;
    } finally {
      if (!ok) {
        try {
          io.deleteIfExists(prepared);
        } catch (IOException ignored) {
          // recovery deletes *.tmp files
        }
      }
      prepState.set(ok ? READY : IDLE);
    }
  }

  static Path segmentPath(Path dir, long firstSeq) {
    return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, firstSeq, SEGMENT_SUFFIX));
  }

  static long firstSeqOf(Path segment) {
    String n = segment.getFileName().toString();
    return Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length()));
  }

  static boolean isSegment(Path p) {
    String n = p.getFileName().toString();
    return n.startsWith(SEGMENT_PREFIX) && n.endsWith(SEGMENT_SUFFIX)
        && n.length() == SEGMENT_PREFIX.length() + 20 + SEGMENT_SUFFIX.length();
  }

  void startFlusher() {
    if (config.fsyncMode() == FsyncMode.ALWAYS) return;
    flusher = new Thread(this::flusherLoop, "wal-flusher");
    flusher.setDaemon(true);
    flusher.start();
  }

  void updateConfig(WalConfig c) {
    this.config = c;
  }

  // ---------------------------------------------------------------- append (caller holds stateLock)

  /** Assigns the next sequence, seals the frame in {@code b} and queues it. Caller holds stateLock. */
  long appendLocked(Bytes b) throws IOException {
    if (failure != null) throw failedClosedException();
    if (closed) throw new IOException("write-ahead log in " + dir + " is closed");
    long seq = lastSeq + 1;
    RecordCodec.seal(b, seq, crc);
    if (active.remaining() < b.pos) {
      ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(active.capacity() * 2, active.position() + b.pos));
      active.flip();
      bigger.put(active);
      active = bigger;
    }
    active.put(b.buf, 0, b.pos);
    lastSeq = seq;
    records.incrementAndGet();
    recordsSinceCheckpoint++;
    if (++unsyncedRecords == config.batchSize() && config.fsyncMode() == FsyncMode.BATCH && flusher != null)
      LockSupport.unpark(flusher);
    return seq;
  }

  long lastSeqLocked() {
    return lastSeq;
  }

  long syncedSeq() {
    return syncedSeq;
  }

  boolean failedClosed() {
    return failure != null;
  }

  IOException failedClosedException() {
    return new IOException("write-ahead log in " + dir + " failed closed after a write or fsync error ("
        + failure.getMessage() + "); no further appends are accepted: reopen the log to replay it", failure);
  }

  // ---------------------------------------------------------------- sync

  /** Returns once every record up to {@code seq} is on stable storage; leads a flush if nobody is. */
  void awaitSynced(long seq) throws IOException {
    while (true) {
      if (syncedSeq >= seq) return;
      if (failure != null) throw failedClosedException();
      if (flushLock.tryLock()) {
        try {
          if (syncedSeq < seq && failure == null) {
            flushing = true; // arriving appenders park instead of spinning while we gather
            gatherFollowers();
            flushLeader(true, null);
          }
        } finally {
          flushLock.unlock();
        }
      } else if (!flushing) {
        Thread.yield(); // the lock holder is just starting or ending a flush
      } else {
        // Follower: park until the leader's flush ends. Register first, then re-check, so a
        // leader that finishes in between either sees us in the queue or we see it finished.
        Thread me = Thread.currentThread();
        syncWaiters.add(me);
        if (flushing && syncedSeq < seq && failure == null) LockSupport.park(this);
        if (Thread.interrupted()) {
          me.interrupt();
          throw new InterruptedIOException("interrupted while waiting for the write-ahead log fsync");
        }
      }
    }
  }

  /**
   * Caller holds flushLock, as an appender about to lead an {@code always} flush. When the recent
   * fsyncs each covered many records (many concurrent appenders), waits briefly until as many are
   * queued again, so the appenders released by the previous fsync ride this one instead of the
   * next: at most a quarter of the last fsync's duration. With a single appender the target is 1
   * and there is no wait.
   */
  private void gatherFollowers() {
    if (config.fsyncMode() != FsyncMode.ALWAYS) return;
    long target = gatherTarget;
    if (target <= 1 || unsyncedRecords >= target) return;
    long deadline = System.nanoTime() + lastForceNanos / 4;
    while (unsyncedRecords < target && System.nanoTime() < deadline && failure == null) Thread.yield();
  }

  /**
   * Caller holds flushLock. Swaps buffers (running {@code underSwap} in the same stateLock section),
   * writes, optionally forces. Returns the last sequence written.
   */
  private long flushLeader(boolean force, Runnable underSwap) throws IOException {
    flushing = true;
    try {
      ByteBuffer out;
      long upTo;
      stateLock.lock();
      try {
        if (underSwap != null) {
          underSwap.run();
          recordsSinceCheckpoint = 0;
        }
        out = active;
        upTo = lastSeq;
        active = spare;
        unsyncedRecordsAtSwap = unsyncedRecords;
        unsyncedRecords = 0;
      } finally {
        stateLock.unlock();
      }
      long batch = unsyncedRecordsAtSwap;
      gatherTarget = Math.max(batch, gatherTarget - (gatherTarget >> 3));
      out.flip();
      try {
        while (out.hasRemaining()) currentBytes += channel.write(out);
      } catch (IOException e) {
        fail(e);
        throw failedClosedException();
      } finally {
        out.clear();
        spare = out;
      }
      writtenSeq = upTo;
      // prepare the next segment once this one is half full: not at once, so a short-lived or
      // slowly filling log does not write a whole segment of zeros while its appends wait on fsync
      if (preallocate && currentBytes >= config.segmentSizeBytes() / 2) prepareNextAsync();
      if (force || currentBytes >= config.segmentSizeBytes()) force();
      if (currentBytes >= config.segmentSizeBytes()) openNewSegment(writtenSeq + 1);
      return upTo;
    } finally {
      flushing = false;
      wakeWaiters();
    }
  }

  private void force() throws IOException {
    if (syncedSeq >= writtenSeq) return;
    try {
      if (forceHook != null) forceHook.beforeForce(current);
      long t0 = System.nanoTime();
      channel.force(false);
      lastForceNanos = System.nanoTime() - t0;
    } catch (IOException e) {
      fail(e);
      throw failedClosedException();
    }
    fsyncs.incrementAndGet();
    syncedSeq = writtenSeq;
  }

  private void fail(IOException e) {
    if (failure == null) failure = e;
    wakeWaiters();
  }

  private void wakeWaiters() {
    Thread t;
    while ((t = syncWaiters.poll()) != null) LockSupport.unpark(t);
  }

  /**
   * Caller holds flushLock (or is the constructor). The previous segment must already be forced; its
   * zero tail (if preallocated) is cut off durably before the next segment exists.
   */
  private void openNewSegment(long firstSeq) throws IOException {
    Path p = segmentPath(dir, firstSeq);
    try {
      if (channel != null) {
        if (channel.size() > currentBytes) {
          channel.truncate(currentBytes);
          channel.force(true);
        }
        channel.close();
      }
      boolean pre = false;
      if (preallocate && prepState.get() == READY) {
        if (Files.exists(p)) throw new java.nio.file.FileAlreadyExistsException(p.toString());
        io.atomicMove(prepared, p, false);
        prepState.set(IDLE);
        pre = true;
      }
      channel = pre ? io.open(p, StandardOpenOption.WRITE)
          : io.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      if (!pre) WalFiles.restrictToOwner(p);
      io.fsyncDirectory(dir);
    } catch (IOException e) {
      fail(e);
      throw failedClosedException();
    }
    current = p;
    currentBytes = 0;
    segments.put(firstSeq, p);
    prepareFailed = false;
  }

  private void flusherLoop() {
    while (!closed && failure == null) {
      WalConfig c = config;
      long waitNanos = (c.fsyncMode() == FsyncMode.BATCH ? c.batchInterval() : c.periodicInterval()).toNanos();
      LockSupport.parkNanos(this, waitNanos);
      if (closed) return;
      flushLock.lock();
      try {
        if (failure == null && syncedSeq < lastSeqVolatile()) flushLeader(true, null);
      } catch (IOException e) {
        return; // failed closed; appenders see it
      } finally {
        flushLock.unlock();
      }
    }
  }

  private long lastSeqVolatile() {
    stateLock.lock();
    try {
      return lastSeq;
    } finally {
      stateLock.unlock();
    }
  }

  // ---------------------------------------------------------------- checkpoint support

  /**
   * Runs {@code underLocks} while no append can interleave, writes and forces everything up to the
   * sequence it returns, then starts a new segment, so every older segment holds only records
   * covered by that sequence. Returns the covered sequence.
   */
  long cut(Runnable underLocks) throws IOException {
    flushLock.lock();
    try {
      if (failure != null) throw failedClosedException();
      long s = flushLeader(true, underLocks);
      if (currentBytes > 0) openNewSegment(s + 1);
      return s;
    } finally {
      flushLock.unlock();
    }
  }

  /** Deletes segments whose records all have seq &lt;= {@code coveredSeq}. Returns how many. */
  int deleteCovered(long coveredSeq) throws IOException {
    int n = 0;
    List<Long> firsts = new ArrayList<>(segments.keySet());
    for (int i = 0; i + 1 < firsts.size(); i++) {
      long nextFirst = firsts.get(i + 1);
      if (nextFirst - 1 <= coveredSeq) {
        Path p = segments.remove(firsts.get(i));
        io.deleteIfExists(p);
        n++;
      } else {
        break;
      }
    }
    if (n > 0) io.fsyncDirectory(dir);
    return n;
  }

  /** The file layer this log writes through (checkpoints use the same). */
  WalIo io() {
    return io;
  }

  long recordsSinceCheckpoint() {
    stateLock.lock();
    try {
      return recordsSinceCheckpoint;
    } finally {
      stateLock.unlock();
    }
  }

  int segmentCount() {
    return segments.size();
  }

  long records() {
    return records.get();
  }

  long fsyncs() {
    return fsyncs.get();
  }

  /** Flushes and forces what is buffered (unless failed), stops the flusher, closes the file. */
  @Override
  public void close() throws IOException {
    IOException err = null;
    flushLock.lock();
    try {
      if (failure == null && !closed) {
        try {
          flushLeader(true, null);
        } catch (IOException e) {
          err = e;
        }
      }
      closed = true;
      channel.close();
    } finally {
      flushLock.unlock();
    }
    Thread p = preparer;
    if (p != null) {
      try {
        p.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (preallocate && prepState.get() != RUNNING) io.deleteIfExists(prepared);
    if (flusher != null) {
      LockSupport.unpark(flusher);
      try {
        flusher.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (err != null) throw err;
  }
}
