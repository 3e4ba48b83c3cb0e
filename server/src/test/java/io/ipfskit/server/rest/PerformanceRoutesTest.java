package io.ipfskit.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.LeaseInfo;
import io.ipfskit.core.resilience.Leases;
import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.storage.PoolStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code /api/performance/*} routes over real HTTP (Jetty on 127.0.0.1:0) on fixed figures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerformanceRoutesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final List<Duration> asked = new ArrayList<>();
  private Server jetty;
  private URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Instant t = Instant.parse("2026-12-04T12:00:00Z");
    RestApi api = new RestApi(() -> { throw new IllegalStateException("no WAL in this test"); }, () -> null, threshold -> {
      synchronized (asked) {
        asked.add(threshold);
      }
      return new PerformanceReport.Sources(List.of(), null, Map.of(),
          List.of(new PoolStats("ipfs", 16, 16, 0, 5, 100, 3, 80, 2, "test")), List.of(), Map.of(), -1,
          new Leases.Stats(1, 4, 3, Duration.ofMinutes(10)),
          List.of(new LeaseInfo(7, "ipfs", "get bafk stream", t, Duration.ofMinutes(10), "at x.Y.z(Y.java:1)\n")));
    });
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(api), RestApi.PATH_SPEC);
    jetty.setHandler(context);
    jetty.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  void stop() throws Exception {
    jetty.stop();
  }

  private record Answer(int status, JsonNode body) {}

  private Answer get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), JSON.readTree(r.body()));
  }

  @Test
  void report_default_wholeReportWithAdvice() throws Exception {
    Answer a = get("/api/performance/report");
    assertEquals(200, a.status(), a.body().toString());
    assertEquals(16, a.body().path("pools").path(0).path("stats").path("max").asInt());
    assertTrue(a.body().path("recommendations").size() >= 2, a.body().toString());
  }

  @Test
  void slices_eachAnswersItsPart() throws Exception {
    assertEquals(1, get("/api/performance/pools/metrics").body().path("pools").size());
    assertEquals("pool", get("/api/performance/pools/recommendations").body().path("recommendations").path(0)
        .path("area").asString());
    assertEquals(0, get("/api/performance/cache/metrics").body().path("caches").size());
    assertEquals(0, get("/api/performance/cache/recommendations").body().path("recommendations").size());
    assertEquals(1, get("/api/performance/resources/stats").body().path("leases").path("open").asInt());
  }

  @Test
  void leaks_maxLifetime_passedAsTheThreshold() throws Exception {
    Answer a = get("/api/performance/resources/leaks?max_lifetime_seconds=60");
    assertEquals(200, a.status());
    assertEquals("get bafk stream", a.body().path("leaks").path(0).path("what").asString());
    synchronized (asked) {
      assertEquals(Duration.ofSeconds(60), asked.get(asked.size() - 1));
    }
  }

  @Test
  void leaks_negativeMaxLifetime_400NamingTheParameter() throws Exception {
    Answer a = get("/api/performance/resources/leaks?max_lifetime_seconds=-5");
    assertEquals(400, a.status(), a.body().toString());
    assertTrue(a.body().toString().contains("max_lifetime_seconds"), a.body().toString());
  }

  @Test
  void openApi_listsThePerformancePaths() throws Exception {
    JsonNode paths = get("/api/openapi.json").body().path("paths");
    for (String p : List.of("/api/performance/report", "/api/performance/cache/metrics",
        "/api/performance/cache/recommendations", "/api/performance/pools/metrics",
        "/api/performance/pools/recommendations", "/api/performance/resources/stats", "/api/performance/resources/leaks"))
      assertTrue(paths.has(p), p + " in " + paths.propertyNames());
  }
}
