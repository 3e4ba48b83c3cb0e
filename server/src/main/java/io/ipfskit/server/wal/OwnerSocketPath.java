package io.ipfskit.server.wal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Where the owner of a home's WAL listens: {@code <home>/run/wal.sock}, or, when that path is
 * longer than a Unix socket address allows (sun_path is 108 bytes on Linux, 104 on macOS), {@code
 * /tmp/ipfs-kit-<uid>/<first 16 hex of SHA-256(home)>.sock}. The directory is 0700 and ours; the
 * socket file is made 0600 right after bind, so only this user can reach the owner.
 */
final class OwnerSocketPath {
  /** Leaves room for the terminating NUL and macOS's shorter limit. */
  static final int MAX_SOCKET_PATH_BYTES = 100;
  private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");

  private OwnerSocketPath() {}

  static Path forHome(Path home) {
    return forHome(home, Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
  }

  static Path forHome(Path home, Path tmpRoot) {
    Path abs = home.toAbsolutePath().normalize();
    Path preferred = abs.resolve("run").resolve("wal.sock");
    if (preferred.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES) return preferred;
    String key = HexFormat.of().formatHex(sha256(abs.toString())).substring(0, 16);
    return tmpRoot.toAbsolutePath().resolve("ipfs-kit-" + uid()).resolve(key + ".sock");
  }

  /**
   * Creates the socket's directory 0700 if missing; refuses one that another user owns or that
   * others can enter, since anyone who can reach the socket can drive the log.
   */
  static void prepareDirectory(Path socketPath) throws IOException {
    Path dir = socketPath.getParent();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(DIR_0700)); // the home, if new
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_0700));
      } catch (FileAlreadyExistsException raced) {
        // another process created it first; checked below like any existing directory
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("owner socket directory " + dir + " must be a directory, but is a file or link; remove it");
    }
    UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
    if (!owner.equals(currentUser(dir))) {
      throw new IOException("owner socket directory " + dir + " must be owned by " + System.getProperty("user.name")
          + ", but is owned by " + owner.getName() + "; remove it or use a home whose path is shorter");
    }
    if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR_0700)) {
      Files.setPosixFilePermissions(dir, DIR_0700);
    }
  }

  private static UserPrincipal currentUser(Path anyPath) throws IOException {
    return anyPath.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }

  static void restrictSocketFile(Path socketPath) throws IOException {
    Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
  }

  private static String uid() {
    try {
      return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return System.getProperty("user.name", "user");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required on every Java platform", e);
    }
  }
}
