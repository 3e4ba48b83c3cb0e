package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The directory lock shared by {@link WriteAheadLog#open} and {@link WriteAheadLog#repair}. */
@Timeout(60)
class DirectoryLockTest {
  @TempDir Path tmp;

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void acquire_secondHolderInSameJvm_throwsWalLockedUntilTheFirstCloses() throws IOException {
    try (DirectoryLock first = DirectoryLock.acquire(tmp)) {
      WalLockedException e = assertThrows(WalLockedException.class, () -> DirectoryLock.acquire(tmp));
      assertEquals(tmp, e.directory());
      assertTrue(e.getMessage().contains(tmp.resolve("LOCK").toString()), e.getMessage());
    }
    try (DirectoryLock again = DirectoryLock.acquire(tmp)) {
      assertEquals(tmp, again.directory());
    }
  }

  @Test
  void acquire_newLockFile_isOwnerOnly() throws IOException {
    assumeTrue(posix(), "POSIX permissions");
    try (DirectoryLock lock = DirectoryLock.acquire(tmp)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("LOCK"))));
    }
  }

  @Test
  void acquire_lockFileLeftByOlderVersionWithWiderPermissions_isNarrowed() throws IOException {
    assumeTrue(posix(), "POSIX permissions");
    Path file = Files.createFile(tmp.resolve("LOCK"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (DirectoryLock lock = DirectoryLock.acquire(tmp)) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
  }

  @Test
  void open_newDirectory_isOwnerOnlyWithOwnerOnlyLockFile() throws IOException {
    assumeTrue(posix(), "POSIX permissions");
    Path dir = tmp.resolve("wal");
    try (WriteAheadLog wal = WriteAheadLog.open(WalTests.config(dir, FsyncMode.ALWAYS), Map.of(), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true, false))) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("LOCK"))));
    }
  }

  @Test
  void repair_whileTheLogIsOpen_throwsWalLockedAndChangesNothing() throws IOException {
    Path dir = tmp.resolve("wal");
    try (WriteAheadLog wal = WriteAheadLog.open(WalTests.config(dir, FsyncMode.ALWAYS), Map.of(), Clock.systemUTC(),
        new WriteAheadLog.Options(null, null, true, false))) {
      assertThrows(WalLockedException.class, () -> WriteAheadLog.repair(dir, true));
    }
    assertEquals(java.util.List.of(), WriteAheadLog.repair(dir), "the lock is free again after close");
  }

  @Test
  void acquire_heldByAnotherProcess_throwsWalLockedAndIsFreeOnceItDies() throws Exception {
    Path dir = tmp.resolve("wal");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // CrashChild with no appender threads: opens the log (taking the lock), prints READY, waits
    Process child = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(), "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      assertEquals("READY", in.readLine(), "child did not open the log");
      WalLockedException e = assertThrows(WalLockedException.class, () -> DirectoryLock.acquire(dir));
      assertEquals(dir, e.directory());
      child.toHandle().destroyForcibly(); // SIGKILL: the OS releases its lock
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
    } finally {
      child.destroyForcibly();
    }
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      assertEquals(dir, lock.directory());
    }
  }
}
