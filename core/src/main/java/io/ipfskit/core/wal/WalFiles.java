package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Durable file steps: temp → fsync → atomic move → fsync directory; owner-only permissions. */
final class WalFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private WalFiles() {}

  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    Files.createDirectories(dir);
    if (POSIX) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  static void restrictToOwner(Path file) throws IOException {
    if (POSIX) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  static void fsyncDirectory(Path dir) throws IOException {
    WalIo.REAL.fsyncDirectory(dir);
  }

  /** Atomically replaces {@code target} with {@code temp} (already written and forced). */
  static void commit(Path temp, Path target) throws IOException {
    commit(WalIo.REAL, temp, target);
  }

  /** {@link #commit(Path, Path)} through {@code io}. */
  static void commit(WalIo io, Path temp, Path target) throws IOException {
    io.atomicMove(temp, target, true);
    io.fsyncDirectory(target.getParent());
  }
}
