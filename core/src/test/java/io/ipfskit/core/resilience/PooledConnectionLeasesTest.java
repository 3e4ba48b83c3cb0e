package io.ipfskit.core.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.HeldAnswerServer;
import io.ipfskit.core.storage.PoolConfig;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IPFS backend's pooled connections in the lease registry, against a real local HTTP server (the
 * JDK's) that holds its {@code cat} answer until the test lets it go: a connection a call holds is
 * a lease with the borrower's stack, a leak once older than the threshold (on a fake clock), gone when
 * the call returns it, and closed by {@link Leases#closeAll} (the call fails instead of hanging).
 */
@Timeout(60)
class PooledConnectionLeasesTest {
  private static final String CID = "bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su";

  private final FakeTime time = new FakeTime();
  private final Leases leases = new Leases(time);
  private HeldAnswerServer server;
  private IpfsBackend ipfs;

  @BeforeEach
  void start() throws Exception {
    server = HeldAnswerServer.start(1, "/api/v0/cat", "hello".getBytes(UTF_8));
    ipfs = IpfsBackend.open(new IpfsConfig(server.uri(), Duration.ofSeconds(20), true), PoolConfig.DEFAULTS, leases);
  }

  @AfterEach
  void stop() {
    server.release();
    ipfs.close();
    server.close();
  }

  /** The borrower whose frame the leak report must show. */
  private String borrowerThatHoldsTheConnection() throws StorageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ipfs.get(CID, out);
    return out.toString(UTF_8);
  }

  /** Starts the borrower on another thread and returns once its call reached the server. */
  private CompletableFuture<String> startBorrowing() throws InterruptedException {
    CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
      try {
        return borrowerThatHoldsTheConnection();
      } catch (StorageException e) {
        throw new RuntimeException(e);
      }
    });
    assertTrue(server.arrived.await(30, TimeUnit.SECONDS), "the cat reached the server");
    return call;
  }

  @Test
  void leaks_connectionHeldPastThreshold_reportedWithTheBorrowersStackThenReleasedWhenReturned() throws Exception {
    CompletableFuture<String> call = startBorrowing();
    assertEquals(List.of(), leases.leaks(Duration.ofMinutes(5)), "young: not a leak yet");
    time.advance(Duration.ofMinutes(6));

    List<LeaseInfo> leaks = leases.leaks(Duration.ofMinutes(5));
    assertEquals(1, leaks.size(), leaks::toString);
    LeaseInfo leak = leaks.get(0);
    assertEquals("ipfs", leak.owner());
    assertEquals("pooled connection to 127.0.0.1:" + server.port(), leak.what());
    assertEquals(Duration.ofMinutes(6), leak.age());
    assertTrue(leak.stack().contains("PooledConnectionLeasesTest.borrowerThatHoldsTheConnection("), leak.stack());
    assertTrue(leak.stack().contains("KuboRpc.cat("), leak.stack());

    server.release();
    assertEquals("hello", call.get(30, TimeUnit.SECONDS));
    assertEquals(List.of(), leases.open(), "the connection went back to the pool: its lease is closed");
    assertEquals(new Leases.Stats(0, 1, 1, Duration.ZERO), leases.stats());
  }

  @Test
  void closeAll_connectionHeld_closesItSoTheCallFailsInsteadOfHanging() throws Exception {
    CompletableFuture<String> call = startBorrowing();

    List<LeaseInfo> released = leases.closeAll();
    assertEquals(1, released.size());
    assertEquals("ipfs", released.get(0).owner());
    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> call.get(30, TimeUnit.SECONDS));
    assertInstanceOf(StorageException.class, failed.getCause().getCause(), failed::toString);
    assertEquals(List.of(), leases.open());
    assertFalse(ipfs.poolStats().orElseThrow().leased() > 0, "nothing is leased from the pool any more");
  }
}
