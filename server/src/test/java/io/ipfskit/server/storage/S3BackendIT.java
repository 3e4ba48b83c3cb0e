package io.ipfskit.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.secrets.SecretNotFoundException;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.secrets.VaultException;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.s3.S3Backend;
import io.ipfskit.core.storage.s3.S3Config;
import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The {@code s3} backend against a real S3-compatible server (S3Proxy, SigV4 on) on loopback: bytes
 * round-trip, the CID equals the local store's, an independent client sees the object, and
 * failures are classified from the server's real answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class S3BackendIT {
  private static final SecretId REF = SecretId.parse("ref", "00112233aabbccdd");
  private static final int KIB = 1024;

  @TempDir static Path dir;
  private S3ProxyServer server;
  private S3Backend s3;
  private LocalBlockStore local;

  @BeforeAll
  void start() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3proxy"), "ipfs-kit-it");
    s3 = S3Backend.open(config(server.endpoint(), "objects/"), secret(S3ProxyServer.SECRET_KEY));
    local = LocalBlockStore.open(dir.resolve("blocks"));
  }

  @AfterAll
  void stop() {
    if (s3 != null) s3.close();
    if (server != null) server.close();
  }

  private S3Config config(URI endpoint, String prefix) {
    return new S3Config(endpoint, S3ProxyServer.REGION, server.bucket(), prefix, true, S3ProxyServer.ACCESS_KEY_ID,
        REF, S3Config.DEFAULT_MULTIPART_BYTES, dir.resolve("spool"));
  }

  private static SecretLookup secret(String value) {
    return id -> {
      if (!id.equals(REF)) throw new SecretNotFoundException(id);
      return SecretValue.of(value);
    };
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 256 * KIB, 256 * KIB + 1, 20 * 1024 * KIB})
  void add_thenGet_returnsSameBytesUnderLocalStoresCid(int size) throws Exception {
    byte[] content = random(size, size);
    StoredContent stored = s3.add(new ByteArrayInputStream(content));
    StoredContent locally = local.add(new ByteArrayInputStream(content));

    assertEquals(locally.cid(), stored.cid(), "same CID as the local block store");
    assertEquals(size, stored.size());
    assertEquals("objects/" + stored.cid(), stored.location(), "the object key");
    assertNull(stored.pinned(), "pinning means nothing on S3");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s3.get(stored.cid(), out);
    assertArrayEquals(content, out.toByteArray());
    try (var spool = Files.list(dir.resolve("spool"))) {
      assertEquals(0, spool.count(), "the spool file is deleted after the upload");
    }
  }

  @Test
  void add_multipartContent_isOneObjectAnIndependentClientReadsWhole() throws Exception {
    byte[] content = random(20 * 1024 * KIB, 7);
    StoredContent stored = s3.add(new ByteArrayInputStream(content));

    HeadObjectResponse head = server.client().headObject(r -> r.bucket(server.bucket()).key(stored.location()));
    assertEquals(content.length, head.contentLength());
    assertTrue(head.eTag().matches("\"?[0-9a-f]{32}-2\"?"), "a 2-part multipart ETag, was " + head.eTag());
    byte[] read = server.client().getObjectAsBytes(r -> r.bucket(server.bucket()).key(stored.location())).asByteArray();
    assertArrayEquals(content, read);
  }

  @Test
  void poolStats_afterCalls_reportTheSdkPoolAndAcquireWaits() throws Exception {
    StoredContent stored = s3.add(new ByteArrayInputStream(random(100, 17)));
    s3.get(stored.cid(), new ByteArrayOutputStream());
    io.ipfskit.core.storage.PoolStats stats = s3.poolStats().orElseThrow();
    assertEquals("s3", stats.pool());
    assertEquals(50, stats.max(), "apache5-client's default pool size");
    assertEquals(0, stats.pending());
    assertTrue(stats.acquires() >= 2, "one acquire per request, was " + stats.acquires());
    assertTrue(stats.acquireWaitP99Millis() >= stats.acquireWaitP50Millis() && stats.acquireWaitP50Millis() >= 0);
    assertEquals("AWS SDK metrics, as of the latest request", stats.source());
  }

  @Test
  void headAndList_afterAdd_seeTheObject() throws Exception {
    byte[] content = random(1000, 11);
    StoredContent stored = s3.add(new ByteArrayInputStream(content));
    assertEquals(1000L, s3.head(stored.cid()).orElseThrow());
    assertTrue(s3.list().contains(stored.cid()), "listed under the prefix");
    assertTrue(server.keys().contains("objects/" + stored.cid()), "the independent client lists the key");
  }

  @Test
  void remove_thenGet_isContentNotFoundAndHeadEmpty() throws Exception {
    StoredContent stored = s3.add(new ByteArrayInputStream(random(300, 13)));
    s3.pin(stored.cid());
    s3.remove(stored.cid());
    s3.remove(stored.cid()); // absent: not an error
    assertEquals(java.util.Optional.empty(), s3.head(stored.cid()));
    ContentNotFoundException e = assertThrows(ContentNotFoundException.class,
        () -> s3.get(stored.cid(), new ByteArrayOutputStream()));
    assertEquals(StorageErrorClass.NOT_FOUND, e.errorClass());
    assertThrows(ContentNotFoundException.class, () -> s3.pin(stored.cid()));
    assertFalse(server.keys().contains("objects/" + stored.cid()));
  }

  @Test
  void get_invalidCid_isPermanentNamingTheRule() {
    StorageException e = assertThrows(StorageException.class, () -> s3.get("not-a-cid", new ByteArrayOutputStream()));
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertTrue(e.getMessage().startsWith("cid must be a CIDv1"), e.getMessage());
  }

  @Test
  void add_wrongSecretKey_failsPermanentlyAtOnceNamingBucketWithoutSecret() throws Exception {
    String wrong = "wrong-secret-key-value-9876543210zyxwvu";
    AtomicInteger lookups = new AtomicInteger();
    SecretLookup counting = id -> {
      lookups.incrementAndGet();
      return SecretValue.of(wrong);
    };
    try (S3Backend bad = S3Backend.open(config(server.endpoint(), "objects/"), counting)) {
      StorageException e = assertThrows(StorageException.class, () -> bad.add(new ByteArrayInputStream(new byte[10])));
      assertEquals(StorageErrorClass.PERMANENT, e.errorClass(), e.getMessage());
      assertFalse(e.retryable());
      assertTrue(e.getMessage().contains("s3 bucket '" + server.bucket() + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("SignatureDoesNotMatch"), e.getMessage());
      assertFalse(e.getMessage().contains(wrong), "no secret in the message");
      assertFalse(e.getMessage().contains(S3ProxyServer.SECRET_KEY), "no secret in the message");
      assertFalse(String.valueOf(bad).contains(wrong), "no secret in toString");
      assertEquals(BackendHealth.Status.UNHEALTHY, bad.health().status());
    }
  }

  @Test
  void add_missingBucket_isPermanentNoSuchBucket() throws Exception {
    S3Config noBucket = new S3Config(server.endpoint(), S3ProxyServer.REGION, "no-such-bucket-here", "", true,
        S3ProxyServer.ACCESS_KEY_ID, REF, S3Config.DEFAULT_MULTIPART_BYTES, dir.resolve("spool"));
    try (S3Backend b = S3Backend.open(noBucket, secret(S3ProxyServer.SECRET_KEY))) {
      StorageException e = assertThrows(StorageException.class, () -> b.add(new ByteArrayInputStream(new byte[10])));
      assertEquals(StorageErrorClass.PERMANENT, e.errorClass(), e.getMessage());
      assertTrue(e.getMessage().contains("s3 bucket 'no-such-bucket-here'"), e.getMessage());
      assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
    }
  }

  @Test
  void add_nothingListening_isBackendUnavailable() throws Exception {
    URI closed = URI.create("http://127.0.0.1:" + ChildProcess.freePort());
    try (S3Backend b = S3Backend.open(config(closed, ""), secret(S3ProxyServer.SECRET_KEY))) {
      StorageException e = assertThrows(StorageException.class, () -> b.add(new ByteArrayInputStream(new byte[10])));
      assertInstanceOf(BackendUnavailableException.class, e, e.getMessage());
      assertEquals(BackendHealth.Status.UNHEALTHY, b.health().status());
    }
  }

  @Test
  void add_vaultLocked_isUnavailableWithoutARequest_missingSecretIsPermanentNamingTheKey() throws Exception {
    SecretLookup locked = id -> {
      throw new VaultException("the vault is still unlocking");
    };
    try (S3Backend b = S3Backend.open(config(server.endpoint(), ""), locked)) {
      StorageException e = assertThrows(StorageException.class, () -> b.add(new ByteArrayInputStream(new byte[10])));
      assertInstanceOf(BackendUnavailableException.class, e, e.getMessage());
    }
    try (S3Backend b = S3Backend.open(config(server.endpoint(), ""), SecretNotFoundThrower.INSTANCE)) {
      StorageException e = assertThrows(StorageException.class, () -> b.add(new ByteArrayInputStream(new byte[10])));
      assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
      assertEquals("s3 credentials: IPFS_KIT_S3_SECRET_KEY_REF names vault secret 00112233aabbccdd, which does not"
          + " exist; store the secret access key with 'ipfs-kit secrets store' and set the ref to its id", e.getMessage());
    }
  }

  private enum SecretNotFoundThrower implements SecretLookup {
    INSTANCE;

    @Override
    public SecretValue lookup(SecretId id) {
      throw new SecretNotFoundException(id);
    }
  }

  @Test
  void health_runningServer_isHealthy() {
    assertEquals(BackendHealth.Status.HEALTHY, s3.health().status(), s3.health().detail());
  }

  @Test
  void list_emptyPrefix_returnsOnlyCidKeys() throws Exception {
    server.client().putObject(r -> r.bucket(server.bucket()).key("objects/not-a-cid.txt"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
    List<String> cids = s3.list();
    assertFalse(cids.contains("not-a-cid.txt"));
  }
}
