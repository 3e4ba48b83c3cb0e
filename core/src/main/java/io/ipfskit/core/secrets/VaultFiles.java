package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File steps of the store. Every replacement is: write a 0600 temp file in the same directory →
 * fsync it → atomic rename over the target → fsync the directory. A failed fsync is not retried: the
 * write fails and the caller reports it (the old file is still in place, the temp is removed).
 */
final class VaultFiles {
  private static final Logger LOG = LoggerFactory.getLogger(VaultFiles.class);
  static final Set<PosixFilePermission> FILE_0600 = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  static final Set<PosixFilePermission> DIR_0700 =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE_0600);
  static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR_0700);
  static final String TEMP_MARK = ".tmp-";

  private VaultFiles() {}

  /** Creates the directory 0700 (parents too), or tightens an existing one to 0700. */
  static void ensurePrivateDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try {
          Files.createDirectory(dir, DIR_ATTR);
        } catch (FileAlreadyExistsException e) {
          // created concurrently by another process: fall through to the permission check
        }
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (!perms.equals(DIR_0700)) {
        LOG.warn("secrets directory {} had mode {}; setting it to rwx------", dir, PosixFilePermissions.toString(perms));
        Files.setPosixFilePermissions(dir, DIR_0700);
      }
    } catch (IOException e) {
      throw new VaultStorageException("cannot create the secrets directory " + dir + ": " + e, e);
    }
  }

  /** Makes an existing file 0600 if it is not (reference stores may have looser files). */
  static void tightenFile(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (!perms.equals(FILE_0600)) {
        Files.setPosixFilePermissions(file, FILE_0600);
      }
    }
  }

  static FileChannel openPrivate(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new java.util.HashSet<>(java.util.List.of(options));
    return FileChannel.open(file, opts, FILE_ATTR);
  }

  /** The file's bytes, or null when it does not exist. */
  static byte[] readOrNull(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new VaultStorageException("cannot read " + file + ": " + e, e);
    }
  }

  /** Replaces {@code target} with {@code content}: temp (0600) → fsync → atomic rename → fsync dir. */
  static void writeAtomically(Path target, byte[] content) {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + TEMP_MARK + Long.toHexString(Gcm.RANDOM.nextLong()));
    try {
      try (FileChannel ch = openPrivate(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new VaultStorageException("the file system of " + dir + " cannot rename atomically; the store needs a local POSIX file system", e);
      }
      fsyncDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new VaultStorageException("cannot write " + target + " (the previous version is unchanged): " + e, e);
    }
  }

  /**
   * Replaces {@code target} atomically (temp 0600 → rename) without fsync: for files whose older
   * version is still correct after a power cut (the audit head). Failures are logged, not thrown.
   */
  static void replaceWithoutFsync(Path target, byte[] content) {
    Path temp = target.resolveSibling("." + target.getFileName() + TEMP_MARK + Long.toHexString(Gcm.RANDOM.nextLong()));
    try {
      try (FileChannel ch = openPrivate(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("could not replace {}: {}", target, e.toString());
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort; stale temps are removed at the next open
      }
    }
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Removes temp files left by a process killed mid-write; call only under the store lock. */
  static void removeStaleTemps(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*" + TEMP_MARK + "*")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove stale temp files in {}: {}", dir, e.toString());
    }
  }
}
