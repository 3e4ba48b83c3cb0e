package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ipfs-kit report performance} in-process through {@link Main#run}, on a home no server owns and
 * on one a server (here a {@link io.ipfskit.server.KitHome} in this JVM, over the real owner socket) owns.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportCommandTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  private Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", dir.resolve("home").toString()), dir,
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = Main.run(context, args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void performanceJson_freshHome_reportWithWalFiguresAndNoAdvice() throws Exception {
    Result r = run("report", "performance", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode report = JsonMapper.builder().build().readTree(r.out());
    assertTrue(report.has("generated_at"), r.out());
    assertTrue(report.path("wal_append_p99_micros").isNumber(), r.out());
    assertEquals(0, report.path("recommendations").size(), r.out());
    assertEquals(-1.0, report.path("scores").path("caches").asDouble());
  }

  @Test
  void performanceJson_serverOwnsTheWal_showsTheServersLiveCache() throws Exception {
    Map<String, String> env = Map.of("IPFS_KIT_HOME", dir.resolve("home").toString());
    try (io.ipfskit.server.KitHome server = io.ipfskit.server.KitHome.open(io.ipfskit.server.KitConfig.load(env, dir))) {
      io.ipfskit.core.storage.StorageBackend local = server.wal().ownedRegistry().orElseThrow().get("local");
      String cid = local.add(new ByteArrayInputStream("read twice".getBytes(StandardCharsets.UTF_8))).cid();
      for (int i = 0; i < 3; i++) local.get(cid, new ByteArrayOutputStream());

      Result r = run("report", "performance", "--json");

      assertEquals(0, r.exit(), r.err());
      JsonNode caches = JsonMapper.builder().build().readTree(r.out()).path("caches");
      assertEquals(1, caches.size(), r.out());
      assertEquals("content", caches.get(0).path("stats").path("cache").asString());
      assertEquals(2, caches.get(0).path("stats").path("hits").asInt(), "the server's hits, asked over its socket: " + r.out());
      assertTrue(server.wal().isOwner(), "the command forwarded, it did not take the log over");
    }
  }

  @Test
  void performance_badLeakThreshold_usageErrorNamingTheOption() {
    Result r = run("report", "performance", "--leak-threshold", "soon");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("ipfs-kit report performance: --leak-threshold"), r.err());
  }
}
