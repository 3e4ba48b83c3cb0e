package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Durable file steps: temp → fsync → atomic move → fsync directory; owner-only permissions. */
final class WalFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private WalFiles() {}

  static void createPrivateDirectories(Path dir) throws IOException {
    createPrivateDirectories(WalIo.REAL, dir);
  }

  /** {@link #createDirectories}, then owner-only permissions on {@code dir}. */
  static void createPrivateDirectories(WalIo io, Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    createDirectories(io, dir);
    if (POSIX) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * Creates {@code dir} and its missing parents, then fsyncs the parent of each directory created,
   * top down: a new directory's entry is only durable once its parent is synced, and a record
   * acknowledged in a directory that vanishes on power loss is lost (etcd's {@code wal.Create}
   * fsyncs the parent for the same reason).
   */
  static void createDirectories(WalIo io, Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    List<Path> missing = new ArrayList<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) missing.add(p);
    Files.createDirectories(dir);
    for (int i = missing.size() - 1; i >= 0; i--) {
      Path parent = missing.get(i).getParent();
      if (parent != null) io.fsyncDirectory(parent);
    }
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
