package io.ipfskit.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.ContentCid;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.storacha.StorachaBackend;
import io.ipfskit.core.storage.storacha.StorachaConfig;
import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.StorachaService;
import io.ipfskit.server.tools.HealthTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code storacha} backend (core, through the {@link BackendRegistry} and its resilience layer,
 * as the server runs it) against the real local upload service ({@code @storacha/upload-api}'s
 * production handlers, {@link StorachaService}) with the real bridge ({@code @storacha/client}):
 * adds give the local store's CID, the space lists them with their shard, the gateway returns the
 * exact bytes, remove, a revoked proof fails permanently, a stopped service is retryable and makes
 * the backend unhealthy. The outage test restarts the service and runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StorachaBackendIT {
  static final int CHUNK = 256 * 1024;
  static final SecretId KEY_REF = SecretId.parse("key", "0123456789abcdef");
  static final SecretId PROOF_REF = SecretId.parse("proof", "fedcba9876543210");

  @TempDir static Path dir;
  private StorachaService service;
  private BackendRegistry registry;
  private StorageBackend storacha; // the registry's, behind the resilience layer
  private StorachaBackend raw;

  @BeforeAll
  void start() throws Exception {
    service = StorachaService.start(ChildProcess.freePort(), dir.resolve("service-state"));
    registry = open(service, "home");
    storacha = registry.get("storacha");
    raw = StorachaBackend.open(config(service, dir.resolve("raw-home")), secrets(service));
  }

  @AfterAll
  void stop() {
    if (raw != null) raw.close();
    if (registry != null) registry.close();
    if (service != null) service.close();
  }

  static StorachaConfig config(StorachaService s, Path home) {
    return new StorachaConfig(URI.create(s.url()), s.serviceDid(), s.space(), KEY_REF, PROOF_REF,
        URI.create(s.gateway()), Duration.ofSeconds(60), "node", home.resolve("spool/storacha"),
        Path.of(System.getProperty("user.home"), ".cache", "ipfs-kit"));
  }

  /** The vault as the backend sees it: the key and proof by their ids (as `ipfs-kit secrets store` keeps them). */
  static SecretLookup secrets(StorachaService s) {
    return id -> SecretValue.of(id.equals(KEY_REF) ? s.agentKey() : s.proof());
  }

  /** A registry running local + storacha, whose health probes are always due (each probeHealthDue call probes). */
  static BackendRegistry open(StorachaService s, String home) throws Exception {
    BackendsConfig c = BackendsConfig.embedded(dir.resolve(home)).withStoracha(config(s, dir.resolve(home)));
    return BackendRegistry.open(c, BackendRegistry.builtInFactories(secrets(s)), Duration.ofMillis(1),
        Clock.systemUTC());
  }

  /**
   * Probes until the bridge is installed and started (first use only) and, for {@code expected}, up to
   * three probes more (a probe slower than IPFS_KIT_HEALTH_MAX_RESPONSE_TIME on a loaded machine reads
   * as degraded once); returns the storacha health row.
   */
  static Map<String, Object> probed(BackendRegistry r, String expected) throws Exception {
    for (int i = 0; i < 600; i++) {
      r.probeHealthDue(System.nanoTime());
      String reason = r.health("storacha").health().detail();
      if (!reason.contains("starting the bridge")) break;
      TimeUnit.MILLISECONDS.sleep(500); // polling the real npm install and Node start, bounded (first use only)
    }
    for (int i = 0; i < 3 && !expected.equals(row(r).get("state")); i++) r.probeHealthDue(System.nanoTime());
    return row(r);
  }

  private static Map<String, Object> row(BackendRegistry r) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) HealthTools.report(r, "storacha").get("backends");
    return rows.get(0);
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  @Order(1)
  void health_runningService_healthyInBackendHealthReport() throws Exception {
    Map<String, Object> row = probed(registry, "healthy");
    assertEquals("healthy", row.get("state"), row.toString());
    assertEquals(true, row.get("configured"));
    assertTrue(((String) row.get("reason")).contains(service.space()), row.toString());
  }

  /**
   * 1 B; one chunk; one chunk + 1; 3 MiB + 5 (13 leaves). The two-level tree (175 chunks, 44 MiB) is
   * checked on the bridge alone by StorachaBridgeIT; through the backend it adds minutes on a loaded machine.
   */
  @ParameterizedTest(name = "{0} bytes")
  @Order(2)
  @ValueSource(ints = {1, CHUNK, CHUNK + 1, (3 << 20) + 5})
  void addListGet_sizes_rootIsTheLocalCidListedWithShardAndBytesComeBack(int size) throws Exception {
    byte[] content = bytes(size, size);
    StoredContent stored = storacha.add(new ByteArrayInputStream(content));

    assertEquals(ContentCid.of(new ByteArrayInputStream(content)).cid(), stored.cid(), "same CID as the local store");
    assertEquals(size, stored.size());
    assertEquals(service.space(), stored.location());
    assertEquals(Boolean.TRUE, stored.pinned());
    assertTrue(service.uploads().contains(stored.cid()), "the service lists the upload: " + service.uploads());
    StorachaBackend.Upload listed = raw.find(stored.cid()).orElseThrow();
    assertFalse(listed.shards().isEmpty(), listed.toString());
    assertTrue(listed.shards().get(0).startsWith("bag"), "a CAR shard CID: " + listed);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    storacha.get(stored.cid(), out);
    assertArrayEquals(content, out.toByteArray());
  }

  @Test
  @Order(3)
  void list_paged_everyUploadOnceAcrossPages() throws Exception {
    List<StorachaBackend.Upload> all = raw.list();
    assertEquals(service.uploads().size(), all.size());
    StorachaBackend.Page first = raw.list(null, 2);
    assertEquals(2, first.uploads().size());
    assertTrue(first.nextCursorOrNull() != null, "more than one page");
    StorachaBackend.Page second = raw.list(first.nextCursorOrNull(), 2);
    assertFalse(second.uploads().isEmpty());
    assertNotEquals(first.uploads().get(0).root(), second.uploads().get(0).root());
  }

  @Test
  @Order(4)
  void removePin_uploadGone_secondRemoveFinePinNotFound() throws Exception {
    StoredContent stored = storacha.add(new ByteArrayInputStream("to be removed".getBytes()));
    storacha.pin(stored.cid()); // an upload exists: pin is satisfied
    storacha.remove(stored.cid());
    assertFalse(service.uploads().contains(stored.cid()), service.uploads().toString());
    assertTrue(raw.find(stored.cid()).isEmpty());
    storacha.remove(stored.cid()); // absent: not an error
    StorageException e = assertThrows(StorageException.class, () -> storacha.pin(stored.cid()));
    assertEquals(StorageErrorClass.NOT_FOUND, e.errorClass());
  }

  @Test
  @Order(5)
  void get_unknownCid_notFound() {
    String never = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba";
    StorageException e = assertThrows(StorageException.class, () -> storacha.get(never, new ByteArrayOutputStream()));
    assertEquals(StorageErrorClass.NOT_FOUND, e.errorClass(), e.getMessage());
  }

  @Test
  @Order(6)
  void bridgeKilled_nextCallStartsANewOneAndSucceeds() throws Exception {
    raw.list(null, 1);
    long pid = raw.bridgePid().orElseThrow();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    StoredContent stored = raw.add(new ByteArrayInputStream("after a bridge restart".getBytes()));
    assertTrue(service.uploads().contains(stored.cid()));
    assertNotEquals(pid, raw.bridgePid().orElseThrow());
  }

  @Test
  @Order(7)
  void revokedProof_addFailsPermanentlyHealthUnhealthyBreakerUntouched() throws Exception {
    try (StorachaService other = StorachaService.start(); BackendRegistry r = open(other, "home-revoked")) {
      StorageBackend s = r.get("storacha");
      assertEquals("healthy", probed(r, "healthy").get("state"));
      other.revoke();

      StorageException e = assertThrows(StorageException.class,
          () -> s.add(new ByteArrayInputStream("never stored".getBytes())));
      assertEquals(StorageErrorClass.PERMANENT, e.errorClass(), e.getMessage());
      assertTrue(e.getMessage().contains("IPFS_KIT_STORACHA_PROOF_REF"), e.getMessage());
      assertFalse(e.getMessage().contains(other.proof()), "no proof in the message");
      assertFalse(e.getMessage().contains(other.agentKey()), "no key in the message");
      assertTrue(other.uploads().isEmpty(), other.uploads().toString());

      Map<String, Object> row = probed(r, "unhealthy");
      assertEquals("unhealthy", row.get("state"), row.toString());
      // A permanent error is the request's, not the backend's: the breaker does not count it (ARCHITECTURE §4).
      assertEquals(BreakerState.CLOSED, r.resilience().breaker("storacha").orElseThrow().state());
    }
  }

  @Test
  @Order(8)
  void serviceStopped_callsRetryableHealthUnhealthy_thenBackOnSamePortWithSameState() throws Exception {
    int port = service.port();
    service.close();
    StorageException e = assertThrows(StorageException.class,
        () -> raw.add(new ByteArrayInputStream("while down".getBytes())));
    assertTrue(e.retryable(), e.errorClass() + ": " + e.getMessage());
    assertEquals(StorageErrorClass.UNAVAILABLE, e.errorClass(), e.getMessage());
    Map<String, Object> row = probed(registry, "unhealthy");
    assertEquals("unhealthy", row.get("state"), row.toString());
    assertEquals(BackendHealth.Status.UNHEALTHY, raw.health().status());

    service = StorachaService.start(port, dir.resolve("service-state"));
    StoredContent stored = storacha.add(new ByteArrayInputStream("after the outage".getBytes()));
    assertEquals(List.of(stored.cid()), service.uploads(), "the new service holds just this upload");
    assertEquals("healthy", probed(registry, "healthy").get("state"));
  }
}
