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

  private S3Backend(S3Config config, S3Client s3, VaultCredentials vaultCredentials, PoolMetrics poolMetrics) {
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

  /**
   * Opens the backend: creates the spool directory (0700) and deletes files a crash left in it,
   * and builds the client. Contacts neither S3 nor the vault (the vault may still be unlocking).
   */
  public static S3Backend open(S3Config config, SecretLookup secrets) throws IOException {
    return open(config, secrets, Clock.systemUTC());
  }

  static S3Backend open(S3Config config, SecretLookup secrets, Clock clock) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(secrets, "secrets");
    requireNonNull(clock, "clock");
    ContentSpool.prepare(config.spoolDirectory(), NAME);
    VaultCredentials vault = config.accessKeyIdOrNull() == null ? null
        : new VaultCredentials(config.accessKeyIdOrNull(), config.secretKeyRefOrNull(), secrets, clock);
    AwsCredentialsProvider credentials = vault != null ? vault : DefaultCredentialsProvider.builder().build();
    PoolMetrics poolMetrics = new PoolMetrics();
    S3ClientBuilder b = S3Client.builder()
        .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT))
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
    return new S3Backend(config, b.build(), vault, poolMetrics);
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
      if (computed.size() >= config.multipartThresholdBytes()) uploadInParts(spool.file(), computed.size(), key);
      else putWhole(spool.file(), key);
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
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(config.bucket()).key(key))) {
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
      s3.deleteObject(r -> r.bucket(config.bucket()).key(key)); // S3 answers 204 for an absent key too
    } catch (SdkException e) {
      throw failure(e, "delete object " + key, null);
    }
  }

  /** The object size of {@code cid}'s content, or empty when there is no such object (HEAD object). */
  public Optional<Long> head(String cid) throws StorageException {
    String c = canonical(cid);
    checkCredentials();
    String key = config.key(c);
    try {
      HeadObjectResponse h = s3.headObject(r -> r.bucket(config.bucket()).key(key));
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
      for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
        String rest = o.key().substring(config.prefix().length());
        Cid.canonical(rest).filter(rest::equals).ifPresent(cids::add);
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
      s3.headBucket(r -> r.bucket(config.bucket()));
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
    StorageException se = S3Errors.classify(e, config, action, cidOrNull);
    if (vaultCredentials != null && e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
        && (s.statusCode() == 403 || s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
            && S3Errors.CREDENTIAL_CODES.contains(s.awsErrorDetails().errorCode())))
      vaultCredentials.forget();
    return se;
  }

  private static String canonical(String cid) throws StorageException {
    return Cid.canonical(cid).orElseThrow(() -> new StorageException("cid " + Cid.ACCEPTED_RULE,
        StorageErrorClass.PERMANENT));
  }
}
