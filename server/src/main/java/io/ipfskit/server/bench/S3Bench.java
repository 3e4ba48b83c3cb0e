package io.ipfskit.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.config.Settings;
import io.ipfskit.core.secrets.SecretType;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.secrets.Vault;
import io.ipfskit.core.secrets.VaultConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code s3} rows of the backends benchmark: add and get of one file per size through the
 * write-ahead log (the MCP server over stdio: {@code wal_add_operation} then {@code
 * wal_wait_for_operation}, as an agent does) beside the same transfer made directly with the AWS
 * SDK ({@code PutObject} from the file, {@code GetObject} to a file), interleaved in one run on one
 * S3Proxy on loopback, so the ratio is the overhead the WAL, the CID computation, the spool file and
 * the JSON-RPC round trips add.
 *
 * <p>{@link #measure} is the row source: it returns one {@link Row} per (size, path) and prints
 * nothing but progress; {@link #print} formats rows as the BENCHMARKS.md table. The S3Proxy process
 * and the server are started and stopped here; the secret key lives only in the scratch vault.
 */
public final class S3Bench {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BUCKET = "ipfs-kit-bench";
  private static final String KEY_ID = "AKIAIPFSKITBENCH0001";

  /** One measured path at one size. Times in ms; rates in MiB/s of content from the median. */
  public record Row(String backend, String path, long sizeBytes, int samples, double addP50Millis,
      double addP99Millis, double addMiBps, double getP50Millis, double getP99Millis, double getMiBps) {}

  private S3Bench() {}

  /** Samples per size: many for small files, few for large ones (each 64 MiB transfer takes seconds). */
  static int samplesFor(long size, int scale) {
    if (size <= 64 * 1024) return 60 * scale;
    if (size <= 4 * 1024 * 1024) return 20 * scale;
    return 4 * scale;
  }

  /**
   * Measures {@code sizes}, returning for each first the WAL row, then the direct SDK row.
   *
   * @param serverCommand how to start ipfs-kit's MCP server ({@code java -jar ipfs-kit.jar serve})
   * @param s3proxyJar S3Proxy's jar-with-dependencies
   * @param scale multiplies the samples per size (1 = the published run)
   */
  public static List<Row> measure(List<String> serverCommand, Path s3proxyJar, long[] sizes, int scale, Path scratch,
      PrintStream progress) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String secret = HexFormat.of().formatHex(raw);
    Path proxyDir = Files.createDirectories(scratch.resolve("s3proxy"));
    Path props = proxyDir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + KEY_ID, "s3proxy.credential=" + secret,
        "jclouds.provider=transient", "jclouds.identity=unused", "jclouds.credential=unused", ""), UTF_8);
    Process proxy = new ProcessBuilder(javaExecutable(), "-Xmx512m", "-jar", s3proxyJar.toString(), "--properties",
        props.toString()).redirectErrorStream(true).redirectOutput(proxyDir.resolve("s3proxy.log").toFile()).start();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    try (S3Client direct = client(endpoint, secret)) {
      awaitPort(proxy, port);
      direct.createBucket(r -> r.bucket(BUCKET));

      Path home = scratch.resolve("home");
      String secretId;
      try (Vault vault = Vault.open(VaultConfig.from(home, Settings.empty()))) {
        secretId = vault.store("s3", SecretValue.of(secret), SecretType.API_KEY, null, null).secretId().value();
      }
      Path files = Files.createDirectories(scratch.resolve("files"));
      Map<String, String> env = Map.of("IPFS_KIT_S3_ENDPOINT", endpoint.toString(), "IPFS_KIT_S3_BUCKET", BUCKET,
          "IPFS_KIT_S3_ACCESS_KEY_ID", KEY_ID, "IPFS_KIT_S3_SECRET_KEY_REF", secretId,
          "IPFS_KIT_ALLOWED_ROOTS", files.toString());
      List<Row> rows = new ArrayList<>();
      try (StdioBench.Session server = StdioBench.Session.start(serverCommand, home, env)) {
        server.initialize();
        for (long size : sizes) {
          Path file = files.resolve("content-" + size + ".bin");
          writeRandom(file, size);
          int n = samplesFor(size, scale);
          long[][] t = new long[4][n]; // wal add, wal get, direct put, direct get
          String cid = null;
          for (int i = -1; i < n; i++) { // i = -1: one warm-up round, not recorded
            long start = System.nanoTime();
            JsonNode added = walRun(server, "{\"operation_type\":\"add\",\"backend\":\"s3\",\"params\":{\"path\":"
                + JSON.writeValueAsString(file.toString()) + "}}");
            long addNanos = System.nanoTime() - start;
            cid = added.path("result").path("cid").asString();
            Path out = files.resolve("wal-out.bin");
            Files.deleteIfExists(out);
            start = System.nanoTime();
            walRun(server, "{\"operation_type\":\"get\",\"backend\":\"s3\",\"params\":{\"cid\":\"" + cid
                + "\",\"destination\":" + JSON.writeValueAsString(out.toString()) + "}}");
            long getNanos = System.nanoTime() - start;
            requireSize(out, size);

            String key = "direct/content-" + size;
            start = System.nanoTime();
            direct.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromFile(file));
            long putNanos = System.nanoTime() - start;
            Path directOut = files.resolve("direct-out.bin");
            Files.deleteIfExists(directOut);
            start = System.nanoTime();
            direct.getObject(r -> r.bucket(BUCKET).key(key), ResponseTransformer.toFile(directOut));
            long directGetNanos = System.nanoTime() - start;
            requireSize(directOut, size);
            if (i >= 0) {
              t[0][i] = addNanos;
              t[1][i] = getNanos;
              t[2][i] = putNanos;
              t[3][i] = directGetNanos;
            }
          }
          rows.add(row("WAL (MCP stdio → wal_add_operation → S3Backend)", size, n, t[0], t[1]));
          rows.add(row("direct AWS SDK PutObject/GetObject", size, n, t[2], t[3]));
          progress.printf("  %s: %d samples done%n", human(size), n);
          Files.delete(file);
        }
      }
      return rows;
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) proxy.destroyForcibly();
    }
  }

  /** Prints the rows as a Markdown table with the WAL / direct ratio of each size's medians. */
  public static void print(List<Row> rows, PrintStream out) {
    out.printf("| backend | size | path | add p50 | add p99 | add MiB/s | get p50 | get p99 | get MiB/s |%n");
    out.printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
    for (Row r : rows) {
      out.printf("| %s | %s | %s (n=%d) | %.1f ms | %.1f ms | %.1f | %.1f ms | %.1f ms | %.1f |%n", r.backend(),
          human(r.sizeBytes()), r.path(), r.samples(), r.addP50Millis(), r.addP99Millis(), r.addMiBps(),
          r.getP50Millis(), r.getP99Millis(), r.getMiBps());
    }
    out.println();
    for (int i = 0; i + 1 < rows.size(); i += 2) {
      Row wal = rows.get(i);
      Row direct = rows.get(i + 1);
      out.printf("%s: WAL / direct median time: add %.2fx, get %.2fx%n", human(wal.sizeBytes()),
          wal.addP50Millis() / direct.addP50Millis(), wal.getP50Millis() / direct.getP50Millis());
    }
  }

  /** Runs one operation to its end: queue it, wait for it; returns the finished operation. */
  private static JsonNode walRun(StdioBench.Session server, String addArguments) throws IOException {
    JsonNode added = call(server, "wal_add_operation", addArguments);
    String id = added.path("operation_id").asString();
    JsonNode op = null;
    for (int i = 0; i < 40; i++) { // rounds of 25 s, under the session's 30 s answer timeout
      JsonNode done = call(server, "wal_wait_for_operation", "{\"operation_id\":\"" + id + "\",\"timeout\":25}");
      op = done.path("operation");
      if (done.path("finished").asBoolean()) break;
    }
    if (!"completed".equals(op.path("status").asString()))
      throw new IllegalStateException("operation " + id + " did not complete: " + op);
    return op;
  }

  private static JsonNode call(StdioBench.Session server, String tool, String arguments) throws IOException {
    JsonNode response = server.request("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
    JsonNode result = response.path("result");
    if (response.has("error") || result.path("isError").asBoolean(false))
      throw new IllegalStateException(tool + " failed: " + response);
    return result.path("structuredContent");
  }

  private static Row row(String path, long size, int n, long[] add, long[] get) {
    double addP50 = percentile(add, 50);
    double getP50 = percentile(get, 50);
    double mib = size / (1024.0 * 1024.0);
    return new Row("s3", path, size, n, addP50, percentile(add, 99), mib / (addP50 / 1000), getP50,
        percentile(get, 99), mib / (getP50 / 1000));
  }

  /** The nearest-rank percentile of {@code nanos}, in ms. */
  static double percentile(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
  }

  private static void requireSize(Path file, long size) throws IOException {
    if (Files.size(file) != size)
      throw new IllegalStateException(file + " has " + Files.size(file) + " bytes, not " + size);
  }

  private static void writeRandom(Path file, long size) throws IOException {
    byte[] buf = new byte[1024 * 1024];
    Random random = new Random(size);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }

  static String human(long size) {
    if (size % (1024 * 1024) == 0) return size / (1024 * 1024) + " MiB";
    if (size % 1024 == 0) return size / 1024 + " KiB";
    return size + " B";
  }

  private static S3Client client(URI endpoint, String secret) {
    return S3Client.builder().httpClientBuilder(Apache5HttpClient.builder()).endpointOverride(endpoint)
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, secret)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
  }

  private static void awaitPort(Process p, int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) throw new IllegalStateException("S3Proxy exited with " + p.exitValue());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
  }

  static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** For the command: a header line with the time and load. */
  public static String header() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return "bench s3 (S3Proxy transient on loopback), " + Instant.now() + ", load average " + String.format("%.1f", load);
  }
}
