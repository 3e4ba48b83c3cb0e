package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Durable file steps: temp → fsync → atomic move → fsync directory; owner-only permissions. */
final class WalFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");

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

  /** Makes an existing directory 0700 if it is wider. */
  static void restrictDirectoryToOwner(Path dir) throws IOException {
    if (POSIX && !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR_0700))
      Files.setPosixFilePermissions(dir, DIR_0700);
  }

  /** Makes an existing file 0600 if it is wider (one stat when it already is). */
  static void restrictToOwnerIfWider(Path file) throws IOException {
    if (POSIX && !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(FILE_0600))
      Files.setPosixFilePermissions(file, FILE_0600);
  }

  /** Creates a new empty file that is 0600 from the start (fails if it exists). */
  static void createPrivateFile(Path file) throws IOException {
    if (POSIX) Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_0600));
    else Files.createFile(file);
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
