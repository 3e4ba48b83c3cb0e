package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ipfs-kit bench stdio} from the packaged jar, kept small: the bench is run by hand for
 * figures, this only keeps it working. The TypeScript side needs node, npm and (once) the npm
 * registry, so these runs use {@code --no-ts}; the reference server's absence is checked instead.
 */
@Timeout(300)
class BenchStdioIT {

  @TempDir Path temp;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void benchStdio_smallRun_printsColdStartAndCallTables() throws Exception {
    Run run = run("bench", "stdio", "--no-ts", "--runs", "1", "--rounds", "1", "--calls", "100", "--warmup", "20");
    assertEquals(0, run.exit(), run.stderr());
    assertTrue(run.stdout().contains("| ipfs-kit, java -jar ipfs-kit.jar |"), run.stdout());
    assertTrue(run.stdout().contains("| ipfs-kit, java -jar ipfs-kit.jar (`secrets_statistics`) |"), run.stdout());
    assertTrue(run.stdout().contains("load average"), run.stdout());
  }

  @Test
  void benchStdio_jfr_printsWhereTheSamplesWent() throws Exception {
    Path recording = temp.resolve("stdio.jfr");
    Run run = run("bench", "stdio", "--jfr", recording.toString(), "--rounds", "1", "--calls", "2000", "--warmup", "20");
    assertEquals(0, run.exit(), run.stderr());
    assertTrue(Files.size(recording) > 0);
    assertTrue(run.stdout().contains("execution samples of the server during the timed loop"), run.stdout());
    assertTrue(run.stdout().contains("| area | self"), run.stdout());
  }

  @Test
  void benchStdio_tsServerDirectoryWithoutItsFiles_failsNamingTheMissingFile() throws Exception {
    Path empty = Files.createDirectories(temp.resolve("no-ts-server"));
    Run run = run("bench", "stdio", "--ts-server", empty.toString(), "--runs", "1", "--rounds", "1", "--calls", "100");
    assertNotEquals(0, run.exit());
    assertTrue(run.stderr().contains("lacks package.json"), run.stderr());
  }

  private Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    Path out = Files.createTempFile(temp, "stdout", ".txt");
    Path err = Files.createTempFile(temp, "stderr", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    process.getOutputStream().close();
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("ipfs-kit " + String.join(" ", args) + " did not finish within 240 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
