package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerSocketPathTest {
  @TempDir Path tmp;

  @Test
  void forHome_shortHome_socketInsideHomeRunDir() {
    Path home = Path.of("/home/a/.ipfs_kit");
    assertEquals(Path.of("/home/a/.ipfs_kit/run/wal.sock"), OwnerSocketPath.forHome(home, tmp));
  }

  @Test
  void forHome_homeTooLongForSunPath_shortPathUnderTmpKeyedByHome() {
    Path home = Path.of("/" + "x".repeat(120) + "/home");
    Path other = Path.of("/" + "x".repeat(120) + "/other");
    Path socket = OwnerSocketPath.forHome(home, tmp);
    assertTrue(socket.startsWith(tmp.resolve(socket.getParent().getFileName())), socket.toString());
    assertTrue(socket.getParent().getFileName().toString().startsWith("ipfs-kit-"), socket.toString());
    assertTrue(socket.toString().getBytes(StandardCharsets.UTF_8).length <= OwnerSocketPath.MAX_SOCKET_PATH_BYTES);
    assertEquals(socket, OwnerSocketPath.forHome(home, tmp), "same home, same socket");
    assertTrue(!socket.equals(OwnerSocketPath.forHome(other, tmp)), "another home gets another socket");
  }

  @Test
  void prepareDirectory_missing_createdWithMode0700() throws Exception {
    Path socket = tmp.resolve("home/run/wal.sock");
    OwnerSocketPath.prepareDirectory(socket);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
  }

  @Test
  void prepareDirectory_existingOpenDirectory_tightenedTo0700() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    OwnerSocketPath.prepareDirectory(dir.resolve("wal.sock"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }
}
