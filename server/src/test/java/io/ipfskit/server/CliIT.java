package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ipfs-kit command line, run as a child process from the packaged jar. */
@Timeout(180)
class CliIT {

  @TempDir Path temp;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void version_printsTheManifestVersion() throws Exception {
    Run run = run(Map.of(), "--version");
    assertEquals(0, run.exit(), run.stderr());
    assertTrue(run.stdout().matches("ipfs-kit \\d+\\.\\d+\\.\\d+.*\\R"), run.stdout());
    assertFalse(run.stdout().contains(Version.UNPACKAGED), run.stdout());
  }

  @Test
  void serve_unknownTransport_exitsTwoNamingTheChoices() throws Exception {
    Run run = run(Map.of(), "serve", "--transport", "carrier-pigeon");
    assertEquals(2, run.exit());
    assertTrue(run.stderr().contains("--transport"), run.stderr());
    assertTrue(run.stderr().contains("stdio"), run.stderr());
  }

  @Test
  void anyCommand_relativeHome_failsFastWithExitTwo() throws Exception {
    Run run = run(Map.of("IPFS_KIT_HOME", "relative/home"), "secrets", "list");
    assertEquals(2, run.exit());
    assertEquals("ipfs-kit secrets list: configuration error: IPFS_KIT_HOME (from environment): must be an absolute path",
        run.stderr().strip());
  }

  @Test
  void configFile_unknownKey_failsFastNamingFileAndKey() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("config.properties"), "kdf=argon2id\n");
    Run run = run(Map.of("IPFS_KIT_HOME", home.toString()), "secrets", "list");
    assertEquals(2, run.exit());
    assertTrue(run.stderr().contains(home.resolve("config.properties") + ": key 'kdf' is not an ipfs-kit setting"),
        run.stderr());
  }

  @Test
  void secretsListAndMigrate_storeWrittenOverMcp_showMetadataAndNoValues() throws Exception {
    Path home = temp.resolve("home");
    try (StdioClient client = StdioClient.start(home)) {
      client.initialize();
      client.callTool("secrets_store", Map.of("service", "cli-test", "secret_value", "cli-api-key-000001"));
    }
    Run list = run(Map.of("IPFS_KIT_HOME", home.toString()), "secrets", "list");
    assertEquals(0, list.exit(), list.stderr());
    assertTrue(list.stdout().contains("cli-test"), list.stdout());
    assertTrue(list.stdout().contains("1 secret(s)"), list.stdout());
    assertFalse(list.stdout().contains("cli-api-key-000001"));

    Run dryRun = run(Map.of("IPFS_KIT_HOME", home.toString()), "secrets", "migrate", "--dry-run");
    assertEquals(0, dryRun.exit(), dryRun.stderr());
    assertTrue(dryRun.stdout().startsWith("dry run: 0 migrated, 1 already current, 0 error(s), 1 total"), dryRun.stdout());
  }

  @Test
  void secretsAuditVerify_intactThenEditedLog_exitsZeroThenOneNamingTheLine() throws Exception {
    Path home = temp.resolve("home");
    try (StdioClient client = StdioClient.start(home)) {
      client.initialize();
      client.callTool("secrets_store", Map.of("service", "audit-a", "secret_value", "audit-api-key-00001"));
      client.callTool("secrets_store", Map.of("service", "audit-b", "secret_value", "audit-api-key-00002"));
    }
    Map<String, String> env = Map.of("IPFS_KIT_HOME", home.toString());
    Run intact = run(env, "secrets", "audit", "--verify");
    assertEquals(0, intact.exit(), intact.stdout() + intact.stderr());

    Path log = home.resolve("secrets").resolve("audit.log");
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(text.contains("audit-a"), text);
    Files.writeString(log, text.replaceFirst("audit-a", "audit-x"), StandardCharsets.UTF_8);
    Run edited = run(env, "secrets", "audit", "--verify");
    assertEquals(1, edited.exit(), edited.stdout() + edited.stderr());
    assertTrue(edited.stderr().contains("audit log INVALID"), edited.stderr());
    assertTrue(edited.stderr().contains("line"), edited.stderr());
  }

  @Test
  void changePassword_fromFile_newPasswordOpensTheVaultAndTheOldOneNoLonger() throws Exception {
    Path home = temp.resolve("home");
    try (StdioClient client = StdioClient.start(home, Map.of("IPFS_KIT_MASTER_PASSWORD", "old-password-1"))) {
      client.initialize();
      client.callTool("secrets_store", Map.of("service", "pw-test", "secret_value", "pw-api-key-0000001"));
    }
    Path newPassword = Files.writeString(temp.resolve("new-password"), "new-password-2\n");
    Map<String, String> oldEnv = Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD", "old-password-1");
    Run changed = run(oldEnv, "secrets", "change-password", "--new-password-file", newPassword.toString());
    assertEquals(0, changed.exit(), changed.stderr());
    assertFalse(changed.stdout().contains("new-password-2"));

    Run withNew = run(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD_FILE", newPassword.toString()),
        "secrets", "list");
    assertEquals(0, withNew.exit(), withNew.stderr());
    assertTrue(withNew.stdout().contains("pw-test"), withNew.stdout());

    Run withOld = run(oldEnv, "secrets", "list");
    assertEquals(1, withOld.exit(), withOld.stdout());
    assertTrue(withOld.stderr().contains("wrong master password"), withOld.stderr());
    assertFalse(withOld.stderr().contains("old-password-1"), withOld.stderr());
  }

  @Test
  void secretsStoreThenGet_valueOnStdin_roundTripsAndNeverReachesArgvOrStderr() throws Exception {
    Path home = temp.resolve("home");
    Map<String, String> env = Map.of("IPFS_KIT_HOME", home.toString());
    String value = "sk-operator-typed-0000001";
    Run stored = run(value + "\n", env, "secrets", "store", "--service", "openai", "--type", "api_key");
    assertEquals(0, stored.exit(), stored.stderr());
    assertTrue(stored.stdout().matches("[0-9a-f]{16}\\R"), stored.stdout());
    assertFalse(stored.stderr().contains(value), stored.stderr());

    Run got = run(env, "secrets", "get", stored.stdout().strip());
    assertEquals(0, got.exit(), got.stderr());
    assertEquals(value + System.lineSeparator(), got.stdout());
    assertFalse(got.stderr().contains(value), got.stderr());

    // The MCP side reads what the operator stored.
    try (StdioClient client = StdioClient.start(home)) {
      client.initialize();
      JsonNode retrieved = client.callTool("secrets_retrieve", Map.of("secret_id", stored.stdout().strip()));
      assertEquals(value, retrieved.path("structuredContent").path("secret_value").asString());
    }
  }

  @Test
  void secretsStore_valueTypedAsAnArgument_refusedWithoutEchoingIt() throws Exception {
    Map<String, String> env = Map.of("IPFS_KIT_HOME", temp.resolve("home").toString());
    Run run = run("", env, "secrets", "store", "--service", "openai", "sk-typed-in-argv-00001");
    assertEquals(2, run.exit());
    assertFalse(run.stderr().contains("sk-typed-in-argv-00001"), run.stderr());
    assertTrue(run.stderr().contains("never from the command line. Nothing was stored."), run.stderr());
    assertEquals("", run.stdout());
  }

  @Test
  void exitCodes_perReadme_okFailureUsage() throws Exception {
    Map<String, String> env = Map.of("IPFS_KIT_HOME", temp.resolve("home").toString());
    assertEquals(0, run(env, "secrets", "list").exit());
    assertEquals(1, run(env, "secrets", "get", "0123456789abcdef").exit(), "unknown secret: failure");
    assertEquals(2, run(env, "secrets", "get").exit(), "missing ID: usage");
    assertEquals(2, run(env, "secrets", "audit", "--limit", "0").exit(), "bad option value: usage");
    assertEquals(2, run(env, "secrets", "frobnicate").exit(), "unknown command: usage");
    assertEquals(2, run(Map.of("IPFS_KIT_HOME", "relative"), "secrets", "list").exit(), "bad configuration");
    Run wait = run(env, "wal", "wait", "no-such-operation", "--timeout", "1s");
    assertEquals(1, wait.exit(), wait.stderr());
    assertTrue(wait.stderr().contains("'ipfs-kit wal list'"), "names the CLI command, not the MCP tool: " + wait.stderr());
    assertFalse(wait.stderr().contains("wal_list_operations"), wait.stderr());
  }

  private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
      + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"cli-it\",\"version\":\"1\"}}}\n";

  @Test
  void serve_typoKeyInEnvironment_exitsTwoNamingKeySourceAndRuleWithoutAnsweringInitialize() throws Exception {
    Run run = run(INITIALIZE, Map.of("IPFS_KIT_WAL_FSYNC_MOD", "always"), "serve");
    assertEquals(2, run.exit(), run.stderr());
    assertEquals("", run.stdout(), "initialize must not be answered");
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_WAL_FSYNC_MOD (from environment): unknown setting;"
        + " did you mean IPFS_KIT_WAL_FSYNC_MODE? (every setting is listed in README, Configuration)", run.stderr().strip());
  }

  @Test
  void serve_typoKeyInConfigFile_exitsTwoNamingKeyAndFile() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_KDFF=argon2id\n");
    Run run = run(INITIALIZE, Map.of("IPFS_KIT_HOME", home.toString()), "serve");
    assertEquals(2, run.exit(), run.stderr());
    assertEquals("", run.stdout(), "initialize must not be answered");
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_KDFF (from " + home.resolve("config.properties")
        + "): unknown setting; did you mean IPFS_KIT_KDF? (every setting is listed in README, Configuration)",
        run.stderr().strip());
  }

  @Test
  void serve_invalidValue_exitsTwoNamingKeySourceAndRule() throws Exception {
    Run run = run(INITIALIZE, Map.of("IPFS_KIT_WAL_FSYNC_MODE", "bogus"), "serve");
    assertEquals(2, run.exit(), run.stderr());
    assertEquals("", run.stdout(), "initialize must not be answered");
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_WAL_FSYNC_MODE (from environment): must be one of"
        + " always, batch, periodic", run.stderr().strip());
  }

  private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return run("", env, args);
  }

  private Run run(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    Map<String, String> all = new HashMap<>(Map.of("IPFS_KIT_HOME", temp.resolve("default-home").toString()));
    all.putAll(env);
    environment.putAll(all);
    Path out = Files.createTempFile(temp, "stdout", ".txt");
    Path err = Files.createTempFile(temp, "stderr", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    try (var in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the process may exit before reading its input; what it printed is what the test checks
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ipfs-kit " + String.join(" ", args) + " did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
