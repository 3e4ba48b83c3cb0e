package io.ipfskit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.ChildProcess;
import io.ipfskit.server.testing.NodeScripts;
import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real browser: headless Debian Chromium ({@code /usr/bin/chromium}; {@code .ci/run}
 * installs it) driven by playwright-core ({@code src/test/node/browser/dashboard-e2e.mjs}) against the
 * packaged server in HTTP mode. The script reports what it saw as one JSON line; this class asserts.
 * Screenshots land in {@code target/dashboard-e2e/}.
 */
class DashboardBrowserIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SHOTS = Path.of("target/dashboard-e2e").toAbsolutePath();

  @TempDir static Path temp;
  static ChildProcess server;
  static String token;
  static String base;

  @BeforeAll
  static void startServer() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM),
        "the browser test needs Debian's Chromium at " + CHROMIUM + ": apt-get install -y chromium (.ci/run installs it)");
    Files.createDirectories(SHOTS);
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    token = HexFormat.of().formatHex(raw);
    int port = ChildProcess.freePort();
    base = "http://127.0.0.1:" + port + "/";
    Path home = Files.createDirectories(temp.resolve("home"));
    server = ChildProcess.start("ipfs-kit-http",
        List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString(), "serve", "--http", "--port", String.valueOf(port)),
        temp, Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_HTTP_TOKEN", token), temp.resolve("server.log"));
    server.awaitPort(port, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  static JsonNode tour(String mode, String withToken) throws Exception {
    String plan = JSON.writeValueAsString(Map.of("base", base, "token", withToken, "shots", SHOTS.toString(), "mode", mode));
    List<String> lines = NodeScripts.run("browser", "dashboard-e2e.mjs", List.of(plan), 240);
    assertFalse(lines.isEmpty(), "dashboard-e2e.mjs printed nothing; server log: " + server.logTail());
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  static JsonNode step(JsonNode out, String name) {
    for (JsonNode s : out.get("steps"))
      if (s.get("name").asString().equals(name)) return s;
    throw new AssertionError("no step " + name + " in " + out);
  }

  @Test
  @Timeout(300)
  void dashboard_fullTour_storesRotatesQueuesAndShowsHealthWithoutLeaking() throws Exception {
    JsonNode out = tour("full", token);
    assertTrue(out.get("ok").asBoolean(), () -> "the tour failed (see target/dashboard-e2e/dashboard-failure.png): " + out);

    JsonNode open = step(out, "open");
    assertEquals(base, open.get("url").asString(), "the token leaves the address bar once read");
    assertTrue(open.get("conn").asString().startsWith("connected"), open.toString());

    JsonNode store = step(out, "store");
    assertTrue(store.get("rowText").asString().contains("token"), "the new secret is listed with its type: " + store);
    assertTrue(store.get("secretId").asString().matches("[0-9a-f]{16}"), store.toString());
    assertFalse(store.get("valueOnPage").asBoolean(), "the stored value is nowhere on the page");
    assertTrue(store.get("valueFieldEmpty").asBoolean(), "the value field is cleared once stored");

    JsonNode rotate = step(out, "rotate");
    assertTrue(rotate.get("rowText").asString().contains("v2"), "rotation shows version 2: " + rotate);
    assertFalse(rotate.get("oldValueOnPage").asBoolean());
    assertFalse(rotate.get("newValueOnPage").asBoolean());

    JsonNode reveal = step(out, "reveal");
    assertTrue(reveal.get("revealed").asBoolean(), "Reveal shows the current (rotated) value");
    assertFalse(reveal.get("valueOnPageAfterHide").asBoolean(), "Hide takes the value off the page");

    JsonNode refused = step(out, "refusedValue");
    assertTrue(refused.get("message").asString().contains("secret_value of type api_key must be 10 to 256 characters long"),
        "a tool error is shown as the tool's own message: " + refused);
    assertFalse(refused.get("echoesValue").asBoolean(), "the refused value is not echoed");

    assertTrue(step(out, "delete").get("question").asString().contains("cannot be undone"), "delete asks first");

    JsonNode wal = step(out, "walAdd");
    assertEquals("completed", wal.get("rowStatus").asString(), wal.toString());
    assertTrue(wal.get("cid").asString().startsWith("baf"), "the completed add shows its CID: " + wal);
    assertTrue(step(out, "walFilter").get("completedRows").asInt() >= 1);

    JsonNode backends = step(out, "backends");
    assertEquals("local", backends.get("backend").asString(), backends.toString());
    assertEquals("healthy", backends.get("health").asString(), "backend_health's state for local: " + backends);
    assertTrue(backends.get("notConfigured").asInt() >= 1, "backends this server does not run are listed as such: " + backends);
    assertTrue(backends.get("historyCells").asInt() >= 1, "local's probe history is drawn: " + backends);
    assertEquals("healthy", backends.get("historyStates").get(backends.get("historyCells").asInt() - 1).asString(), backends.toString());
    assertEquals(1, backends.get("latencyChart").asInt(), "a latency chart beside the history: " + backends);
    JsonNode local = null;
    for (JsonNode b : backends.get("breakers")) if (b.get("name").asString().equals("local")) local = b;
    assertTrue(local != null && local.get("state").asString().equals("closed"), "local's breaker is listed closed: " + backends);
    assertTrue(backends.get("breakerText").asString().contains("full traffic"), "the ramp column: " + backends);

    JsonNode forced = step(out, "breakerForceOpen");
    assertTrue(forced.get("question").asString().startsWith("Force the breaker \"local\" open?"), "force open asks first: " + forced);
    assertEquals("forced_open", forced.get("state").asString(), forced.toString());
    assertTrue(forced.get("rowText").asString().contains("forced open"), forced.toString());

    JsonNode perf = step(out, "performance");
    assertTrue(perf.get("recommendation").asString().contains("FORCED_OPEN"),
        "the report's warning about the forced-open breaker is shown: " + perf);
    assertEquals(2, perf.get("scoreCards").asInt(), "pool and cache scores: " + perf);
    assertTrue(perf.get("scores").asString().contains("WAL append p99"), perf.toString());
    for (String section : List.of("Recommendations", "Connection pools", "Caches", "Leased resources and leaks"))
      assertTrue(perf.get("sections").toString().contains(section), section + " in " + perf);

    JsonNode perfError = step(out, "perfToolError");
    assertTrue(perfError.get("message").asString().contains("leak_threshold_seconds must be an integer within 0..604800, but was -5"),
        "a tool error is shown as the tool's own message: " + perfError);

    JsonNode reset = step(out, "breakerReset");
    assertTrue(reset.get("question").asString().startsWith("Reset the breaker \"local\"?"), reset.toString());
    assertEquals("closed", reset.get("state").asString(), reset.toString());

    JsonNode narrowViews = step(out, "narrowBackends");
    for (String view : List.of("backends", "performance")) {
      JsonNode w = narrowViews.get(view);
      assertTrue(w.get("scrollWidth").asInt() <= w.get("innerWidth").asInt(), "no sideways scrolling of " + view + " at 390 px: " + w);
    }

    for (String asset : List.of("/app.js", "/style.css")) {
      assertEquals("gzip", out.get("assets").path(asset).path("encoding").asString(null),
          asset + " reaches the browser as its gzip twin: " + out.get("assets"));
    }

    JsonNode narrow = step(out, "narrow");
    assertTrue(narrow.get("scrollWidth").asInt() <= narrow.get("innerWidth").asInt(),
        "no sideways scrolling of the page at 390 px: " + narrow);

    JsonNode storage = step(out, "storage");
    assertEquals(0, storage.get("local").size(), "nothing in localStorage: " + storage);
    assertEquals(0, storage.get("session").size(), "nothing in sessionStorage: " + storage);
    assertEquals(0, storage.get("cookies").asInt(), "no cookies: " + storage);

    List<String> problems = new ArrayList<>();
    for (JsonNode m : out.get("console")) {
      String type = m.get("type").asString();
      if (type.equals("error") || type.equals("warning")) problems.add(type + ": " + m.get("text").asString());
    }
    assertEquals(List.of(), problems, "the page logs no console errors or warnings");
    assertEquals(0, out.get("pageErrors").size(), "no uncaught exceptions: " + out.get("pageErrors"));
    assertFalse(out.get("consoleHoldsSecret").asBoolean(), "no secret or token in the console");

    String log = Files.readString(temp.resolve("server.log"), UTF_8);
    for (JsonNode v : out.get("secretValues"))
      assertFalse(log.contains(v.asString()), "the server log holds no secret value");
  }

  @Test
  @Timeout(300)
  void dashboard_wrongToken_saysSoAndAsksForTheToken() throws Exception {
    JsonNode out = tour("refused", "not-the-token-" + "x".repeat(20));
    assertTrue(out.get("ok").asBoolean(), out::toString);
    JsonNode open = step(out, "open");
    assertTrue(open.get("message").asString().startsWith("The server did not accept the token (HTTP 401)."), open.toString());
    assertEquals("token refused", open.get("conn").asString());
    assertEquals(0, out.get("pageErrors").size(), out.get("pageErrors").toString());
  }
}
