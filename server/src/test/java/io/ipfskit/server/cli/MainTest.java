package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command tree, run in-process (the packaged jar is exercised by CliIT). */
class MainTest {

  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return runWithStdin("", args);
  }

  private int runWithStdin(String stdin, String... args) {
    out.reset();
    err.reset();
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString()), temp,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return Main.run(context, args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "secrets", "secrets list", "secrets store", "secrets get", "secrets migrate",
      "secrets change-password", "secrets audit", "bench", "bench secrets", "bench stdio", "manifest"})
  void help_everyCommand_printsItsUsageAndExitsZero(String command) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    assertEquals(0, run(args.toArray(String[]::new)), err.toString());
    assertTrue(out.toString().startsWith("Usage: ipfs-kit" + (command.isEmpty() ? "" : " " + command)), out.toString());
  }

  @Test
  void serve_typoKey_exitsTwoBeforeServingAnything() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString(),
        "IPFS_KIT_WAL_FSYNC_MOD", "always"), temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "serve"));
    assertEquals("", out.toString());
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_WAL_FSYNC_MOD (from environment): unknown setting;"
        + " did you mean IPFS_KIT_WAL_FSYNC_MODE? (every setting is listed in README, Configuration)", err.toString().strip());
  }

  @Test
  void serve_breakerValueOutOfBounds_exitsTwoNamingKeyAndRuleNotValue() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString(),
        "IPFS_KIT_BREAKER_WAIT_IN_OPEN", "-7"), temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "serve"));
    assertEquals("", out.toString());
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_BREAKER_WAIT_IN_OPEN (from environment): must be a number of seconds"
        + " from 0.001 to 3600",
        err.toString().strip());
  }

  @Test
  void breakers_noServerRunning_listsTheLocalBreakerClosed() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString()), temp,
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, Main.run(context, "breakers"), err::toString);
    String[] lines = out.toString().strip().split("\n");
    assertEquals(2, lines.length, out::toString);
    assertTrue(lines[0].startsWith("BREAKER"), lines[0]);
    assertTrue(lines[1].matches("local +closed +- +- +0 +100% +-"), lines[1]);
  }

  @Test
  void breakers_unknownName_exitsTwoNamingTheKnownOnes() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString()), temp,
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "breakers", "nosuch"));
    assertEquals("ipfs-kit breakers: breaker must be one of [local]", err.toString().strip());
  }

  @Test
  void serve_allowedRootInsideHome_exitsTwoNamingKeyAndSource() {
    Path home = temp.resolve("home");
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", home.toString(),
        "IPFS_KIT_ALLOWED_ROOTS", home.resolve("wal").toString()), temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "serve"));
    assertEquals("", out.toString());
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_ALLOWED_ROOTS (from environment): entry 1 of 1 lies "
        + "inside IPFS_KIT_HOME, which tools may never reach; allow a folder outside the home", err.toString().strip());
  }

  @Test
  void walStatus_invalidValue_exitsTwoNamingKeyAndSource() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString(),
        "IPFS_KIT_WAL_MAX_RETRIES", "1000"), temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "wal", "status"));
    assertEquals("ipfs-kit wal status: IPFS_KIT_WAL_MAX_RETRIES (from environment): must be an integer from 0 to 100",
        err.toString().strip());
  }

  @Test
  void noCommand_exitsTwoSuggestingServe() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("Missing command: try 'ipfs-kit serve' or 'ipfs-kit --help'"), err.toString());
  }

  @Test
  void secretsAudit_limitZero_isAUsageErrorNamingTheOption() {
    assertEquals(2, run("secrets", "audit", "--limit", "0"));
    assertEquals("ipfs-kit secrets audit: --limit must be >= 1, but was 0" + System.lineSeparator()
        + "Try 'ipfs-kit secrets audit --help' for more information.", err.toString().strip());
  }

  @Test
  void changePassword_emptyStdin_usageErrorWithoutTouchingTheVault() {
    assertEquals(2, run("secrets", "change-password"));
    assertTrue(err.toString().startsWith("ipfs-kit secrets change-password: the new password from stdin is empty"),
        err.toString());
  }

  @Test
  void manifest_withoutWrite_printsTheToolListAsJson() {
    assertEquals(0, run("manifest"));
    assertTrue(out.toString().startsWith("{\n  \"tools\" : [ {\n    \"name\" : \"secrets_store\""), out.toString());
  }

  @Test
  void serveCheck_freshHome_oneOkLinePerCheckAndExitZero() {
    assertEquals(0, run("serve", "--check"), err.toString());
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("ok   config: defaults and environment; home "), lines.get(0));
    assertTrue(lines.get(1).startsWith("ok   vault: unlocked with the key file "), lines.get(1));
    assertTrue(lines.get(2).startsWith("ok   wal: opened and recovered "), lines.get(2));
    assertTrue(lines.get(3).startsWith("ok   backend local: healthy: "), lines.get(3));
  }

  @Test
  void serveCheck_badSetting_failLineNamingTheSettingAndExitTwo() {
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString(),
        "IPFS_KIT_CONTENT_MAX_BYTES", "-1"), temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, Main.run(context, "serve", "--check"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAIL config: IPFS_KIT_CONTENT_MAX_BYTES (from environment)"),
        out.toString(StandardCharsets.UTF_8));
  }
}
