package io.ipfskit.core.storage.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ipfskit.core.storage.PoolStats;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Kubo RPC pool against a real local HTTP server (the JDK's) that holds its answers. */
class KuboRpcPoolTest {
  private static final int BORROWERS = 64;
  private static final int MAX = 2;

  private HttpServer server;
  private ExecutorService serverThreads;
  private final CountDownLatch arrived = new CountDownLatch(MAX);
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/api/v0/version", exchange -> {
      arrived.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = "{\"Version\":\"0.0.1\",\"Repo\":\"1\",\"System\":\"x\"}".getBytes(UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  @Timeout(60)
  void call_poolExhaustedBy64Borrowers_failsNamingTotalActiveIdleWaiting() throws Exception {
    URI api = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    ExecutorService borrowers = Executors.newFixedThreadPool(BORROWERS);
    try (KuboRpc rpc = new KuboRpc(api, Duration.ofMillis(500), MAX)) {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < BORROWERS; i++) calls.add(borrowers.submit(() -> rpc.call("version", Map.of(), null, false)));
      assertTrue(arrived.await(30, TimeUnit.SECONDS), "two calls reach the server");
      // The other 62 wait for one of the two connections and give up after 500 ms: bounded polling.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rpc.poolStats().exhaustions() < BORROWERS - MAX && System.nanoTime() < deadline) Thread.onSpinWait();
      PoolStats busy = rpc.poolStats();
      assertEquals(MAX, busy.max());
      assertEquals(MAX, busy.leased());
      assertEquals(BORROWERS - MAX, busy.exhaustions());
      release.countDown();

      int ok = 0;
      List<String> failures = new ArrayList<>();
      for (Future<String> call : calls) {
        try {
          call.get(30, TimeUnit.SECONDS);
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          StorageException failure = (StorageException) e.getCause();
          assertEquals(StorageErrorClass.TRANSIENT, failure.errorClass());
          failures.add(failure.getMessage());
        }
      }
      assertEquals(MAX, ok);
      assertEquals(BORROWERS - MAX, failures.size());
      for (String message : failures) {
        assertTrue(message.matches("no connection to the ipfs node at " + api + " for version: no pooled connection"
            + " within 500 MILLISECONDS \\(total 2, active 2, idle 0, waiting \\d+\\);"
            + " raise the pool size or lower concurrent calls"), message);
      }
      PoolStats after = rpc.poolStats();
      assertEquals(0, after.leased());
      assertEquals(0, after.pending());
      assertEquals(MAX, after.acquires());
      assertTrue(after.acquireWaitP99Millis() >= after.acquireWaitP50Millis());
      assertTrue(after.acquireWaitP50Millis() >= 0);
    } finally {
      borrowers.shutdownNow();
    }
  }
}
