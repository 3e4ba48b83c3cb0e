package io.ipfskit.core.storage;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real local HTTP server (the JDK's) on the loopback address whose every answer waits until the
 * test lets it go: {@link #arrived} counts the requests that reached it, {@link #release()} sends
 * the answers ({@code 200} with the given body). Holding an answer holds the client's pooled
 * connection, which is how the pool tests take one. Closing it lets every answer go and stops it.
 */
public final class HeldAnswerServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch answer = new CountDownLatch(1);
  /** Counts down once per request that reached the server. */
  public final CountDownLatch arrived;

  private HeldAnswerServer(int expectedArrivals, String path, byte[] body) throws IOException {
    arrived = new CountDownLatch(expectedArrivals);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext(path, exchange -> {
      arrived.countDown();
      try {
        answer.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } catch (IOException clientWentAway) {
        // the client closed its end while the answer was held
      }
      exchange.close();
    });
    server.start();
  }

  /** Serves every path under {@code path}, holding each answer until {@link #release()}. */
  public static HeldAnswerServer start(int expectedArrivals, String path, byte[] body) throws IOException {
    return new HeldAnswerServer(expectedArrivals, path, body);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Sends every held answer and every later one at once. */
  public void release() {
    answer.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }
}
