package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Durable file steps: temp → fsync → atomic move → fsync directory; owner-only permissions. */
final class WalFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");

  private WalFiles() {}

  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    Files.createDirectories(dir);
    if (POSIX) Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
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
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Atomically replaces {@code target} with {@code temp} (already written and forced). */
  static void commit(Path temp, Path target) throws IOException {
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(target.getParent());
  }
}
