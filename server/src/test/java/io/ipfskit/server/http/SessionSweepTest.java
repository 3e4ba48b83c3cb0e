package io.ipfskit.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * The idle-session sweep of MCP Streamable HTTP on a real Jetty with the SDK's transport, with a
 * short configured idle time ({@link HttpServer.Builder#sessionIdle}): a session with no request and
 * no open stream is closed (its id then answers 404 and the client initializes again), while a
 * session holding an open GET stream stays.
 *
 * <p>No timed assertion: the test polls the server's real state (does the session id still answer?)
 * until a deadline. The sweep runs every idle period and closes a session untouched for one whole
 * period; a probe of the idle session itself counts as a touch, so the probes are spaced further
 * apart than two periods (and further each round, so a busy machine only makes the test slower).
 */
class SessionSweepTest {
  static final String TOKEN = "test-token-0123456789abcdef";
  static final Duration IDLE = Duration.ofMillis(500);
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
  static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) server.shutdown();
  }

  HttpRequest.Builder post(String body, String session) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.baseUrl() + HttpServer.MCP_PATH))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
        .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) r.header("Mcp-Session-Id", session);
    return r;
  }

  HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Initializes a session and returns its id. A session untouched for a whole sweep period is closed
   * even between initialize and the client's notifications/initialized (a stall of the machine can
   * make that gap longer than the short idle time used here); then, as a client does, start over.
   */
  String initialize() throws Exception {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> init = send(post(INIT, null));
      assertEquals(200, init.statusCode(), init.body());
      String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
      HttpResponse<String> ack = send(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session));
      if (ack.statusCode() == 404 && attempt < 5) continue;
      assertEquals(202, ack.statusCode(), ack.body());
      return session;
    }
  }

  @Test
  @Timeout(90)
  void sweep_idleSessionClosed_sessionWithOpenStreamKept() throws Exception {
    server = HttpServer.builder().token(TOKEN).port(0).mcp("test", "1", List.of()).sessionIdle(IDLE).build().start();
    String idle = null;
    // The SDK sends a stream's headers with its first event, so the GET goes over a plain socket that
    // stays open; a ping on the session afterwards shows it alive with its stream (if the sweep took
    // the session before the GET arrived, the ping says 404 and the set-up starts over).
    for (int attempt = 1; ; attempt++) {
      String streaming = initialize();
      try (Socket stream = new Socket()) {
        stream.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        stream.getOutputStream().write(("GET " + HttpServer.MCP_PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
            + "\r\nAuthorization: Bearer " + TOKEN + "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + streaming
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        stream.getOutputStream().flush();
        int alive = send(post(PING, streaming)).statusCode();
        if (alive == 404 && attempt < 5) continue;
        assertEquals(200, alive);
        // Initialized after the streaming session's last request: once the sweep takes this one, it
        // would have taken the streaming session too, were it not for its open stream.
        idle = initialize();
        awaitSweepThenCheck(idle, streaming);
      }
      break;
    }
    String again = initialize();
    assertEquals(200, send(post(PING, again)).statusCode(), "the client can initialize again after the sweep");
    assertNotEquals(idle, again);
  }

  /**
   * Probes {@code idle} until it answers 404, then checks that {@code streaming} (last touched before
   * {@code idle}) still answers.
   */
  void awaitSweepThenCheck(String idle, String streaming) throws Exception {
    HttpResponse<String> probe = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    for (long gap = 3 * IDLE.toMillis(); System.nanoTime() < deadline; gap += IDLE.toMillis()) {
      TimeUnit.MILLISECONDS.sleep(gap); // spacing of probes of the real server's state, bounded by the deadline
      probe = send(post(PING, idle));
      if (probe.statusCode() == 404) break;
      assertEquals(200, probe.statusCode(), probe.body());
    }
    assertEquals(404, probe.statusCode(), "the idle session was swept: " + probe.body());
    assertEquals(JsonErrors.SESSION_NOT_FOUND, JSON.readTree(probe.body()).get("error").get("code").asInt(), probe.body());

    HttpResponse<String> kept = send(post(PING, streaming));
    assertEquals(200, kept.statusCode(), "a session with an open stream is not swept: " + kept.body());
  }
}
