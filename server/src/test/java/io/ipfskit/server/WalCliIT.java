package io.ipfskit.server;

import static io.ipfskit.server.WalToolsIT.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code ipfs-kit wal ...} as a separate process next to a running server, and without one. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WalCliIT {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private Run cli(Path home, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    pb.environment().put("IPFS_KIT_HOME", home.toString());
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ipfs-kit " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void walCommands_whileServerOwnsLog_forwardToIt_andRepairRefuses() throws Exception {
    Path home = dir.resolve("home");
    String id;
    try (StdioClient server = StdioClient.start(home)) {
      server.initialize();
      JsonNode added = server.callTool("wal_add_operation", args("operation_type", "add", "params", Map.of("content", "cli")));
      id = added.path("structuredContent").path("operation_id").asString();
      server.callTool("wal_wait_for_operation", args("operation_id", id, "timeout", 30));

      Run status = cli(home, "wal", "status", "--json");
      assertEquals(0, status.exit(), status.err());
      JsonNode counts = StdioClient.JSON.readTree(status.out());
      assertEquals(1, counts.path("total").asLong(), status.out());
      assertEquals(1, counts.path("completed").asLong(), status.out());

      Run list = cli(home, "wal", "list", "completed");
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().contains(id), list.out());

      Run show = cli(home, "wal", "show", id);
      assertEquals(0, show.exit(), show.err());
      assertTrue(show.out().contains("\"operation_type\" : \"add\""), show.out());

      Run waited = cli(home, "wal", "wait", id, "--timeout", "5s");
      assertEquals(0, waited.exit(), waited.err());
      assertTrue(waited.out().startsWith(id + " completed bafkrei"), waited.out());

      Run missing = cli(home, "wal", "show", "no-such-id");
      assertEquals(1, missing.exit());
      assertEquals("ipfs-kit wal show: no operation with operation_id 'no-such-id'; list known ids with 'ipfs-kit wal list'\n",
          missing.err());

      Run repair = cli(home, "wal", "repair");
      assertEquals(1, repair.exit());
      assertTrue(repair.err().contains("owns the WAL") && repair.err().contains("stop it before repairing"), repair.err());

      Run report = cli(home, "wal", "report", "--output", dir.resolve("report").toString(), "--window", "1h");
      assertEquals(0, report.exit(), report.err());
      String html = Files.readString(dir.resolve("report/wal-report.html"));
      assertTrue(html.contains("<svg") && html.contains("Write-ahead log report"));

      assertTrue(server.isAlive(), "the CLI never disturbed the server");
      assertFalse(server.stderr().contains("released the WAL"), server.stderr());
    }

    Run offline = cli(home, "wal", "status", "--json");
    assertEquals(0, offline.exit(), offline.err());
    assertEquals(1, StdioClient.JSON.readTree(offline.out()).path("total").asLong(), "opened the log itself: " + offline.out());
    Run shownOffline = cli(home, "wal", "show", id);
    assertEquals(0, shownOffline.exit(), shownOffline.err());
    assertTrue(shownOffline.out().contains("\"status\" : \"completed\""), "live or archived, still there: " + shownOffline.out());
    Run repaired = cli(home, "wal", "repair");
    assertEquals(0, repaired.exit(), repaired.err());
  }
}
