package io.ipfskit.core.storage.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ipfskit.core.storage.LeaseTracker;
import io.ipfskit.core.storage.PoolConfig;
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
  /** The client port of each {@code id} call, in order. */
  private final java.util.Queue<Integer> ports = new java.util.concurrent.ConcurrentLinkedQueue<>();

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
    server.createContext("/api/v0/id", exchange -> {
      ports.add(exchange.getRemoteAddress().getPort()); // one client port per TCP connection
      byte[] body = "{\"ID\":\"12D3KooW\"}".getBytes(UTF_8);
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
      assertEquals(MAX, busy.leased(), busy::toString);
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

  private URI api() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  @Timeout(60)
  void call_connectionYoungerThanMaxLifetime_reusedForEveryCall() throws Exception {
    try (KuboRpc rpc = new KuboRpc(api(), Duration.ofSeconds(5), PoolConfig.DEFAULTS.withMaxConnections(1),
        LeaseTracker.NONE)) {
      for (int i = 0; i < 20; i++) rpc.call("id", Map.of(), null, false);
    }
    assertEquals(20, ports.size());
    assertEquals(1, new java.util.HashSet<>(ports).size(), "one keep-alive connection: " + ports);
  }

  @Test
  @Timeout(60)
  void call_connectionPastMaxLifetime_closedAndReplacedByANewOne() throws Exception {
    Duration lifetime = Duration.ofMillis(500);
    PoolConfig pool = new PoolConfig(1, 1, Duration.ofSeconds(5), lifetime, Duration.ofSeconds(60));
    try (KuboRpc warm = new KuboRpc(api(), Duration.ofSeconds(5))) {
      warm.call("id", Map.of(), null, false); // class loading and the first connect out of the way
    }
    ports.clear();
    long start;
    long replacedAt = -1;
    try (KuboRpc rpc = new KuboRpc(api(), Duration.ofSeconds(5), pool, LeaseTracker.NONE)) {
      start = System.nanoTime();
      rpc.call("id", Map.of(), null, false);
      int first = ports.peek();
      // Bounded polling of the real server: keep calling until a call arrives on another connection.
      long deadline = start + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        rpc.call("id", Map.of(), null, false);
        if (!ports.stream().allMatch(p -> p == first)) {
          replacedAt = System.nanoTime();
          break;
        }
      }
      assertTrue(replacedAt > 0, "a new connection within 20 s: " + ports.size() + " calls on " + first);
      List<Integer> seen = new ArrayList<>(ports);
      int reused = (int) seen.stream().takeWhile(p -> p == first).count();
      assertTrue(reused > 1, "the young connection was reused before it expired (" + reused + " calls)");
      assertTrue(replacedAt - start >= lifetime.toNanos(), "replaced only once older than its lifetime, after "
          + (replacedAt - start) / 1_000_000 + " ms");
      assertEquals(0, rpc.poolStats().leased());
    }
  }

  @Test
  @Timeout(60)
  void evictor_connectionIdlePastMaxIdle_closedWithoutAnyCall() throws Exception {
    PoolConfig pool = new PoolConfig(2, 2, Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(1));
    try (KuboRpc rpc = new KuboRpc(api(), Duration.ofSeconds(5), pool, LeaseTracker.NONE)) {
      rpc.call("id", Map.of(), null, false);
      assertEquals(1, rpc.poolStats().available(), "kept for reuse");
      // Bounded polling of the pool's own figures: the evictor thread closes it after a second idle.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rpc.poolStats().available() > 0 && System.nanoTime() < deadline)
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll, not a timing
      assertEquals(0, rpc.poolStats().available(), "closed by idle eviction");
      rpc.call("id", Map.of(), null, false);
    }
    assertEquals(2, new java.util.HashSet<>(ports).size(), "the second call needed a new connection: " + ports);
  }
}
