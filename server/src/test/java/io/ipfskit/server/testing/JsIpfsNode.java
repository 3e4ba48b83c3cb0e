package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real IPFS node for tests: js-ipfs ({@code ipfs} 0.66.1 on npm, which speaks the Kubo RPC API;
 * Kubo itself cannot be installed here) running offline on 127.0.0.1, one process per instance with
 * a fresh repository ({@code IPFS_PATH}) under the test's directory. {@link #stop()} ends the
 * process (SIGTERM: js-ipfs releases its repository lock) and {@link #start()} runs it again on the
 * same repository and API port, for outage tests. {@link #close()} stops it for good.
 *
 * <p>Its npm package ({@code src/test/node-ipfs/package.json}, with the {@code overrides} that pin
 * the dependency drift which otherwise breaks 0.66.1) is installed once per content into {@code
 * ~/.cache/ipfs-kit/node-ipfs/<sha256>/} under a file lock, like {@link NodeScripts}: {@code npm
 * install} (not {@code npm ci}: its lockfile names an optional GitHub tarball), about 5 minutes cold.
 *
 * <p>{@link #rpc} calls the node's RPC directly with the JDK's HTTP client: an independent look at
 * what the node holds, not through the code under test.
 */
public final class JsIpfsNode implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path repo;
  private final Path workDir;
  private final int apiPort;
  private ChildProcess process; // guarded by this
  private int starts; // guarded by this

  private JsIpfsNode(Path workDir, int apiPort) {
    this.workDir = workDir;
    this.repo = workDir.resolve("repo");
    this.apiPort = apiPort;
  }

  /** Initialises a fresh repository under {@code workDir} and starts the daemon on a free port. */
  public static JsIpfsNode start(Path workDir) throws IOException, InterruptedException {
    Files.createDirectories(workDir);
    JsIpfsNode node = new JsIpfsNode(workDir.toAbsolutePath(), ChildProcess.freePort());
    node.start();
    return node;
  }

  /** The node's RPC API, e.g. {@code http://127.0.0.1:40123}. */
  public URI api() {
    return URI.create("http://127.0.0.1:" + apiPort);
  }

  /** Starts the daemon (again) on this repository; returns when its API answers {@code id}. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) throw new IllegalStateException("js-ipfs is already running");
    Path jsipfs = installed().resolve("node_modules/.bin/jsipfs");
    Path config = workDir.resolve("init-config.json");
    Files.writeString(config, """
        {"Addresses": {"API": "/ip4/127.0.0.1/tcp/%d", "Gateway": "/ip4/127.0.0.1/tcp/0",
          "RPC": "/ip4/127.0.0.1/tcp/0", "Swarm": [], "Announce": [], "NoAnnounce": []},
         "Bootstrap": [],
         "Discovery": {"MDNS": {"Enabled": false}, "webRTCStar": {"Enabled": false}}}
        """.formatted(apiPort), UTF_8);
    List<String> cmd = List.of(jsipfs.toString(), "daemon", "--offline", "--init-profile", "test", "--init-config",
        config.toString(), "--enable-preload=false");
    starts++;
    process = ChildProcess.start("js-ipfs", cmd, workDir, Map.of("IPFS_PATH", repo.toString()),
        workDir.resolve("js-ipfs-" + starts + ".log"));
    process.awaitPort(apiPort, READY_WITHIN);
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (true) { // the API port opens a moment before every route answers
      try {
        rpc("id", "");
        return;
      } catch (IOException | IllegalStateException notYet) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("js-ipfs API does not answer id: "
            + process.logTail(), notYet);
        TimeUnit.MILLISECONDS.sleep(100); // polling a real process's readiness, not timing a test
      }
    }
  }

  /** Stops the daemon (the repository stays); {@link #start()} runs it again. */
  public synchronized void stop() {
    if (process != null) process.close();
    process = null;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * POSTs {@code /api/v0/<command>?<query>} and returns the answer body.
   *
   * @throws IllegalStateException when the node answers other than 200 (with its body)
   */
  public String rpc(String command, String query) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(api() + "/api/v0/" + command + (query.isEmpty() ? "" : "?" + query)))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException(command + " answered " + r.statusCode() + ": " + r.body());
    return r.body();
  }

  /** The log of the current (or last) run, for failure messages. */
  public synchronized String logTail() {
    return process == null ? "(not running)" : process.logTail();
  }

  @Override
  public void close() {
    stop();
  }

  /** The directory with js-ipfs installed (once per package.json content, under a file lock). */
  static synchronized Path installed() throws IOException, InterruptedException {
    Path pkgFile = Path.of("src/test/node-ipfs/package.json").toAbsolutePath();
    if (!Files.isRegularFile(pkgFile)) throw new IllegalStateException("expected js-ipfs's package.json at " + pkgFile);
    byte[] pkg = Files.readAllBytes(pkgFile);
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "ipfs-kit", "node-ipfs", sha256(pkg).substring(0, 16));
    Files.createDirectories(dir);
    try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      Path marker = dir.resolve("node_modules/.ipfs-kit-installed");
      if (!Files.exists(marker)) {
        Files.write(dir.resolve("package.json"), pkg);
        Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("npm-install.log").toFile())
            .start();
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new IllegalStateException("npm install of js-ipfs in " + dir + " failed; see " + dir.resolve("npm-install.log"));
        }
        Files.writeString(marker, "ok\n");
      }
    }
    return dir;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
