package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

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
    assertTrue(r.err().contains("STATUS must be one of [pending, processing, completed, failed, retrying, cancelled], but was 'sleeping'"), r.err());
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

  /**
   * A crash image of a log with {@code n} operations in one segment (copied from a live log after
   * sync, so no checkpoint), with one bit flipped inside operation {@code n / 2}: damage in the
   * middle. Returns the damaged segment.
   */
  private Path crashImageWithMiddleDamage(int n) throws Exception {
    Path src = dir.resolve("src");
    Path walDir = dir.resolve("home/wal");
    Files.createDirectories(walDir);
    WalConfig config = WalConfig.defaults(src);
    try (WriteAheadLog wal = WriteAheadLog.openPaused(config,
        Map.of("local", LocalBlockStore.open(dir.resolve("blocks"))), Clock.systemUTC())) {
      for (int i = 0; i < n; i++) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("cid", "bafy-" + i);
        wal.add(new NewOperation(OperationType.PIN, "local", p));
      }
      wal.sync();
      try (var files = Files.list(config.directory())) {
        for (Path f : files.filter(f -> f.getFileName().toString().matches("segment-\\d{20}\\.wal")).toList())
          Files.copy(f, walDir.resolve(f.getFileName()));
      }
    }
    Path seg;
    try (var files = Files.list(walDir)) {
      seg = files.filter(f -> f.getFileName().toString().endsWith(".wal")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(seg);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    int pos = 0;
    for (int i = 0; i < n / 2; i++) pos += 8 + buf.getInt(pos); // frame = length, CRC32C, payload
    bytes[pos + 8 + 20] ^= 0x10;
    Files.write(seg, bytes);
    return seg;
  }

  @Test
  void repair_middleDamageWithoutFlag_exit1SaysWhatTheFlagWouldDropAndChangesNothing() throws Exception {
    Path seg = crashImageWithMiddleDamage(40);
    byte[] before = Files.readAllBytes(seg);
    Result r = run("wal", "repair");
    assertEquals(1, r.exit(), r.out());
    assertTrue(r.err().contains("damage in the middle of the log, not a torn tail: " + seg), r.err());
    assertTrue(r.err().contains("nothing was changed; `ipfs-kit wal repair --drop-after-damage` would keep .broken"
        + " copies, cut the log there and drop 19 acknowledged records written after the damage"), r.err());
    assertEquals("", r.out());
    assertArrayEquals(before, Files.readAllBytes(seg));
    assertTrue(Files.notExists(seg.resolveSibling(seg.getFileName() + ".broken")));
  }

  @Test
  void repair_middleDamageWithDropAfterDamage_cutsReportsTheDropAndTheLogOpens() throws Exception {
    Path seg = crashImageWithMiddleDamage(40);
    Result r = run("wal", "repair", "--drop-after-damage");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("cut "), r.out());
    assertTrue(r.out().contains("dropped 19 acknowledged records; the original is kept as " + seg.getFileName()
        + ".broken"), r.out());
    assertTrue(r.out().endsWith("acknowledged records dropped in total: 19" + System.lineSeparator()), r.out());
    Result status = run("wal", "status", "--json");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("\"total\" : 20"), "operations 0..19 survive: " + status.out());
    Result again = run("wal", "repair");
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().startsWith("nothing to repair in "), again.out());
  }

  @Test
  void repair_noOwner_reportsNothingToRepair() {
    run("wal", "status");  // creates the log
    Result r = run("wal", "repair");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("nothing to repair in "), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"retry", "cancel"})
  void transition_completedOperation_exitCodeFromTheErrorKind(String sub) throws Exception {
    String id;
    try (io.ipfskit.server.wal.SharedWal wal = io.ipfskit.server.wal.SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(dir.resolve("home")), null)) {
      var params = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("content", "done");
      id = wal.service().add(new io.ipfskit.core.wal.NewOperation(io.ipfskit.core.wal.OperationType.ADD, "local", params))
          .operationId();
      assertEquals(io.ipfskit.core.wal.OperationStatus.COMPLETED,
          wal.service().waitFor(id, java.time.Duration.ofSeconds(30)).status());
    }
    Result r = run("wal", sub, id);
    assertEquals(io.ipfskit.core.wal.WalException.Kind.ILLEGAL_TRANSITION.exitCode(), r.exit(), r.err());
    assertTrue(r.err().startsWith("ipfs-kit wal " + sub + ": ") && r.err().contains(id), r.err());
  }
}
