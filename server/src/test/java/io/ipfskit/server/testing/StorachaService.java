package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local Storacha upload service for tests (issue 12): {@code src/test/node-storacha/service.mjs},
 * the production handlers of {@code @storacha/upload-api} with its test context's in-memory stores
 * and storage nodes, over real HTTP on 127.0.0.1, run as a separate Node process (its npm package
 * installed once per {@code package.json} content by {@link NodeScripts}).
 *
 * <p>It hands out what {@code storacha login} would give a user: an agent key ({@link #agentKey()},
 * {@code Mg…}), the space DID and a base64 delegation proof (space → agent). {@link #revoke()}
 * revokes that proof on the service; {@link #uploads()} lists the roots the space holds, read
 * straight from the service (not through the code under test). {@link #gateway()} serves {@code
 * GET /ipfs/<root>} from the blobs the service received. Started with a state directory ({@link
 * #start(int, Path)}), a restart on the same port gives the same DIDs, key and proof (the stores
 * are in memory: uploads are gone). {@link #close()} stops the process by PID.
 */
public final class StorachaService implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger STARTS = new AtomicInteger();

  private final ChildProcess process;
  private final int port;
  private final JsonNode info;

  private StorachaService(ChildProcess process, int port, JsonNode info) {
    this.process = process;
    this.port = port;
    this.info = info;
  }

  /** A fresh service (new keys, empty stores) on a free port. */
  public static StorachaService start() throws IOException, InterruptedException {
    return start(ChildProcess.freePort(), null);
  }

  /**
   * The service on {@code port}; with a {@code stateDir} its service, agent and space keys and the
   * proof are created there on first start and reused on the next (null: new ones each time).
   */
  public static StorachaService start(int port, Path stateDir) throws IOException, InterruptedException {
    Path dir = NodeScripts.installedFolder(Path.of("src/test/node-storacha").toAbsolutePath());
    List<String> cmd = new ArrayList<>(List.of("node", dir.resolve("service.mjs").toString(), "--port", String.valueOf(port)));
    if (stateDir != null) {
      Files.createDirectories(stateDir);
      cmd.addAll(List.of("--state-dir", stateDir.toAbsolutePath().toString()));
    }
    Path log = Path.of("target", "storacha-service", "service-" + ProcessHandle.current().pid() + "-"
        + STARTS.incrementAndGet() + ".log").toAbsolutePath();
    ChildProcess p = ChildProcess.start("storacha-service", cmd, dir, Map.of(), log);
    try {
      p.awaitPort(port, READY_WITHIN);
      return new StorachaService(p, port, readInfo(p, log));
    } catch (IOException | RuntimeException | InterruptedException e) {
      p.close();
      throw e;
    }
  }

  /** The JSON line service.mjs prints once listening (it may reach the log a moment after the port opens). */
  private static JsonNode readInfo(ChildProcess p, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, UTF_8)) {
        if (line.startsWith("{\"url\"")) return JSON.readTree(line);
      }
      if (!p.isAlive()) throw new IllegalStateException("storacha service exited: " + p.logTail());
      TimeUnit.MILLISECONDS.sleep(50); // polling a real process's output, not timing a test
    }
    throw new IllegalStateException("storacha service printed no info line: " + p.logTail());
  }

  /** The upload service endpoint, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return info.get("url").asString();
  }

  /** The service's own DID (a {@code did:key}; the public service is {@code did:web:up.storacha.network}). */
  public String serviceDid() {
    return info.get("serviceDid").asString();
  }

  /** The space DID the proof grants. */
  public String space() {
    return info.get("space").asString();
  }

  /** The agent's ed25519 key as {@code storacha key create} prints it ({@code Mg…}). A secret. */
  public String agentKey() {
    return info.get("key").asString();
  }

  /** The delegation space → agent as {@code storacha delegation create --base64} prints it. A secret. */
  public String proof() {
    return info.get("proof").asString();
  }

  /** The path-style gateway ({@code GET <gateway>/ipfs/<root>}) serving what the service holds. */
  public String gateway() {
    return info.get("gateway").asString();
  }

  public int port() {
    return port;
  }

  /** Revokes {@link #proof()} on the service (a {@code ucan/revoke} issued by the space). */
  public void revoke() throws IOException, InterruptedException {
    postTest("/_test/revoke");
  }

  /** The next {@code count} {@code POST /} (UCAN invocations) answer HTTP {@code status} (test-only {@code /_test/fail}). */
  public void failNext(int status, int count) throws IOException, InterruptedException {
    postTest("/_test/fail?post=" + status + "&count=" + count);
  }

  /** The next {@code count} {@code GET /receipt/...} answer 404, "no receipt yet" ({@code 0}: receipts flow again). */
  public void withholdReceipts(int count) throws IOException, InterruptedException {
    postTest("/_test/fail?receipts=" + count);
  }

  private void postTest(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException(pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
  }

  /** The upload roots the service lists for the space right now, oldest first. */
  public List<String> uploads() throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/_test/uploads"))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("uploads answered " + r.statusCode() + ": " + r.body());
    List<String> roots = new ArrayList<>();
    JSON.readTree(r.body()).forEach(n -> roots.add(n.asString()));
    return List.copyOf(roots);
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** The service's log (stdout and stderr), for failure messages; it holds the printed key and proof. */
  public String logTail() {
    return process.logTail();
  }

  /** Stops the process by PID. */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "StorachaService[" + url() + ", space " + space() + "]"; // never the key or the proof
  }
}
