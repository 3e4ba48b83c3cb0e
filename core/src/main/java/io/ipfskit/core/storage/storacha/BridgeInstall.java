package io.ipfskit.core.storage.storacha;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the bridge ({@code bridge.mjs} + its {@code package.json}, shipped as resources of this
 * package's {@code bridge/} folder) where Node can run it: {@code <cache>/storacha-bridge/<hash>/},
 * where {@code <hash>} is the SHA-256 of the shipped files, so a new version of the bridge gets a new
 * folder and an old one is never half-updated. The first use runs {@code npm ci --omit=dev --no-audit
 * --no-fund} there ({@code npm install} when no {@code package-lock.json} is shipped); a marker file written after a successful install says it is done.
 *
 * <p>Concurrency: the whole check-copy-install runs under an exclusive {@link FileLock} on
 * {@code <hash>.lock} (several ipfs-kit processes may share the cache), and under this class's
 * monitor within one JVM (a FileLock is per process).
 *
 * <p>Failures are {@link StorageException}s naming the fix: Node missing or too old → PERMANENT
 * naming {@code IPFS_KIT_STORACHA_NODE}; npm failing (no registry, no disk) → TRANSIENT with npm's
 * last output lines (npm's output holds no key or proof: they never reach this folder).
 */
final class BridgeInstall {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeInstall.class);
  static final String RESOURCE_DIR = "/io/ipfskit/core/storage/storacha/bridge/";
  /** The files of the bridge; package-lock.json is used when it is shipped. */
  static final List<String> REQUIRED = List.of("bridge.mjs", "package.json");
  static final List<String> OPTIONAL = List.of("package-lock.json");
  static final String SCRIPT = "bridge.mjs";
  static final String MARKER = ".ipfs-kit-installed";
  static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
  private static final int MIN_NODE_MAJOR = 18;

  private BridgeInstall() {}

  /** The shipped bridge files by name (required ones first). */
  static Map<String, byte[]> shippedFiles() throws StorageException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : REQUIRED) {
      byte[] b = resource(name);
      if (b == null)
        throw new StorageException("storacha bridge: the resource " + RESOURCE_DIR + name + " is missing from this"
            + " build", StorageErrorClass.PERMANENT);
      files.put(name, b);
    }
    for (String name : OPTIONAL) {
      byte[] b = resource(name);
      if (b != null) files.put(name, b);
    }
    return files;
  }

  /**
   * The folder holding the installed bridge ({@code bridge.mjs} and {@code node_modules}), installing
   * it first when needed.
   *
   * @param cacheRoot e.g. {@code ~/.cache/ipfs-kit}
   * @param node the Node executable ({@code IPFS_KIT_STORACHA_NODE})
   */
  static synchronized Path ensure(Path cacheRoot, String node, Map<String, byte[]> files) throws StorageException {
    checkNode(node);
    String hash = hash(files);
    Path parent = cacheRoot.resolve("storacha-bridge");
    Path dir = parent.resolve(hash);
    try {
      Files.createDirectories(parent);
      try (FileChannel lockFile = FileChannel.open(parent.resolve(hash + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
        if (Files.isRegularFile(dir.resolve(MARKER)) && Files.isDirectory(dir.resolve("node_modules"))) return dir;
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path tmp = dir.resolve(f.getKey() + ".tmp");
          Files.write(tmp, f.getValue());
          Files.move(tmp, dir.resolve(f.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.info("installing the storacha bridge's npm dependencies into {} (first use; may take a minute)", dir);
        npmInstall(npm(node), dir, files.containsKey("package-lock.json"));
        Files.writeString(dir.resolve(MARKER), "installed\n", UTF_8);
        return dir;
      }
    } catch (IOException e) {
      throw new StorageException("storacha bridge: cannot install into " + dir + ": " + e, StorageErrorClass.TRANSIENT,
          e);
    }
  }

  /** Runs {@code node --version}; fails PERMANENT naming IPFS_KIT_STORACHA_NODE when it cannot run or is too old. */
  static String checkNode(String node) throws StorageException {
    Run r;
    try {
      r = run(List.of(node, "--version"), null, VERSION_TIMEOUT);
    } catch (IOException e) {
      throw new StorageException("storacha backend needs Node.js " + MIN_NODE_MAJOR + " or later, but IPFS_KIT_STORACHA_NODE"
          + " ('" + node + "') cannot be run: " + e.getMessage() + "; install Node.js or set IPFS_KIT_STORACHA_NODE to"
          + " its path", StorageErrorClass.PERMANENT, e);
    }
    String v = r.output.strip();
    if (r.exit != 0 || !v.matches("v\\d+\\..*"))
      throw new StorageException("storacha backend: IPFS_KIT_STORACHA_NODE ('" + node + "') --version exited "
          + r.exit + " with '" + StorachaErrors.scrub(v) + "'; it must be Node.js " + MIN_NODE_MAJOR + " or later",
          StorageErrorClass.PERMANENT);
    int major = Integer.parseInt(v.substring(1, v.indexOf('.')));
    if (major < MIN_NODE_MAJOR)
      throw new StorageException("storacha backend needs Node.js " + MIN_NODE_MAJOR + " or later, but"
          + " IPFS_KIT_STORACHA_NODE ('" + node + "') is " + v, StorageErrorClass.PERMANENT);
    return v;
  }

  /** npm next to the Node executable when it is given as a path with npm beside it, else npm on the PATH. */
  static String npm(String node) {
    Path p = Path.of(node);
    if (p.getParent() != null) {
      Path beside = p.getParent().resolve("npm");
      if (Files.isExecutable(beside)) return beside.toString();
    }
    return "npm";
  }

  /** {@code npm ci} when the bridge ships its lock file (the exact tested tree), else {@code npm install}. */
  private static void npmInstall(String npm, Path dir, boolean locked) throws StorageException {
    Run r;
    try {
      r = run(List.of(npm, locked ? "ci" : "install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"),
          dir, NPM_TIMEOUT);
    } catch (IOException e) {
      throw new StorageException("storacha bridge: npm ('" + npm + "') cannot be run to install the bridge's"
          + " dependencies: " + e.getMessage() + "; install npm (it comes with Node.js) next to IPFS_KIT_STORACHA_NODE"
          + " or on the PATH", StorageErrorClass.PERMANENT, e);
    }
    if (r.exit != 0)
      throw new StorageException("storacha bridge: 'npm install' in " + dir + " failed (exit " + r.exit + "): "
          + StorachaErrors.scrub(tail(r.output)) + "; the registry must be reachable on first use",
          StorageErrorClass.TRANSIENT);
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command, Path dir, Duration timeout) throws IOException, StorageException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) pb.directory(dir.toFile());
    BridgeProcess.stripKitVariables(pb.environment());
    Process p = pb.start();
    p.getOutputStream().close();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        String text = new String(in.readAllBytes(), UTF_8);
        synchronized (out) {
          out.append(text);
        }
      } catch (IOException e) {
        // the process went away; its exit code tells
      }
    }, "storacha-install-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new StorageException("storacha bridge: '" + String.join(" ", command) + "' did not finish within "
            + timeout.toSeconds() + " s", StorageErrorClass.TRANSIENT);
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new StorageException("storacha bridge: interrupted while running " + command.get(0),
          StorageErrorClass.TRANSIENT, e);
    }
    synchronized (out) {
      return new Run(p.exitValue(), out.toString());
    }
  }

  private static String tail(String output) {
    List<String> lines = new ArrayList<>(output.lines().filter(l -> !l.isBlank()).toList());
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static byte[] resource(String name) throws StorageException {
    try (InputStream in = BridgeInstall.class.getResourceAsStream(RESOURCE_DIR + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("storacha bridge: cannot read the resource " + name + ": " + e,
          StorageErrorClass.PERMANENT, e);
    }
  }

  static String hash(Map<String, byte[]> files) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        d.update(f.getKey().getBytes(UTF_8));
        d.update((byte) 0);
        d.update(Long.toString(f.getValue().length).getBytes(UTF_8));
        d.update((byte) 0);
        d.update(f.getValue());
      }
      return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
