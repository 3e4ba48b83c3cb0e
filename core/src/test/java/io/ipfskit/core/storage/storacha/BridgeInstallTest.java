package io.ipfskit.core.storage.storacha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BridgeInstall} where no network is needed: the hash-named folder, the completed-install
 * marker, and the cross-process lock (a second JVM holds it). The npm install itself is exercised by
 * the server's Storacha ITs.
 */
@Timeout(120)
class BridgeInstallTest {
  @TempDir Path cache;

  private static Map<String, byte[]> copyWith(Map<String, byte[]> files, String name, String text) {
    Map<String, byte[]> changed = new LinkedHashMap<>(files);
    changed.put(name, text.getBytes(UTF_8));
    return changed;
  }

  /** Marks {@code dir} as a finished install, as {@link BridgeInstall#ensure} leaves it. */
  private static void markInstalled(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("node_modules"));
    Files.writeString(dir.resolve(BridgeInstall.MARKER), "installed\n", UTF_8);
  }

  @Test
  void hash_sameFiles_sameFolderName() throws Exception {
    Map<String, byte[]> a = BridgeInstall.shippedFiles();
    Map<String, byte[]> b = BridgeInstall.shippedFiles();
    assertEquals(BridgeInstall.hash(a), BridgeInstall.hash(b));
    assertTrue(BridgeInstall.hash(a).matches("[0-9a-f]{16}"), BridgeInstall.hash(a));
    assertTrue(a.keySet().containsAll(BridgeInstall.REQUIRED), a.keySet().toString());
  }

  @Test
  void hash_oneFileChanged_otherFolderName() throws Exception {
    Map<String, byte[]> shipped = BridgeInstall.shippedFiles();
    String script = new String(shipped.get(BridgeInstall.SCRIPT), UTF_8);
    String pkg = new String(shipped.get("package.json"), UTF_8);
    String base = BridgeInstall.hash(shipped);
    assertNotEquals(base, BridgeInstall.hash(copyWith(shipped, BridgeInstall.SCRIPT, script + "\n// v2\n")));
    assertNotEquals(base, BridgeInstall.hash(copyWith(shipped, "package.json", pkg + " ")));
    // Moving bytes from one file to the next is a change too (names and lengths are hashed).
    Map<String, byte[]> moved = new LinkedHashMap<>(shipped);
    moved.put(BridgeInstall.SCRIPT, (script + pkg.charAt(0)).getBytes(UTF_8));
    moved.put("package.json", pkg.substring(1).getBytes(UTF_8));
    assertNotEquals(base, BridgeInstall.hash(moved));
  }

  @Test
  void ensure_completedInstallMarked_returnsItsFolderWithoutInstalling() throws Exception {
    Map<String, byte[]> files = BridgeInstall.shippedFiles();
    Path dir = cache.resolve("storacha-bridge").resolve(BridgeInstall.hash(files));
    markInstalled(dir);
    assertEquals(dir, BridgeInstall.ensure(cache, "node", files));
    // Neither copied nor installed: a finished install is left as it is.
    assertFalse(Files.exists(dir.resolve(BridgeInstall.SCRIPT)));
    try (var entries = Files.list(dir.resolve("node_modules"))) {
      assertEquals(0, entries.count());
    }
  }

  /**
   * Another process holds the install lock and finishes the install while this one waits for the
   * lock: this one then finds the marker and neither copies nor runs npm.
   */
  @Test
  void ensure_otherProcessHoldsLock_waitsThenUsesItsInstall() throws Exception {
    Map<String, byte[]> files = BridgeInstall.shippedFiles();
    String hash = BridgeInstall.hash(files);
    Path parent = Files.createDirectories(cache.resolve("storacha-bridge"));
    Path lock = parent.resolve(hash + ".lock");
    Path dir = parent.resolve(hash);
    Path holder = cache.resolve("LockHolder.java");
    Files.writeString(holder, """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class LockHolder {
          public static void main(String[] a) throws Exception {
            try (FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var l = c.lock()) {
              System.out.println("locked");
              System.out.flush();
              System.in.read(); // the test says: finish the install
              Path dir = Path.of(a[1]);
              Files.createDirectories(dir.resolve("node_modules"));
              Files.writeString(dir.resolve(a[2]), "installed\\n");
            }
          }
        }
        """, UTF_8);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(List.of(java, holder.toString(), lock.toString(), dir.toString(),
        BridgeInstall.MARKER)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      assertEquals("locked", out.readLine());
      CompletableFuture<Path> installing = CompletableFuture.supplyAsync(() -> {
        try {
          return BridgeInstall.ensure(cache, "node", files);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      awaitBlockedOnLock(lock);
      assertFalse(installing.isDone());
      try (OutputStream in = p.getOutputStream()) {
        in.write('\n');
      }
      assertEquals(dir, installing.get(60, TimeUnit.SECONDS));
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
      assertFalse(Files.exists(dir.resolve(BridgeInstall.SCRIPT)), "the waiting installer copied files");
    } finally {
      p.destroyForcibly();
    }
  }

  /** Polls /proc/locks (bounded) until some process waits for the POSIX lock on {@code file}. */
  private static void awaitBlockedOnLock(Path file) throws Exception {
    String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(Path.of("/proc/locks"), UTF_8))
        if (line.contains("->") && line.contains(inode)) return;
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    throw new AssertionError("no process waited for the lock on " + file + " within 30 s");
  }
}
