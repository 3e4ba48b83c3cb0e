package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for tests: S3Proxy ({@code org.gaul:s3proxy}, jar-with-dependencies)
 * run as a separate process on 127.0.0.1 with the in-memory {@code transient} provider and SigV4
 * authentication on ({@code aws-v2-or-v4}), so a wrong secret is refused as AWS would. The jar is
 * the one Maven copies to {@code server/target/s3proxy/} before the ITs (system property {@code
 * ipfskit.s3proxyJar}), else the local repository's copy.
 *
 * <p>{@link #start()} starts it (again, on the same port, after {@link #stop()}) and creates the
 * bucket; the transient provider loses every object when it stops. {@link #client()} is an SDK
 * client of the test's own, built here with its own settings, independent of the backend under
 * test. {@link #close()} stops the process by PID. The transient provider keeps objects (and
 * multipart parts until they are joined) on its heap, hence 1 GiB for the 200 MiB test.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY_ID = "AKIAIPFSKITTEST00001";
  public static final String SECRET_KEY = "s3proxy-test-secret-key-0123456789abcdef";
  public static final String REGION = "us-east-1";

  private final Path dir;
  private final String bucket;
  private final int port;
  private final List<Path> logs = new ArrayList<>();
  private ChildProcess process;
  private S3Client client;

  private S3ProxyServer(Path dir, String bucket, int port) {
    this.dir = dir;
    this.bucket = bucket;
    this.port = port;
  }

  /** Starts S3Proxy on a free port with {@code bucket} created; {@code dir} holds its config and logs. */
  public static S3ProxyServer start(Path dir, String bucket) throws IOException, InterruptedException {
    S3ProxyServer s = new S3ProxyServer(dir, bucket, ChildProcess.freePort());
    s.start();
    return s;
  }

  /** The S3Proxy jar: {@code -Dipfskit.s3proxyJar} (set by the build), else the local Maven repository's. */
  public static Path jar() {
    String p = System.getProperty("ipfskit.s3proxyJar");
    Path jar = p != null ? Path.of(p)
        : Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy", "4.1.0",
            "s3proxy-4.1.0-jar-with-dependencies.jar");
    if (!Files.isRegularFile(jar))
      throw new IllegalStateException("S3Proxy jar not found at " + jar + "; run the ITs through Maven (mvn verify)");
    return jar;
  }

  /** (Re)starts the process on this server's port and creates the bucket. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) throw new IllegalStateException("S3Proxy is already running");
    Files.createDirectories(dir);
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY_ID,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        "jclouds.identity=unused",
        "jclouds.credential=unused",
        ""), UTF_8);
    Path log = dir.resolve("s3proxy-" + (logs.size() + 1) + ".log");
    logs.add(log);
    process = ChildProcess.start("s3proxy", List.of(StdioClient.javaExecutable(), "-Xmx1g", "-jar",
        jar().toString(), "--properties", props.toString()), dir, Map.of(), log);
    process.awaitPort(port, Duration.ofSeconds(60));
    if (client == null) client = newClient(endpoint(), SECRET_KEY);
    client.createBucket(r -> r.bucket(bucket));
  }

  /** Stops the process (its objects are gone with it); {@link #start()} brings it back empty. */
  public synchronized void stop() {
    if (process != null) process.close();
    process = null;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String bucket() {
    return bucket;
  }

  /** The test's own SDK client for this server (independent of the backend under test). */
  public S3Client client() {
    return client;
  }

  /** Every object key in the bucket. */
  public List<String> keys() {
    return client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
  }

  /** An SDK client of {@code endpoint} signing with {@code secretKey} (path-style, no retries). */
  public static S3Client newClient(URI endpoint, String secretKey) {
    return S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder())
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, secretKey)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  public String logTail() {
    return process != null ? process.logTail() : "(not running)";
  }

  @Override
  public synchronized void close() {
    if (client != null) client.close();
    client = null;
    stop();
  }
}
