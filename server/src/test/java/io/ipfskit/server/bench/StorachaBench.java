package io.ipfskit.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.storacha.StorachaBackend;
import io.ipfskit.core.storage.storacha.StorachaConfig;
import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.JsIpfsNode;
import io.ipfskit.server.testing.NodeScripts;
import io.ipfskit.server.testing.StorachaService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Storacha rows next to IPFS rows of {@link BackendsBench} in one interleaved run, on loopback: the
 * local upload service ({@link StorachaService}) and js-ipfs ({@link JsIpfsNode}), both started here.
 * Run by hand (never by the build), from {@code server/} after {@code mvn -o -pl server -am
 * test-compile}: {@code java -cp target/test-classes:target/classes:<deps> io.ipfskit.server.bench.StorachaBench
 * [--full] [DIR]}. Quick by default (the local service keeps every blob in memory).
 *
 * <p>Storacha's <b>direct</b> path is the official client with no ipfs-kit code around it: the same
 * bridge ({@code bridge.mjs}, {@code @storacha/client}) spoken to over its stdio by a few lines here,
 * and the gateway read with the JDK's HTTP client. The backend path adds the spool file, {@code
 * BridgeProcess} and the CID check of the read; the WAL path adds the log.
 */
public final class StorachaBench {
  private StorachaBench() {}

  public static void main(String[] args) throws Exception {
    boolean full = List.of(args).contains("--full");
    Path dir = args.length > 0 && !args[args.length - 1].startsWith("--") ? Path.of(args[args.length - 1])
        : Files.createTempDirectory("storacha-bench-");
    try (JsIpfsNode node = JsIpfsNode.start(dir.resolve("ipfs"));
        StorachaService service = StorachaService.start(ChildProcess.freePort(), dir.resolve("storacha-state"));
        IpfsRows ipfs = new IpfsRows(node.api());
        StorachaRows storacha = new StorachaRows(service, dir)) {
      BackendsBench.run(List.of(ipfs, storacha), dir.resolve("run"), System.out, !full);
    }
  }

  /** The Storacha row source: {@link StorachaBackend} and the bridge + gateway called directly. */
  static final class StorachaRows implements BackendsBench.RowSource {
    static final SecretId KEY = SecretId.parse("key", "0123456789abcdef");
    static final SecretId PROOF = SecretId.parse("proof", "fedcba9876543210");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StorachaService service;
    private final StorachaBackend backend;
    private final Process bridge;
    private final OutputStream bridgeIn;
    private final BufferedReader bridgeOut;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    private long ids;

    StorachaRows(StorachaService service, Path dir) throws Exception {
      this.service = service;
      StorachaConfig config = new StorachaConfig(URI.create(service.url()), service.serviceDid(), service.space(), KEY,
          PROOF, URI.create(service.gateway()), Duration.ofMinutes(5), "node", dir.resolve("home/spool/storacha"),
          Path.of(System.getProperty("user.home"), ".cache", "ipfs-kit"));
      this.backend = StorachaBackend.open(config,
          id -> SecretValue.of(id.equals(KEY) ? service.agentKey() : service.proof()));
      Path bridgeDir = NodeScripts.installedFolder(
          Path.of("../core/src/main/resources/io/ipfskit/core/storage/storacha/bridge").toAbsolutePath().normalize());
      this.bridge = new ProcessBuilder("node", "bridge.mjs").directory(bridgeDir.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      this.bridgeIn = bridge.getOutputStream();
      this.bridgeOut = new BufferedReader(new InputStreamReader(bridge.getInputStream(), UTF_8));
      bridgeOut.readLine(); // {"ready":true,...}
      ObjectNode init = JSON.createObjectNode().put("op", "init").put("endpoint", service.url())
          .put("serviceDid", service.serviceDid()).put("space", service.space()).put("key", service.agentKey())
          .put("proof", service.proof());
      call(init);
    }

    private synchronized JsonNode call(ObjectNode request) throws IOException {
      request.put("id", ++ids);
      bridgeIn.write((JSON.writeValueAsString(request) + "\n").getBytes(UTF_8));
      bridgeIn.flush();
      JsonNode a = JSON.readTree(bridgeOut.readLine());
      if (!a.path("ok").asBoolean()) throw new IOException("bridge: " + a);
      return a;
    }

    @Override
    public String name() {
      return "storacha";
    }

    @Override
    public String directLabel() {
      return "direct bridge stdio + gateway GET (JDK HttpClient)";
    }

    @Override
    public StorageBackend backend() {
      return backend;
    }

    @Override
    public String directAdd(Path file) throws IOException {
      return call(JSON.createObjectNode().put("op", "add").put("path", file.toString())).path("root").asString();
    }

    @Override
    public void directGet(String id, Path out) throws IOException, InterruptedException {
      HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(service.gateway() + "/ipfs/" + id))
          .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofFile(out));
      if (r.statusCode() != 200) throw new IOException("gateway answered " + r.statusCode());
    }

    @Override
    public void close() {
      backend.close();
      try {
        bridgeIn.close();
        bridge.waitFor();
      } catch (IOException | InterruptedException e) {
        bridge.destroyForcibly();
      }
    }
  }
}
