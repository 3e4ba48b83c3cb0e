package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the test-only Node programs under {@code server/src/test/node} (the official MCP TypeScript
 * SDK as a client). Their dependencies are installed once per {@code package.json} content into
 * {@code ~/.cache/ipfs-kit/node/<sha256>/} (never into the clone), under a file lock so parallel
 * test JVMs install once. Node and npm must be on the PATH; a missing one fails the test with a
 * message saying so (CI installs nothing else for these: Node 20 and npm come with the machine).
 */
public final class NodeScripts {
  private NodeScripts() {}

  /** Where the scripts live in the source tree (tests run with the module as working directory). */
  static Path sourceDir() {
    Path p = Path.of("src/test/node").toAbsolutePath();
    if (!Files.isRegularFile(p.resolve("package.json")))
      throw new IllegalStateException("expected the Node test programs at " + p);
    return p;
  }

  /**
   * The directory with {@code node_modules} installed and the current scripts copied in: run
   * {@code node <dir>/<script>} from there so the SDK's ES modules resolve.
   */
  public static synchronized Path installed() throws IOException, InterruptedException {
    return installed(sourceDir());
  }

  /**
   * The same for another Node program folder under {@code server/src/test/node} (e.g. {@code
   * conformance}): its {@code package.json} installed once into the cache, its {@code .mjs} files copied.
   */
  public static synchronized Path installed(String subfolder) throws IOException, InterruptedException {
    Path src = sourceDir().resolve(subfolder);
    if (!Files.isRegularFile(src.resolve("package.json")))
      throw new IllegalStateException("expected a package.json in " + src);
    return installed(src);
  }

  /**
   * The same for a Node program folder anywhere ({@code src/test/node-storacha}, or the Storacha
   * bridge under core's resources): its {@code package.json} (and {@code package-lock.json}, if there
   * is one: then {@code npm ci}) installed once per content into the cache, its {@code .mjs} files
   * copied next to {@code node_modules}.
   */
  public static synchronized Path installedFolder(Path src) throws IOException, InterruptedException {
    if (!Files.isRegularFile(src.resolve("package.json")))
      throw new IllegalStateException("expected a package.json in " + src);
    return installed(src, true);
  }

  private static Path installed(Path src) throws IOException, InterruptedException {
    return installed(src, false); // these folders keep `npm install` of package.json alone
  }

  private static Path installed(Path src, boolean useLock) throws IOException, InterruptedException {
    byte[] pkg = Files.readAllBytes(src.resolve("package.json"));
    // a package-lock.json next to it pins the whole tree: part of the cache key, installed with `npm ci`
    Path lockFile = src.resolve("package-lock.json");
    byte[] lock = useLock && Files.isRegularFile(lockFile) ? Files.readAllBytes(lockFile) : null;
    String key = lock == null ? sha256(pkg) : sha256((sha256(pkg) + sha256(lock)).getBytes(UTF_8));
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "ipfs-kit", "node", key.substring(0, 16));
    Files.createDirectories(dir);
    try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      Path marker = dir.resolve("node_modules/.ipfs-kit-installed");
      if (!Files.exists(marker)) {
        Files.write(dir.resolve("package.json"), pkg);
        if (lock != null) Files.write(dir.resolve("package-lock.json"), lock);
        Process p = new ProcessBuilder("npm", lock == null ? "install" : "ci", "--no-audit", "--no-fund", "--loglevel=error")
            .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0)
          throw new IllegalStateException("npm install of " + src.resolve("package.json") + " in " + dir + " failed: " + log);
        Files.writeString(marker, "ok\n");
      }
      try (var files = Files.list(src)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".mjs")).toList())
          Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  /** Starts {@code node <script> <args...>} in the installed directory; stderr is inherited. */
  public static Process start(String script, List<String> args) throws IOException, InterruptedException {
    Path dir = installed();
    List<String> cmd = new ArrayList<>(List.of("node", dir.resolve(script).toString()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * Starts {@code node <script> <args...>} from the programs of {@code subfolder} (see {@link
   * #installed(String)}, e.g. {@code browser}); stderr is inherited.
   */
  public static Process start(String subfolder, String script, List<String> args) throws IOException, InterruptedException {
    Path dir = installed(subfolder);
    List<String> cmd = new ArrayList<>(List.of("node", dir.resolve(script).toString()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Runs a script to its end (bounded) and returns its stdout lines. */
  public static List<String> run(String script, List<String> args, long timeoutSeconds)
      throws IOException, InterruptedException {
    return lines(start(script, args), script, timeoutSeconds);
  }

  /** {@link #run(String, List, long)} for a program of {@code subfolder} (e.g. {@code browser}). */
  public static List<String> run(String subfolder, String script, List<String> args, long timeoutSeconds)
      throws IOException, InterruptedException {
    return lines(start(subfolder, script, args), script, timeoutSeconds);
  }

  private static List<String> lines(Process p, String script, long timeoutSeconds) throws InterruptedException, IOException {
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(script + " did not finish within " + timeoutSeconds + " s");
    }
    return new String(out, UTF_8).lines().toList();
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
