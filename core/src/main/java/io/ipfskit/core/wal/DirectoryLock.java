package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The exclusive lock on a write-ahead log directory: an OS file lock on {@code <dir>/LOCK}, held by
 * whoever opens or repairs the log. One holder at a time, across processes (the OS lock) and inside
 * one JVM (a second {@link FileChannel#tryLock} there throws {@link OverlappingFileLockException},
 * reported the same way). The OS drops the lock when its process dies, so a crash never leaves the
 * directory locked; the LOCK file itself stays and is reused.
 *
 * <p>The LOCK file is created owner-only (0600) inside the owner-only (0700) directory that
 * {@link WalFiles#createPrivateDirectories} makes. Callers must {@link #close} the lock (try-with-resources).
 */
final class DirectoryLock implements AutoCloseable {
  static final String LOCK_FILE = "LOCK";
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

  private final Path directory;
  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of an existing directory without waiting.
   *
   * @throws WalLockedException if another process, or another holder in this JVM, has it
   */
  static DirectoryLock acquire(Path directory) throws IOException {
    Path file = directory.resolve(LOCK_FILE);
    FileAttribute<?>[] attrs = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_RW)}
        : new FileAttribute<?>[0];
    FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attrs);
    FileLock fl;
    try {
      try {
        fl = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        fl = null;
      }
      if (fl == null) throw new WalLockedException(directory);
      // a LOCK file made by an older version (umask permissions) is narrowed once we hold it
      if (POSIX && !Files.getPosixFilePermissions(file).equals(OWNER_RW)) WalFiles.restrictToOwner(file);
    } catch (IOException | RuntimeException | Error e) {
      ch.close(); // also releases the lock if it was taken
      throw e;
    }
    return new DirectoryLock(directory, ch, fl);
  }

  Path directory() {
    return directory;
  }

  /** The locked channel: kept by {@link WriteAheadLog}, which releases it field by field on close. */
  FileChannel channel() {
    return channel;
  }

  FileLock fileLock() {
    return lock;
  }

  /** Releases the lock and closes the file; the LOCK file stays. */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) lock.release();
    } finally {
      channel.close();
    }
  }
}
