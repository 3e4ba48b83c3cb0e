package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Inter-process locks and the change counter of one store directory, shared by every {@link Vault}
 * of this JVM on that directory.
 *
 * <p>Design. The lock file {@code .lock} (0600) carries two advisory POSIX byte-range locks and a
 * counter: byte 0 is the store lock (held while the store files are re-read and replaced), byte 1
 * the audit lock (held while one audit line is appended), bytes 16..23 the store generation, a
 * counter every writer bumps under the store lock <em>before</em> it replaces files. A reader
 * compares the generation (one {@code pread}) with the one its cache was built at; when it differs
 * it takes the store lock, which waits for the writer to finish, and reloads.
 *
 * <p>Why one instance per JVM: POSIX locks belong to the process, so two channels of one JVM on the
 * same file would conflict ({@code OverlappingFileLockException}) and closing either would drop the
 * other's locks. Each file lock is therefore paired with a {@link ReentrantLock} that serialises the
 * threads of this JVM first; nested acquisition by the holding thread does not touch the file lock.
 *
 * <p>Lock order: store before audit. Caveat: interrupting a thread blocked in a channel operation
 * closes the channel (NIO semantics), which releases the file locks; the channel is reopened on next
 * use, so an interrupt during a mutation can briefly let another process in.
 */
final class StoreLock {
  private static final Map<Path, StoreLock> OPEN = new HashMap<>();
  private static final long GENERATION_OFFSET = 16;

  private final Path file;
  private final ReentrantLock storeMutex = new ReentrantLock();
  private final ReentrantLock auditMutex = new ReentrantLock();
  private final Object channelMonitor = new Object();
  private volatile FileChannel channel;
  private int references; // guarded by OPEN
  private final ThreadLocal<ByteBuffer> generationBuffer = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(8));

  private StoreLock(Path file) throws IOException {
    this.file = file;
    this.channel = open();
  }

  private FileChannel open() throws IOException {
    FileChannel ch = VaultFiles.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    VaultFiles.tightenFile(file);
    return ch;
  }

  static StoreLock acquire(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (OPEN) {
      StoreLock lock = OPEN.get(key);
      if (lock == null) {
        try {
          lock = new StoreLock(key);
        } catch (IOException e) {
          throw new VaultStorageException("cannot open the lock file " + key + ": " + e, e);
        }
        OPEN.put(key, lock);
      }
      lock.references++;
      return lock;
    }
  }

  void release() {
    synchronized (OPEN) {
      if (--references == 0) {
        OPEN.remove(file);
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing a lock file we only read and lock: nothing is lost
        }
      }
    }
  }

  private FileChannel channel() throws IOException {
    FileChannel ch = channel;
    if (ch.isOpen()) {
      return ch;
    }
    synchronized (channelMonitor) {
      if (!channel.isOpen()) {
        channel = open();
      }
      return channel;
    }
  }

  /** Runs {@code body} holding the store lock (JVM mutex, then the file lock on byte 0). */
  <T> T withStoreLock(Supplier<T> body) {
    return withLock(storeMutex, 0, body);
  }

  /** Runs {@code body} holding the audit lock (JVM mutex, then the file lock on byte 1). */
  <T> T withAuditLock(Supplier<T> body) {
    return withLock(auditMutex, 1, body);
  }

  private <T> T withLock(ReentrantLock mutex, long position, Supplier<T> body) {
    mutex.lock();
    try {
      if (mutex.getHoldCount() > 1) {
        return body.get();
      }
      FileLock fileLock = lockFile(position);
      try {
        return body.get();
      } finally {
        try {
          if (fileLock.isValid()) {
            fileLock.release();
          }
        } catch (IOException e) {
          // the lock dies with the channel anyway; nothing to undo
        }
      }
    } finally {
      mutex.unlock();
    }
  }

  private FileLock lockFile(long position) {
    for (int attempt = 0; ; attempt++) {
      try {
        return channel().lock(position, 1, false);
      } catch (ClosedByInterruptException e) {
        Thread.currentThread().interrupt();
        throw new VaultStorageException("interrupted while waiting for the lock on " + file, e);
      } catch (ClosedChannelException e) {
        if (attempt > 0) {
          throw new VaultStorageException("the lock file " + file + " was closed", e);
        }
      } catch (IOException e) {
        throw new VaultStorageException("cannot lock " + file + ": " + e, e);
      }
    }
  }

  /** The store generation (0 before the first write). One positional read, no lock. */
  long readGeneration() {
    ByteBuffer buf = generationBuffer.get();
    for (int attempt = 0; ; attempt++) {
      buf.clear();
      try {
        FileChannel ch = channel();
        while (buf.hasRemaining()) {
          if (ch.read(buf, GENERATION_OFFSET + buf.position()) < 0) {
            return 0;
          }
        }
        return buf.getLong(0);
      } catch (ClosedByInterruptException e) {
        Thread.currentThread().interrupt();
        throw new VaultStorageException("interrupted while reading " + file, e);
      } catch (ClosedChannelException e) {
        if (attempt > 0) {
          throw new VaultStorageException("the lock file " + file + " was closed", e);
        }
      } catch (IOException e) {
        throw new VaultStorageException("cannot read " + file + ": " + e, e);
      }
    }
  }

  /** Bumps the generation; call only under the store lock. Returns the new value. */
  long bumpGeneration() {
    long next = readGeneration() + 1;
    ByteBuffer buf = ByteBuffer.allocate(8).putLong(0, next);
    try {
      FileChannel ch = channel();
      while (buf.hasRemaining()) {
        ch.write(buf, GENERATION_OFFSET + buf.position());
      }
    } catch (IOException e) {
      throw new VaultStorageException("cannot write " + file + ": " + e, e);
    }
    return next;
  }

  Path file() {
    return file;
  }
}
