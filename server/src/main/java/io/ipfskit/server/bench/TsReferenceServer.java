package io.ipfskit.server.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference MCP server on the official TypeScript SDK
 * ({@code server/src/test/node/ts-reference-server}: package.json, package-lock.json, server.mjs),
 * installed on first use into {@code ~/.cache/ipfs-kit/node/<hash>} — never into the checkout.
 * The hash covers package.json and package-lock.json, so a changed pin gets a fresh directory;
 * server.mjs is copied beside its node_modules on every use (Node resolves imports from the
 * script's own directory).
 */
public final class TsReferenceServer {

  /** The reference server's light tool, the counterpart of {@code secrets_statistics}. */
  public static final String TOOL = "statistics";
  private static final List<String> FILES = List.of("package.json", "package-lock.json", "server.mjs");
  private static final long INSTALL_TIMEOUT_MINUTES = 10;

  private TsReferenceServer() {}

  /**
   * The directory holding the reference server's sources: {@code explicit} when given, otherwise
   * {@code server/src/test/node/ts-reference-server} next to the jar's {@code server/target}
   * directory, or under the working directory.
   */
  public static Path locate(Path explicit, Path ownJar) {
    if (explicit != null) {
      requireSources(explicit);
      return explicit;
    }
    Path relative = Path.of("src", "test", "node", "ts-reference-server");
    List<Path> candidates = List.of(
        ownJar.toAbsolutePath().getParent().resolveSibling(relative.toString()),
        Path.of("server").resolve(relative).toAbsolutePath(),
        relative.toAbsolutePath());
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate.resolve("server.mjs"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find the TypeScript reference server (looked in " + candidates
        + "); run from the checkout or pass --ts-server DIR");
  }

  /**
   * Installs the reference server's node_modules into the user's cache when missing and returns
   * the command that starts it ({@code node <cache>/server.mjs}).
   */
  public static List<String> install(Path sources, Path cacheRoot, java.io.PrintStream log)
      throws IOException, InterruptedException {
    requireSources(sources);
    String node = requireTool("node");
    Path dir = cacheRoot.resolve(hash(sources));
    if (!Files.isRegularFile(dir.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))) {
      String npm = requireTool("npm");
      // Installed beside, then renamed into place: two benches starting at once never share a half install.
      Path staging = cacheRoot.resolve(dir.getFileName() + ".installing-" + ProcessHandle.current().pid());
      Files.createDirectories(staging);
      for (String f : List.of("package.json", "package-lock.json")) {
        Files.copy(sources.resolve(f), staging.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      log.println("bench: installing the TypeScript reference server's packages into " + dir + " (npm ci, once) ...");
      Path npmLog = cacheRoot.resolve(staging.getFileName() + ".npm.log");
      Process p = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
          .directory(staging.toFile()).redirectErrorStream(true).redirectOutput(npmLog.toFile()).start();
      if (!p.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("npm ci in " + staging + " did not finish within " + INSTALL_TIMEOUT_MINUTES
            + " minutes; see " + npmLog);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("npm ci in " + staging + " failed with exit code " + p.exitValue()
            + " (it needs the npm registry once); see " + npmLog);
      }
      try {
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(npmLog);
      } catch (IOException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        StdioBench.deleteTree(staging); // another bench installed it first
      }
    }
    Files.copy(sources.resolve("server.mjs"), dir.resolve("server.mjs"), StandardCopyOption.REPLACE_EXISTING);
    return List.of(node, dir.resolve("server.mjs").toString());
  }

  /** {@code ~/.cache/ipfs-kit/node}, or under {@code $XDG_CACHE_HOME} when set. */
  public static Path defaultCacheRoot(Path userHome, java.util.Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : userHome.resolve(".cache");
    return base.resolve("ipfs-kit").resolve("node");
  }

  private static void requireSources(Path dir) {
    for (String f : FILES) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new IllegalStateException("the TypeScript reference server directory " + dir + " lacks " + f);
      }
    }
  }

  /** The tool's name when it runs ({@code <tool> --version} exits 0), else a clear error. */
  private static String requireTool(String tool) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return tool;
      }
      p.destroyForcibly();
    } catch (IOException e) {
      // not on PATH: reported below
    }
    throw new IllegalStateException("'" + tool + " --version' did not run: the side-by-side bench needs Node.js"
        + " (18 or newer) and npm on PATH to start the TypeScript SDK reference server; install them or pass --no-ts");
  }

  private static String hash(Path sources) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String f : List.of("package.json", "package-lock.json")) {
        sha.update(f.getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(sources.resolve(f)));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
