package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ipfs-kit bench http} from the packaged jar, kept small ({@code --no-ts}, a few calls): the
 * bench is run by hand for figures; this keeps it working (server start with a token, sessions at
 * two concurrency levels, the table).
 */
@Timeout(300)
class BenchHttpIT {

  @TempDir Path temp;

  @Test
  void benchHttp_smallRun_printsTheTableForEachConcurrencyLevel() throws Exception {
    List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString(),
        "bench", "http", "--no-ts", "--rounds", "1", "--calls", "32", "--warmup", "16", "--clients", "1,4"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    Path out = temp.resolve("stdout.txt");
    Path err = temp.resolve("stderr.txt");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("bench http did not finish within 240 s");
    }
    String stdout = Files.readString(out);
    assertEquals(0, p.exitValue(), Files.readString(err));
    assertTrue(stdout.contains("| ipfs-kit, java -jar ipfs-kit.jar (`secrets_statistics`) | 1 |"), stdout);
    assertTrue(stdout.contains("| ipfs-kit, java -jar ipfs-kit.jar (`secrets_statistics`) | 4 |"), stdout);
    assertTrue(stdout.contains("load average"), stdout);
  }
}
