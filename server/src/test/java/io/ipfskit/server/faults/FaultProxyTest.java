package io.ipfskit.server.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each mode of {@link FaultProxy} with plain sockets in front of a small echo server. Assertions are
 * on bytes, end-of-stream and exceptions; socket timeouts are only bounds ("nothing came within").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyTest {
  private static final int BOUND_MILLIS = 10_000;
  private static final int NOTHING_MILLIS = 300;

  private ServerSocket echo;
  private final AtomicInteger echoConnections = new AtomicInteger();
  private final ExecutorService echoThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "echo");
    t.setDaemon(true);
    return t;
  });
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThreads.execute(() -> {
      while (true) {
        Socket s;
        try {
          s = echo.accept();
        } catch (IOException closed) {
          return;
        }
        echoConnections.incrementAndGet();
        echoThreads.execute(() -> {
          try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException ignored) {
            // the test reset it
          }
        });
      }
    });
    proxy = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
    echoThreads.shutdownNow();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), BOUND_MILLIS);
    s.setSoTimeout(BOUND_MILLIS);
    return s;
  }

  private static byte[] readExactly(Socket s, int n) throws IOException {
    byte[] b = s.getInputStream().readNBytes(n);
    assertEquals(n, b.length, "bytes before end of stream");
    return b;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(UTF_8));
    s.getOutputStream().flush();
  }

  @Test
  void pass_bytesEchoedUnchanged() throws IOException {
    try (Socket s = connect()) {
      send(s, "hello through the proxy");
      assertEquals("hello through the proxy", new String(readExactly(s, 23), UTF_8));
    }
    assertEquals(1, proxy.accepted());
    assertEquals(1, proxy.forwarded());
  }

  @Test
  void delay_nothingWithinLessThanTheDelay_thenTheSameBytes() throws IOException {
    proxy.delay(Duration.ofSeconds(2));
    try (Socket s = connect()) {
      send(s, "late");
      s.setSoTimeout(NOTHING_MILLIS);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "held back by the delay");
      s.setSoTimeout(BOUND_MILLIS);
      assertEquals("late", new String(readExactly(s, 4), UTF_8));
    }
  }

  @Test
  void reset_openConnection_clientSeesConnectionReset() throws IOException {
    try (Socket s = connect()) {
      send(s, "a");
      readExactly(s, 1);
      proxy.reset();
      assertThrows(SocketException.class, () -> {
        s.getInputStream().read();
        send(s, "b"); // if the read saw the RST as end of stream, the next write fails
        s.getInputStream().read();
      });
    }
  }

  @Test
  void reset_newConnection_acceptedThenResetWithoutReachingTheTarget() throws IOException {
    proxy.reset();
    assertThrows(SocketException.class, () -> {
      try (Socket s = connect()) { // the RST may already fail the connect, or the first write or read
        send(s, "x");
        if (s.getInputStream().read() < 0) throw new SocketException("end of stream instead of reset");
      }
    });
    assertEquals(1, proxy.awaitAccepted(1, Duration.ofSeconds(10)));
    assertEquals(0, proxy.forwarded());
    assertEquals(0, echoConnections.get());
  }

  @Test
  void resetNext_twoConnectionsResetThenTheThirdPasses() throws IOException {
    proxy.resetNext(2);
    for (int i = 0; i < 2; i++) {
      assertThrows(SocketException.class, () -> {
        try (Socket s = connect()) { // the RST may already fail the connect
          send(s, "x");
          if (s.getInputStream().read() < 0) throw new SocketException("end of stream instead of reset");
        }
      });
      assertEquals(i + 1, proxy.awaitAccepted(i + 1, Duration.ofSeconds(10)));
    }
    try (Socket s = connect()) {
      send(s, "ok");
      assertEquals("ok", new String(readExactly(s, 2), UTF_8));
    }
    assertEquals(3, proxy.accepted());
    assertEquals(1, proxy.forwarded());
  }

  @Test
  void blackhole_newConnection_acceptedNeverAnsweredTargetNotContacted() throws IOException {
    proxy.blackhole();
    try (Socket s = connect()) {
      send(s, "anyone?");
      s.setSoTimeout(NOTHING_MILLIS);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
    }
    assertEquals(1, proxy.accepted());
    assertEquals(0, echoConnections.get());
  }

  @Test
  void blackhole_openConnection_goesSilentThenPassesAgain() throws IOException {
    try (Socket s = connect()) {
      send(s, "a");
      readExactly(s, 1); // the link is up before the switch
      proxy.blackhole();
      send(s, "dropped");
      s.setSoTimeout(NOTHING_MILLIS);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
      proxy.pass();
      s.setSoTimeout(BOUND_MILLIS);
      send(s, "kept");
      assertEquals("kept", new String(readExactly(s, 4), UTF_8));
    }
  }

  @Test
  void halfClose_newConnection_clientReadsEndOfStreamButCanStillWrite() throws IOException {
    proxy.halfClose();
    try (Socket s = connect()) {
      assertEquals(-1, s.getInputStream().read());
      send(s, "still writable"); // the proxy keeps reading
    }
  }

  @Test
  void halfClose_openConnection_clientReadsEndOfStream() throws IOException {
    try (Socket s = connect()) {
      send(s, "a");
      readExactly(s, 1);
      proxy.halfClose();
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void drip_threeBytesPerLongInterval_exactlyThreeArriveThenNothing() throws IOException {
    proxy.drip(3, Duration.ofMinutes(10));
    try (Socket s = connect()) {
      send(s, "0123456789");
      assertArrayEquals("012".getBytes(UTF_8), readExactly(s, 3));
      s.setSoTimeout(NOTHING_MILLIS);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "the 4th byte waits an interval");
    }
  }

  @Test
  void drip_shortInterval_everyByteArrivesInOrder() throws IOException {
    proxy.drip(2, Duration.ofMillis(5));
    try (Socket s = connect()) {
      send(s, "0123456789");
      assertEquals("0123456789", new String(readExactly(s, 10), UTF_8));
    }
  }

  @Test
  void settle_afterConnectionsBurst_countsEveryOneAndNotTheMarker() throws IOException {
    proxy.reset();
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), BOUND_MILLIS);
      } catch (SocketException resetDuringConnect) {
        // accepted all the same
      }
    }
    assertEquals(5, proxy.settle());
    assertEquals(5, proxy.settle(), "markers are not counted");
  }

  @Test
  void close_openConnectionEndsAndThePortRefuses() throws IOException {
    int port = proxy.port();
    try (Socket s = connect()) {
      send(s, "a");
      readExactly(s, 1);
      proxy.close();
      assertThrows(IOException.class, () -> {
        if (s.getInputStream().read() < 0) throw new IOException("end of stream");
      });
    }
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
  }

  /** A JDK HTTP server on the loopback that answers 200 with the request's body, counting requests. */
  private static com.sun.net.httpserver.HttpServer echoHttp(AtomicInteger reached) throws IOException {
    com.sun.net.httpserver.HttpServer target = com.sun.net.httpserver.HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    target.createContext("/", x -> {
      byte[] sent = x.getRequestBody().readAllBytes();
      reached.incrementAndGet();
      // a target asked for Connection: close says so, as Kubo's Go server does (the JDK server would
      // close without telling, and the client could reuse the closing connection)
      if ("close".equalsIgnoreCase(x.getRequestHeaders().getFirst("Connection")))
        x.getResponseHeaders().set("Connection", "close");
      x.sendResponseHeaders(200, sent.length == 0 ? -1 : sent.length);
      x.getResponseBody().write(sent);
      x.close();
    });
    target.start();
    return target;
  }

  @Test
  void answer_quarterOf429_everyFourthRequestAnsweredByTheProxyTheRestReachTheTarget() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    com.sun.net.httpserver.HttpServer target = echoHttp(reached);
    try (FaultProxy http = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        target.getAddress().getPort()))) {
      http.answer(429, 0.25);
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(http.uri() + "/api/v0/add")).POST(java.net.http.HttpRequest.BodyPublishers
                .ofString("body " + i)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        statuses.add(r.statusCode());
        if (r.statusCode() == 200) assertEquals("body " + i, r.body());
        else assertEquals("{\"Message\":\"fault proxy: 429 Too Many Requests\",\"Code\":0,\"Type\":\"error\"}\n", r.body());
      }
      assertEquals(java.util.List.of(200, 200, 200, 429, 200, 200, 200, 429), statuses);
      assertEquals(2, http.answered());
      assertEquals(6, reached.get());
      assertEquals(8, http.settle(), "one connection per request: the target was told Connection: close");
    } finally {
      target.stop(0);
    }
  }

  @Test
  void resetRequests_half_everySecondRequestResetAfterItsHeadTheOthersReachTheTarget() throws Exception {
    AtomicInteger reached = new AtomicInteger();
    com.sun.net.httpserver.HttpServer target = echoHttp(reached);
    try (FaultProxy http = FaultProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        target.getAddress().getPort()))) {
      http.resetRequests(0.5);
      java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      java.util.List<String> outcomes = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        try {
          outcomes.add("" + client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.uri() + "/x"))
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), // POST: the JDK client retries a GET
              java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
          outcomes.add("broken");
        }
      }
      assertEquals(java.util.List.of("200", "broken", "200", "broken"), outcomes);
      assertEquals(2, http.answered());
      assertEquals(2, reached.get());
    } finally {
      target.stop(0);
    }
  }

  @Test
  void withConnectionClose_keepAliveHeader_replacedOnce() {
    byte[] head = "POST /x HTTP/1.1\r\nHost: a\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n".getBytes(UTF_8);
    assertEquals("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        new String(FaultProxy.withConnectionClose(head), UTF_8));
  }

  @Test
  void answer_statusOutOfRange_namesFieldAndRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proxy.answer(200, 0.5));
    assertEquals("status must be from 400 to 599, but was 200", e.getMessage());
  }
}
