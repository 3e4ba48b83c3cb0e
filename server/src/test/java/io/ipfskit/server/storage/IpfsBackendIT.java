package io.ipfskit.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.server.testing.JsIpfsNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code ipfs} backend against a real IPFS node (js-ipfs, Kubo RPC compatible, offline on
 * loopback): bytes round trip, the same CID as the local block store, pins seen by the node's own
 * {@code pin/ls}, a missing block answered (not hung on), and the failure classes of a stopped node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IpfsBackendIT {
  private static final int CHUNK = 256 * 1024;

  @TempDir static Path dir;
  private JsIpfsNode node;
  private IpfsBackend ipfs;
  private LocalBlockStore local;

  @BeforeAll
  void start() throws Exception {
    node = JsIpfsNode.start(dir.resolve("node"));
    ipfs = IpfsBackend.open(new IpfsConfig(node.api(), Duration.ofSeconds(3), true));
    local = LocalBlockStore.open(dir.resolve("blocks"));
  }

  @AfterAll
  void stop() {
    if (ipfs != null) ipfs.close();
    if (local != null) local.close();
    if (node != null) node.close();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** 1 B; one chunk; one chunk + 1 (two leaves); 20 MiB (80 leaves); 175 chunks (a two-level tree: 174 links per node). */
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, CHUNK, CHUNK + 1, 20 << 20, 175 * CHUNK})
  void addGet_sizes_bytesRoundTripAndCidEqualsTheLocalStores(int size) throws Exception {
    byte[] content = bytes(size, size);
    StoredContent stored = ipfs.add(new ByteArrayInputStream(content));
    StoredContent localStored = local.add(new ByteArrayInputStream(content));

    assertEquals(localStored.cid(), stored.cid(), "same CID from the local store and the node");
    assertEquals(size, stored.size());
    assertEquals(node.api().toString(), stored.location());
    assertEquals(Boolean.TRUE, stored.pinned());
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    ipfs.get(stored.cid(), out);
    assertArrayEquals(content, out.toByteArray());
    assertTrue(node.rpc("block/stat", "arg=" + stored.cid()).contains("\"Size\""), "the node holds the root block");
  }

  @Test
  void poolStats_afterCalls_everyConnectionReturned() throws Exception {
    StoredContent c = ipfs.add(new ByteArrayInputStream(bytes(500, 21)));
    ipfs.get(c.cid(), new ByteArrayOutputStream());
    io.ipfskit.core.storage.PoolStats stats = ipfs.poolStats().orElseThrow();
    assertEquals("ipfs", stats.pool());
    assertEquals(16, stats.max());
    assertEquals(0, stats.leased(), "no connection still leased after the calls");
    assertEquals(0, stats.pending());
    assertTrue(stats.available() >= 1, "a connection kept for reuse");
    assertTrue(stats.acquires() >= 2, "one acquire per call, was " + stats.acquires());
    assertEquals(0, stats.exhaustions());
  }

  @Test
  void pinUnpin_visibleThroughTheNodesOwnPinLs() throws Exception {
    IpfsBackend noPin = IpfsBackend.open(new IpfsConfig(node.api(), Duration.ofSeconds(3), false));
    try {
      StoredContent c = noPin.add(new ByteArrayInputStream(bytes(1000, 7)));
      assertEquals(Boolean.FALSE, c.pinned());
      assertFalse(nodePins(c.cid()), "not pinned after an add without pinning");

      ipfs.pin(c.cid());
      assertTrue(nodePins(c.cid()));
      assertTrue(ipfs.pinned(c.cid()));

      ipfs.unpin(c.cid());
      assertFalse(nodePins(c.cid()));
      assertFalse(ipfs.pinned(c.cid()));
      ipfs.unpin(c.cid()); // idempotent
      ipfs.pin(c.cid());
      ipfs.remove(c.cid()); // remove = unpin: IPFS has no delete
      assertFalse(nodePins(c.cid()));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ipfs.get(c.cid(), out); // the blocks stay until the node's own GC
      assertEquals(1000, out.size());
    } finally {
      noPin.close();
    }
  }

  /** The node's own answer, read with the JDK's HTTP client (not the backend under test). */
  private boolean nodePins(String cid) throws Exception {
    try {
      return node.rpc("pin/ls", "arg=" + cid + "&type=recursive&cid-base=base32").contains(cid);
    } catch (IllegalStateException notPinned) {
      assertTrue(notPinned.getMessage().contains("not pinned"), notPinned.getMessage());
      return false;
    }
  }

  @Test
  void get_missingCid_answeredWithinTheTimeoutNotHung() throws Exception {
    String missing = local.add(new ByteArrayInputStream(bytes(64, 99))).cid(); // only the local store has it
    StorageException e = assertThrows(StorageException.class, () -> ipfs.get(missing, new ByteArrayOutputStream()));
    assertTrue(e.errorClass() == StorageErrorClass.NOT_FOUND || e.errorClass() == StorageErrorClass.TRANSIENT,
        e.errorClass() + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(missing), e.getMessage());
    StorageException stat = assertThrows(StorageException.class, () -> ipfs.blockStat(missing));
    assertTrue(stat.retryable() || stat.errorClass() == StorageErrorClass.NOT_FOUND, stat.getMessage());
  }

  @Test
  void get_malformedCid_permanentWithoutAskingTheNode() {
    StorageException e = assertThrows(StorageException.class, () -> ipfs.get("bafy-not-a-cid", new ByteArrayOutputStream()));
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertFalse(e.getMessage().contains("bafy-not-a-cid"), e.getMessage());
  }

  @Test
  void nodeFacts_idVersionRepoStatAndHealth_readFromTheRealAnswers() throws Exception {
    assertTrue(ipfs.id().agentVersion().startsWith("js-ipfs/"), ipfs.id().toString());
    assertFalse(ipfs.version().version().isEmpty());
    IpfsBackend.RepoStat stat = ipfs.repoStat();
    assertTrue(stat.repoSize() > 0 && stat.numObjects() > 0, stat.toString());
    BackendHealth h = ipfs.health();
    assertEquals(BackendHealth.Status.HEALTHY, h.status(), h.detail());
    assertTrue(h.detail().contains(ipfs.id().peerId()), h.detail());
  }

  @Test
  void stoppedNode_unavailableAndUnhealthy_thenBackAfterRestart() throws Exception {
    StoredContent before = ipfs.add(new ByteArrayInputStream(bytes(10, 1)));
    node.stop();
    try {
      StorageException e = assertThrows(StorageException.class, () -> ipfs.add(new ByteArrayInputStream(bytes(10, 2))));
      assertInstanceOf(BackendUnavailableException.class, e, e.getMessage());
      assertTrue(e.getMessage().startsWith("cannot reach the ipfs node at " + node.api()), e.getMessage());
      assertEquals(BackendHealth.Status.UNHEALTHY, ipfs.health().status());
    } finally {
      node.start();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipfs.get(before.cid(), out);
    assertArrayEquals(bytes(10, 1), out.toByteArray(), "content and repository survive the restart");
    assertEquals(BackendHealth.Status.HEALTHY, ipfs.health().status());
  }
}
