package io.ipfskit.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.LeaseInfo;
import io.ipfskit.core.resilience.Leases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP Streamable HTTP sessions as leases of the HTTP server's own registry, on a real Jetty with the
 * SDK's transport: a session shows up (owner {@code http}, only its id's first 8 characters), goes
 * away when deleted or swept, is a leak with the stack that started it once older than the
 * threshold (injected clock), and stop releases all of them. The transport's session map is read
 * as the pinned SDK keeps it; an SDK that changes it fails here first.
 */
class SessionLeasesTest {
  static final String TOKEN = SessionSweepTest.TOKEN;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final HttpServerTest.MutableClock clock = new HttpServerTest.MutableClock(T0);
  HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) server.shutdown();
  }

  HttpServer start(Duration idle) {
    server = HttpServer.builder().token(TOKEN).port(0).mcp("test", "1", List.of()).sessionIdle(idle).clock(clock)
        .build().start();
    return server;
  }

  HttpRequest.Builder request(String session) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.baseUrl() + HttpServer.MCP_PATH))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
        .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json");
    if (session != null) r.header("Mcp-Session-Id", session);
    return r;
  }

  String initialize() throws Exception {
    HttpResponse<String> init = client.send(request(null).POST(HttpRequest.BodyPublishers.ofString(SessionSweepTest.INIT)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, init.statusCode(), init.body());
    return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  List<LeaseInfo> open() {
    return server.sessionLeases().open();
  }

  @Test
  void sessionLeases_sessionStartedThenDeleted_leaseShownThenReleased() throws Exception {
    start(Duration.ofMinutes(30));
    assertTrue(open().isEmpty());
    String id = initialize();

    List<LeaseInfo> held = open();
    assertEquals(1, held.size(), held.toString());
    assertEquals("http", held.get(0).owner());
    assertEquals("MCP session " + id.substring(0, 8), held.get(0).what());
    assertFalse(held.toString().contains(id), "never the whole session id: " + held);

    HttpResponse<String> deleted = client.send(request(id).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertTrue(open().isEmpty(), "released once deleted: " + open());
    Leases.Stats stats = server.sessionLeases().stats();
    assertEquals(1, stats.acquired());
    assertEquals(1, stats.released());
  }

  @Test
  void leaks_sessionOlderThanThreshold_listedWithStartingStack() throws Exception {
    start(Duration.ofMinutes(30));
    String old = initialize();
    clock.set(T0.plus(Duration.ofMinutes(10)));
    String recent = initialize();

    List<LeaseInfo> leaks = server.sessionLeases().leaks(Duration.ofMinutes(5));
    assertEquals(1, leaks.size(), leaks.toString());
    LeaseInfo leak = leaks.get(0);
    assertEquals("MCP session " + old.substring(0, 8), leak.what());
    assertEquals(Duration.ofMinutes(10), leak.age());
    assertTrue(leak.stack().contains(SessionNotices.class.getName()), leak.stack());
    assertTrue(leak.stack().contains("doPost"), "the transport's request that started it: " + leak.stack());
    assertEquals(2, open().size());
    assertFalse(leaks.toString().contains(recent.substring(0, 8)));
  }

  @Test
  void shutdown_sessionsOpen_releasesAllAndSaysHowMany() throws Exception {
    start(Duration.ofMinutes(30));
    initialize();
    initialize();
    assertEquals(2, open().size());

    server.shutdown();

    assertTrue(open().isEmpty());
    assertEquals(2, server.sessionLeases().stats().released());
  }

  @Test
  @Timeout(60)
  void sessionLeases_idleSessionSwept_leaseReleased() throws Exception {
    start(SessionSweepTest.IDLE);
    initialize();
    assertEquals(1, open().size());
    // Reading the leases does not touch the session: poll the real registry until the sweep took it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!open().isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100); // spacing of polls of the real server's state, bounded by the deadline
    }
    assertTrue(open().isEmpty(), "the swept session's lease was released: " + open());
    assertEquals(1, server.sessionLeases().stats().released());
  }

  @Test
  void reconcile_sessionNotYetInTransport_keptUntilTheNextReconcile() {
    Set<String> live = new HashSet<>();
    SessionLeases leases = new SessionLeases(new Leases(clock), () -> live);
    leases.started("0123456789abcdef");
    assertEquals(1, leases.leases().open().size(), "the transport adds it just after the factory returns");
    assertTrue(leases.leases().open().isEmpty(), "never added (its initialize failed): released");

    leases.started("fedcba9876543210");
    live.add("fedcba9876543210");
    assertEquals(1, leases.leases().open().size());
    live.clear();
    assertTrue(leases.leases().open().isEmpty());
  }

  @Test
  void releasedMessage_twoSessions_countAndIdPrefixesOnly() {
    SessionLeases leases = new SessionLeases(new Leases(clock), () -> null);
    leases.started("aaaaaaaa-1111-2222-3333-444444444444");
    clock.set(T0.plusSeconds(90));
    leases.started("bbbbbbbb-1111-2222-3333-444444444444");
    assertEquals(2, leases.leases().open().size(), "without the transport's view nothing is released before stop");

    String message = SessionLeases.releasedMessage(leases.releaseAll());

    assertEquals("HTTP shutdown: released 2 MCP session lease(s): MCP session aaaaaaaa (90 s), MCP session bbbbbbbb (0 s)",
        message);
    assertTrue(leases.leases().open().isEmpty());
    assertEquals("HTTP shutdown: released 0 MCP session lease(s)", SessionLeases.releasedMessage(List.of()));
  }
}
