package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ipfs-kit wal ...} in-process through {@link Main#run}, on a home no server owns. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalCommandTest {
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

  @ParameterizedTest
  @ValueSource(strings = {"status", "list", "show", "wait", "retry", "cancel", "cleanup", "health", "repair", "report"})
  void help_everySubcommand_usageOnStdout(String sub) {
    Result r = run("wal", sub, "--help");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("Usage: ipfs-kit wal " + sub), r.out());
  }

  @Test
  void benchWalHelp_documented() {
    Result r = run("bench", "wal", "--help");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("--quick"), r.out());
  }

  @Test
  void status_noServer_opensLogItselfAndCountsZero() {
    Result r = run("wal", "status", "--json");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"total\" : 0"), r.out());
  }

  @Test
  void show_unknownId_exit1WithOneLineMessage() {
    Result r = run("wal", "show", "nope");
    assertEquals(1, r.exit());
    assertEquals("ipfs-kit wal show: no operation with operation_id 'nope'; list known ids with 'ipfs-kit wal list'"
        + System.lineSeparator(), r.err());
  }

  @Test
  void list_badStatus_usageErrorNamingTheAllowedValues() {
    Result r = run("wal", "list", "sleeping");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("status must be one of [pending, processing, completed, failed, retrying, cancelled], but was 'sleeping'"), r.err());
  }

  @Test
  void wait_badTimeout_usageErrorWithoutOpeningTheLog() {
    Result r = run("wal", "wait", "some-id", "--timeout", "soon");
    assertEquals(2, r.exit());
    assertEquals("ipfs-kit wal wait: --timeout must be a positive duration like 30s, 5m, 24h or 7d, but was 'soon'"
        + System.lineSeparator(), r.err());
    assertTrue(Files.notExists(dir.resolve("home/wal")), "a usage error opens nothing");
  }

  @Test
  void report_emptyLog_writesSelfContainedPage() throws Exception {
    Result r = run("wal", "report", "--output", dir.resolve("out").toString());
    assertEquals(0, r.exit(), r.err());
    String html = Files.readString(dir.resolve("out/wal-report.html"));
    assertTrue(html.contains("no completed operations in the window"));
  }

  @Test
  void repair_noOwner_reportsNothingToRepair() {
    run("wal", "status");  // creates the log
    Result r = run("wal", "repair");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("nothing to repair in "), r.out());
  }
}
