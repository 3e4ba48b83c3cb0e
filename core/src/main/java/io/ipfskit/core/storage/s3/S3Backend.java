package io.ipfskit.core.storage.s3;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.storage.ContentCid;
import io.ipfskit.core.storage.ContentSpool;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The {@code s3} backend: content in one S3 bucket (AWS, or any S3-compatible server with an
 * endpoint override and path-style requests), one object per content, addressed by CID.
 *
 * <p><b>Same CID as local and IPFS.</b> {@link #add} spools the stream ({@link ContentSpool}) to a private
 * temp file in {@link S3Config#spoolDirectory()} while {@link ContentCid} computes the CID the local block store
 * and {@code ipfs add --cid-version=1 --raw-leaves} give those bytes (no block is stored), then
 * uploads the file as the object {@code <prefix><cid>} and deletes it. The object holds the plain
 * file bytes, not IPFS blocks, so anything can read it. Adding the same content twice writes the
 * same object again (idempotent).
 *
 * <p><b>Bounded memory.</b> The spool reads one 256 KiB chunk at a time. Content of at least
 * {@link S3Config#multipartThresholdBytes()} goes up as a multipart upload in parts of that size,
 * each streamed from its slice of the file ({@link FileSlice}: the SDK reopens the slice when it
 * signs and when it sends); a failed upload is aborted. {@link #get} streams the object body to the caller's stream.
 *
 * <p><b>Pin semantics: a documented no-op.</b> An S3 object stays until it is deleted; there is
 * no garbage collector that a pin could hold off. {@link #pin} and {@link #unpin} therefore only
 * check that the object exists ({@link io.ipfskit.core.storage.ContentNotFoundException} if not)
 * and change nothing; {@link StoredContent#pinned()} is null ("pinning means nothing here"), and
 * {@link #remove} deletes the object whether or not it was "pinned". (Object tags were considered:
 * S3Proxy's transient provider, which the tests run, does not implement the tagging API, and a tag
 * nobody enforces would promise more than it keeps.)
 *
 * <p><b>Credentials</b> come from {@link VaultCredentials} (access key id + a vault secret read at
 * use) when configured, else from the AWS default chain. Operations call {@link
 * VaultCredentials#current()} first, so a locked vault is {@code UNAVAILABLE} and a missing secret
 * a {@code PERMANENT} error naming the setting, before any request is made. When S3 rejects the
 * key, the cached key is dropped so a rotated secret is read on the next try.
 *
 * <p><b>Errors</b> are classified by {@link S3Errors} from the server's answer. The SDK's own
 * retries are off: the write-ahead log retries with its own backoff, and a permanent error (wrong
 * secret, missing bucket) fails after one request instead of burning retries.
 *
 * <p>Thread-safe: the SDK client is; the backend has no other mutable state than the credential cache.
 */
public final class S3Backend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(S3Backend.class);
  private static final String NAME = "s3";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  private final S3Config config;
  private final S3Client s3;
  private final VaultCredentials vaultCredentials; // null = AWS default chain
  private final PoolMetrics poolMetrics;
  /** SDK calls of this backend holding or waiting for a pooled connection now (one connection each at most). */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final Duration acquireTimeoutOrNull; // null: the SDK's default
  private final int maxConnections; // of IPFS_KIT_POOL_MAX_CONNECTIONS; 0 when the SDK's default
  private final HeadCache headCache; // null: every head asks S3

  private S3Backend(S3Config config, S3Client s3, VaultCredentials vaultCredentials, PoolMetrics poolMetrics,
      io.ipfskit.core.storage.PoolConfig poolOrNull, HeadCache headCacheOrNull) {
    this.headCache = headCacheOrNull;
    this.acquireTimeoutOrNull = poolOrNull == null ? null : poolOrNull.acquireTimeout();
    this.maxConnections = poolOrNull == null ? 0 : poolOrNull.maxConnections();
    this.config = config;
    this.s3 = s3;
    this.vaultCredentials = vaultCredentials;
    this.poolMetrics = poolMetrics;
  }

  /**
   * The S3 client's connection pool as the SDK last reported it (figures as of the latest request,
   * acquire-wait percentiles over the latest requests); see {@link PoolMetrics}.
   */
  @Override
  public java.util.Optional<io.ipfskit.core.storage.PoolStats> poolStats() {
    return java.util.Optional.of(poolMetrics.stats());
  }

  /** The head answer cache's figures ({@code s3_head}), when head answers are cached. */
  @Override
  public List<io.ipfskit.core.resilience.CacheStats> cacheStats() {
    return headCache == null ? List.of() : List.of(headCache.stats());
  }

  /**
   * Opens the backend: creates the spool directory (0700) and deletes files a crash left in it,
   * and builds the client. Contacts neither S3 nor the vault (the vault may still be unlocking).
   */
  public static S3Backend open(S3Config config, SecretLookup secrets) throws IOException {
    return open(config, secrets, null, Clock.systemUTC());
  }

  /**
   * {@link #open(S3Config, SecretLookup)} with the SDK client's connection pool sized and recycled as
   * {@code pool} says ({@code IPFS_KIT_POOL_*}: total, acquire timeout, time to live, idle time).
   */
  public static S3Backend open(S3Config config, SecretLookup secrets, io.ipfskit.core.storage.PoolConfig pool)
      throws IOException {
    return open(config, secrets, requireNonNull(pool, "pool"), Clock.systemUTC());
  }

  /**
   * {@link #open(S3Config, SecretLookup, io.ipfskit.core.storage.PoolConfig)} with {@code head} answers
   * (also the existence checks of {@code pin}/{@code unpin}) kept as {@code headCache} says ({@code
   * IPFS_KIT_CACHE_S3_HEAD_*}; see {@link HeadCache}), and listed by {@link #cacheStats()}.
   */
  public static S3Backend open(S3Config config, SecretLookup secrets, io.ipfskit.core.storage.PoolConfig pool,
      HeadCacheConfig headCache) throws IOException {
    requireNonNull(headCache, "headCache");
    return open(config, secrets, requireNonNull(pool, "pool"), Clock.systemUTC(),
        headCache.enabled() ? new HeadCache(headCache, System::nanoTime) : null);
  }

  static S3Backend open(S3Config config, SecretLookup secrets, Clock clock) throws IOException {
    return open(config, secrets, null, clock);
  }

  static S3Backend open(S3Config config, SecretLookup secrets, io.ipfskit.core.storage.PoolConfig poolOrNull,
      Clock clock) throws IOException {
    return open(config, secrets, poolOrNull, clock, null);
  }

  /**
   * @param poolOrNull the pool settings, or null for the SDK's defaults
   * @param headCacheOrNull where head answers are kept, or null to ask S3 each time
   */
  static S3Backend open(S3Config config, SecretLookup secrets, io.ipfskit.core.storage.PoolConfig poolOrNull,
      Clock clock, HeadCache headCacheOrNull) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(secrets, "secrets");
    requireNonNull(clock, "clock");
    ContentSpool.prepare(config.spoolDirectory(), NAME);
    VaultCredentials vault = config.accessKeyIdOrNull() == null ? null
        : new VaultCredentials(config.accessKeyIdOrNull(), config.secretKeyRefOrNull(), secrets, clock);
    AwsCredentialsProvider credentials = vault != null ? vault : DefaultCredentialsProvider.builder().build();
    PoolMetrics poolMetrics = new PoolMetrics();
    Apache5HttpClient.Builder http = Apache5HttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT);
    if (poolOrNull != null) {
      // The SDK's apache5 client sets its per-route limit to maxConnections itself (one endpoint per client).
      http.maxConnections(poolOrNull.maxConnections())
          .connectionAcquisitionTimeout(poolOrNull.acquireTimeout())
          .connectionTimeToLive(poolOrNull.maxLifetime())
          .connectionMaxIdleTime(poolOrNull.maxIdle())
          .useIdleConnectionReaper(true);
    }
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(http)
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .forcePathStyle(config.pathStyle())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addMetricPublisher(poolMetrics));
    if (config.endpointOrNull() != null) {
      // S3-compatible servers differ in which of the SDK's newer default checksums they accept;
      // checksums only where the API requires them works with all of them.
      b.endpointOverride(config.endpointOrNull())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return new S3Backend(config, b.build(), vault, poolMetrics, poolOrNull, headCacheOrNull);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The configuration this backend was opened with. */
  public S3Config config() {
    return config;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    requireNonNull(content, "content");
    checkCredentials();
    try (ContentSpool spool = ContentSpool.write(config.spoolDirectory(), NAME, content)) {
      StoredContent computed = spool.computed();
      String key = config.key(computed.cid());
      try (InFlight f = inFlight()) {
        if (computed.size() >= config.multipartThresholdBytes()) uploadInParts(spool.file(), computed.size(), key);
        else putWhole(spool.file(), key);
      }
      return new StoredContent(computed.cid(), computed.size(), key, null);
    }
  }

  private void putWhole(Path file, String key) throws StorageException {
    try {
      s3.putObject(r -> r.bucket(config.bucket()).key(key), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw failure(e, "put object " + key, null);
    }
  }

  private void uploadInParts(Path file, long size, String key) throws StorageException {
    String uploadId;
    try {
      uploadId = s3.createMultipartUpload(r -> r.bucket(config.bucket()).key(key)).uploadId();
    } catch (SdkException e) {
      throw failure(e, "start multipart upload of " + key, null);
    }
    long partBytes = config.multipartThresholdBytes();
    List<CompletedPart> parts = new ArrayList<>();
    try {
      int number = 1;
      for (long offset = 0; offset < size; offset += partBytes, number++) {
        long length = Math.min(partBytes, size - offset);
        int n = number;
        try (FileSlice slice = new FileSlice(file, offset, length)) {
          String etag = s3.uploadPart(r -> r.bucket(config.bucket()).key(key).uploadId(uploadId).partNumber(n)
              .contentLength(length), RequestBody.fromContentProvider(slice, length, "application/octet-stream")).eTag();
          parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        } catch (SdkException e) {
          throw failure(e, "upload part " + n + " of " + key, null);
        }
      }
      try {
        s3.completeMultipartUpload(r -> r.bucket(config.bucket()).key(key).uploadId(uploadId)
            .multipartUpload(m -> m.parts(parts)));
      } catch (SdkException e) {
        throw failure(e, "complete multipart upload of " + key, null);
      }
    } catch (StorageException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(config.bucket()).key(key).uploadId(uploadId));
      } catch (SdkException abortFailed) {
        e.addSuppressed(failure(abortFailed, "abort multipart upload of " + key, null));
      }
      throw e;
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    String c = canonical(cid);
    requireNonNull(out, "out");
    checkCredentials();
    String key = config.key(c);
    try (InFlight f = inFlight();
        ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(config.bucket()).key(key))) {
      byte[] buf = new byte[COPY_BUFFER_BYTES];
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (IOException e) {
          throw new StorageException("s3 bucket '" + config.bucket() + "': reading object " + key + " failed: " + e,
              StorageErrorClass.TRANSIENT, e);
        }
        if (n < 0) break;
        try {
          out.write(buf, 0, n);
        } catch (IOException e) {
          throw new StorageException("writing the content of cid " + c + " to the output failed: " + e,
              StorageErrorClass.TRANSIENT, e);
        }
      }
    } catch (SdkException e) {
      throw failure(e, "get object " + key, c);
    } catch (IOException e) {
      if (e instanceof StorageException se) throw se;
      throw new StorageException("s3 bucket '" + config.bucket() + "': closing object " + key + " failed: " + e,
          StorageErrorClass.TRANSIENT, e);
    }
  }

  /** Checks that the object of {@code cid} exists; changes nothing (see the class comment). */
  @Override
  public void pin(String cid) throws StorageException {
    requirePresent(canonical(cid));
  }

  /** Checks that the object of {@code cid} exists; changes nothing (see the class comment). */
  @Override
  public void unpin(String cid) throws StorageException {
    requirePresent(canonical(cid));
  }

  @Override
  public void remove(String cid) throws StorageException {
    String c = canonical(cid);
    checkCredentials();
    String key = config.key(c);
    try {
      try (InFlight f = inFlight()) {
        s3.deleteObject(r -> r.bucket(config.bucket()).key(key)); // S3 answers 204 for an absent key too
      }
    } catch (SdkException e) {
      throw failure(e, "delete object " + key, null);
    } finally {
      if (headCache != null) headCache.forget(key); // gone, or maybe gone: ask again next time
    }
  }

  /**
   * The object size of {@code cid}'s content, or empty when there is no such object (HEAD object;
   * an existing object's answer from the head cache when there is one).
   */
  public Optional<Long> head(String cid) throws StorageException {
    String c = canonical(cid);
    checkCredentials();
    String key = config.key(c);
    return headCache == null ? headObject(key, c) : headCache.size(key, () -> headObject(key, c));
  }

  private Optional<Long> headObject(String key, String c) throws StorageException {
    try {
      HeadObjectResponse h;
      try (InFlight f = inFlight()) {
        h = s3.headObject(r -> r.bucket(config.bucket()).key(key));
      }
      return Optional.of(h.contentLength());
    } catch (SdkException e) {
      StorageException se = failure(e, "head object " + key, c);
      if (se.errorClass() == StorageErrorClass.NOT_FOUND) return Optional.empty();
      throw se;
    }
  }

  /**
   * The CIDs of every object under the prefix (keys {@code <prefix><cid>} whose rest is a CID),
   * in key order, reading the listing page by page.
   */
  public List<String> list() throws StorageException {
    checkCredentials();
    List<String> cids = new ArrayList<>();
    ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(config.bucket()).prefix(config.prefix()).build();
    try {
      try (InFlight f = inFlight()) {
        for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
          String rest = o.key().substring(config.prefix().length());
          Cid.canonical(rest).filter(rest::equals).ifPresent(cids::add);
        }
      }
    } catch (SdkException e) {
      throw failure(e, "list objects under '" + config.prefix() + "'", null);
    }
    return cids;
  }

  /** HEAD bucket: the bucket exists and the credentials may use it. Never throws. */
  @Override
  public BackendHealth health() {
    try {
      checkCredentials();
      try (InFlight f = inFlight()) {
        s3.headBucket(r -> r.bucket(config.bucket()));
      }
      return BackendHealth.healthy("s3 bucket '" + config.bucket() + "' at " + config.describeEndpoint() + " answers");
    } catch (StorageException e) {
      return BackendHealth.unhealthy(e.getMessage());
    } catch (SdkException e) {
      return BackendHealth.unhealthy(failure(e, "head bucket", null).getMessage());
    } catch (RuntimeException e) {
      return BackendHealth.unhealthy("s3 bucket '" + config.bucket() + "': health probe failed: " + e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  @Override
  public String toString() {
    return "S3Backend[bucket=" + config.bucket() + ", endpoint=" + config.describeEndpoint() + ", prefix="
        + config.prefix() + ", credentials=" + (vaultCredentials != null ? vaultCredentials : "AWS default chain") + "]";
  }

  // ------------------------------------------------------------------ parts

  private void requirePresent(String cid) throws StorageException {
    if (head(cid).isEmpty()) throw new io.ipfskit.core.storage.ContentNotFoundException(NAME, cid);
  }

  private void checkCredentials() throws StorageException {
    if (vaultCredentials != null) vaultCredentials.current();
  }

  private StorageException failure(SdkException e, String action, String cidOrNull) {
    if (poolTimeout(e)) {
      String figures = exhaustedFigures(); // first, then the count

      poolMetrics.exhausted();
      return new StorageException("s3 bucket '" + config.bucket() + "' at " + config.describeEndpoint() + ": " + action
          + " got no pooled connection" + (acquireTimeoutOrNull == null ? "" : " within "
          + io.ipfskit.core.config.Setting.secondsText(acquireTimeoutOrNull) + " s") + " (" + figures
          + "); raise IPFS_KIT_POOL_MAX_CONNECTIONS or lower concurrent calls", StorageErrorClass.TRANSIENT, e);
    }
    StorageException se = S3Errors.classify(e, config, action, cidOrNull);
    if (vaultCredentials != null && e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
        && (s.statusCode() == 403 || s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
            && S3Errors.CREDENTIAL_CODES.contains(s.awsErrorDetails().errorCode())))
      vaultCredentials.forget();
    return se;
  }

  /** Counts one SDK call (and, for a get, the reading of its answer) while it runs. */
  private interface InFlight extends AutoCloseable {
    @Override
    void close();
  }

  private InFlight inFlight() {
    inFlight.incrementAndGet();
    return inFlight::decrementAndGet;
  }

  /**
   * The pool's figures when a call got no connection. The SDK's apache5 client does not expose its
   * pool, and its metrics arrive only with a finished request, so they are derived from this
   * backend's own calls: each SDK call holds at most one connection, the calls in flight (the one that
   * gave up no longer counts when its failure is classified) hold or wait for one, and none is idle
   * while one waited in vain.
   */
  private String exhaustedFigures() {
    int max = acquireTimeoutOrNull == null ? poolMetrics.stats().max() : maxConnections;
    int others = inFlight.get();
    int active = Math.min(max, others);
    return "total " + max + ", active " + active + ", idle 0, waiting " + (others - active);
  }

  /**
   * Whether the client gave up waiting for a pooled connection: HttpClient 5 signals that with a
   * {@link org.apache.hc.core5.http.ConnectionRequestTimeoutException} under the SDK's exception.
   */
  private static boolean poolTimeout(SdkException e) {
    for (Throwable t = e; t != null; t = t.getCause())
      if (t instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) return true;
    return false;
  }

  private static String canonical(String cid) throws StorageException {
    return Cid.canonical(cid).orElseThrow(() -> new StorageException("cid " + Cid.ACCEPTED_RULE,
        StorageErrorClass.PERMANENT));
  }
}
