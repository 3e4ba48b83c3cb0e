package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.JsIpfsNode;
import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ipfs-kit bench resilience --quick} from the packaged jar against a real js-ipfs node: the
 * bench is run by hand for figures; this keeps it working. It checks the tables' shape and the counts
 * that do not depend on timing (every queued add completed and pinned on the node on both sides; the
 * side without the layer refuses nothing; under faults every WAL add completes or spends all its
 * retries), never a time.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BenchResilienceIT {

  @TempDir Path temp;

  @Test
  void benchResilience_quickRunAgainstANode_printsEveryTableWithConsistentCounts() throws Exception {
    String stdout;
    try (JsIpfsNode node = JsIpfsNode.start(temp.resolve("node"))) {
      List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString(),
          "bench", "resilience", "--quick", "--ipfs-api", node.api().toString()));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
      builder.environment().put("IPFS_KIT_HOME", temp.resolve("home").toString());
      Path out = temp.resolve("stdout.txt");
      Path err = temp.resolve("stderr.txt");
      Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(8, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("bench resilience --quick did not finish within 8 minutes");
      }
      stdout = Files.readString(out);
      assertEquals(0, p.exitValue(), stdout + Files.readString(err));
    }
    assertTrue(stdout.contains("# Resilience benchmark (quick)"), stdout);
    assertTrue(stdout.contains("load average"), stdout);

    assertTrue(row(stdout, "| WAL add → completed | bare (`openUnprotected`)").length == 5, stdout);
    assertTrue(row(stdout, "| WAL add → completed | behind the layer").length == 5, stdout);
    assertTrue(row(stdout, "| WAL add → completed | bare again (A/A control)").length == 5, stdout);

    // side | made | reached | refused | share | connections | caller | first | all | completed | failed | pinned
    String[] bare = row(stdout, "| without the layer |");
    String[] layer = row(stdout, "| with the layer |");
    assertEquals("0", bare[3], "nothing refuses calls without the layer: " + stdout);
    assertEquals(Long.parseLong(bare[1]), Long.parseLong(bare[2]), "every call reached the dead backend: " + stdout);
    assertEquals(Long.parseLong(layer[1]), Long.parseLong(layer[2]) + Long.parseLong(layer[3]), stdout);
    for (String[] side : List.of(bare, layer)) {
      assertTrue(Long.parseLong(side[1]) > 0, "calls were made during the outage: " + stdout);
      assertEquals(List.of("5", "0", "5"), List.of(side[9], side[10], side[11]), "completed, failed, pinned: " + stdout);
    }

    for (String fault : List.of("network blip", "transient error (HTTP 503)", "rate limiting (HTTP 429)")) {
      String[] f = row(stdout, "| " + fault);
      assertTrue(Integer.parseInt(f[7]) > 0, "the proxy faulted requests: " + stdout);
      // Through the WAL an add completes, or fails only once it spent every retry on retryable errors (a
      // finite max_retries: rare, 1 in 150 adds in one full run); never lost, never failed at once.
      int completed = Integer.parseInt(f[4].replaceAll(".*\\((\\d+)/5\\)", "$1"));
      long gaveUp = stdout.lines().filter(l -> l.startsWith("- WAL add not completed: " + fault)
          && l.contains(": FAILED after 5 retries: ")).count();
      assertEquals(5, completed + gaveUp, "every WAL add completed or spent all its retries: " + stdout);
      assertTrue(completed > 0, stdout);
    }

    assertTrue(row(stdout, "| pooled (HttpClient 5 pool").length == 4, stdout);
    assertTrue(row(stdout, "| unpooled (new TCP connection per request)").length == 4, stdout);
  }

  /** The cells (trimmed) of the one table row starting with {@code start}. */
  private static String[] row(String stdout, String start) {
    List<String> rows = stdout.lines().filter(l -> l.startsWith(start)).toList();
    assertEquals(1, rows.size(), "one row starting with '" + start + "' in:\n" + stdout);
    String line = rows.get(0);
    return Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::trim).toArray(String[]::new);
  }
}
