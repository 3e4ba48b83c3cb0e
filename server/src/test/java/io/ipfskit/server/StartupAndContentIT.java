package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 8, start-up and stored content, end to end from the packaged jar: stored bytes read back as
 * MCP resources and as a cat's inline content through the official TypeScript SDK client, CIDs
 * checked at queue time, a wrong master password reported naming the variable used, and
 * {@code serve --check}.
 */
@Timeout(300)
class StartupAndContentIT {
  static final String HELLO_V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
  static final String HELLO_V1 = "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

  @TempDir Path temp;

  private static ObjectNode call(ArrayNode steps, String tool, Map<String, Object> arguments) {
    ObjectNode s = steps.addObject();
    s.put("call", tool);
    s.set("arguments", TypeScriptClientIT.JSON.valueToTree(arguments));
    return s;
  }

  private static void waitFor(ArrayNode steps, int addStep) {
    ObjectNode s = call(steps, "wal_wait_for_operation", Map.of("timeout", 30));
    s.putObject("argumentsFrom").putObject("operation_id").put("step", addStep).put("path", "structuredContent.operation_id");
  }

  @Test
  void typeScriptClient_resourcesAndCat_readBackStoredBytesAndRefuseMalformedCids() throws Exception {
    Path home = temp.resolve("home");
    Path files = Files.createDirectories(temp.resolve("files"));
    String text = "hello resources, ünïcode\n";
    byte[] binary = new byte[300];
    for (int i = 0; i < binary.length; i++) binary[i] = (byte) (i * 7 + 0x80);
    Path binaryFile = Files.write(files.resolve("data.bin"), binary);
    String textCid = WalToolsIT.rawLeafCid(text.getBytes(StandardCharsets.UTF_8));
    String binaryCid = WalToolsIT.rawLeafCid(binary);

    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    call(steps, "wal_add_operation", Map.of("operation_type", "add", "params", Map.of("content", text)));      // 0
    call(steps, "wal_add_operation", Map.of("operation_type", "add", "params", Map.of("path", binaryFile.toString()))); // 1
    waitFor(steps, 0);                                                                                          // 2
    waitFor(steps, 1);                                                                                          // 3
    steps.addObject().put("listResources", true);                                                               // 4
    steps.addObject().put("listResourceTemplates", true);                                                       // 5
    steps.addObject().put("readResource", "ipfs://" + textCid);                                                 // 6
    steps.addObject().put("readResource", "ipfs://" + binaryCid);                                               // 7
    call(steps, "wal_add_operation", Map.of("operation_type", "cat", "params", Map.of("cid", textCid)));       // 8
    waitFor(steps, 8);                                                                                          // 9
    call(steps, "wal_add_operation", Map.of("operation_type", "pin", "params", Map.of("cid", HELLO_V0)));      // 10
    call(steps, "wal_add_operation", Map.of("operation_type", "pin", "params", Map.of("cid", "QmNotAValidCid!!")));  // 11
    steps.addObject().put("readResource", "ipfs://bafkreinotacid");                                             // 12
    call(steps, "wal_status", Map.of());                                                                        // 13

    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of(), List.of(files.toUri().toString()), steps);
    for (int i = 0; i <= 10; i++) assertTrue(out.get(i).get("ok").asBoolean(), out.get(i).toString());
    assertTrue(out.get(2).at("/result/structuredContent/completed").asBoolean(), out.get(2).toString());
    assertTrue(out.get(3).at("/result/structuredContent/completed").asBoolean(), out.get(3).toString());

    List<String> listed = new ArrayList<>();
    out.get(4).at("/result/resources").forEach(r -> listed.add(r.get("uri").asString()));
    assertTrue(listed.contains("ipfs://" + textCid) && listed.contains("ipfs://" + binaryCid), listed.toString());

    assertEquals("ipfs://{cid}", out.get(5).at("/result/resourceTemplates/0/uriTemplate").asString(), out.get(5).toString());

    JsonNode textContents = out.get(6).at("/result/contents/0");
    assertEquals(text, textContents.get("text").asString(), textContents.toString());
    JsonNode blobContents = out.get(7).at("/result/contents/0");
    assertFalse(blobContents.has("text"), blobContents.toString());
    assertEquals(Base64.getEncoder().encodeToString(binary), blobContents.get("blob").asString());

    JsonNode cat = out.get(9).at("/result/structuredContent/operation/result");
    assertEquals(text, cat.get("content").asString(), out.get(9).toString());
    assertFalse(cat.get("truncated").asBoolean(), cat.toString());
    assertEquals(text.getBytes(StandardCharsets.UTF_8).length, cat.get("size").asLong());

    assertEquals(HELLO_V1, out.get(10).at("/result/structuredContent/operation/parameters/cid").asString(),
        "a CIDv0 is stored as the CIDv1 of the same multihash: " + out.get(10));

    JsonNode malformed = out.get(11).get("result");
    assertTrue(malformed.get("isError").asBoolean(), malformed.toString());
    String message = malformed.at("/content/0/text").asString();
    assertTrue(message.startsWith("invalid argument: params.cid must be a CIDv1 in base32"), message);
    assertFalse(message.contains("QmNotAValidCid"), "the rejected value is not echoed: " + message);

    assertFalse(out.get(12).get("ok").asBoolean(), out.get(12).toString());
    assertTrue(out.get(12).get("error").asString().contains("the cid in uri must be a CIDv1"), out.get(12).toString());
    // add, add, cat, pin: the malformed pin was refused at queue time, nothing was stored for it
    assertEquals(4, out.get(13).at("/result/structuredContent/total").asInt(), out.get(13).toString());
  }

  @Test
  void typeScriptClient_wrongPasswordFromFile_secretsCallNamesTheFileVariable() throws Exception {
    Path home = temp.resolve("home");
    createVault(home, "the-right-password");
    Path wrong = Files.writeString(temp.resolve("password.txt"), "not-the-password\n");

    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    call(steps, "secrets_list", Map.of());
    List<JsonNode> out = TypeScriptClientIT.runPlan(home,
        Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", wrong.toString()), null, steps);
    JsonNode result = out.get(0).get("result");
    assertTrue(result.get("isError").asBoolean(), result.toString());
    String message = result.at("/content/0/text").asString();
    assertTrue(message.contains("wrong master password"), message);
    assertTrue(message.contains("IPFS_KIT_MASTER_PASSWORD_FILE (from environment)"), message);
    assertFalse(message.contains("not-the-password"), message);
  }

  @Test
  void serve_wrongPasswordFromFile_loggedRightAfterInitializeBeforeAnySecretsCall() throws Exception {
    Path home = temp.resolve("home");
    createVault(home, "the-right-password");
    Path wrong = Files.writeString(temp.resolve("password.txt"), "not-the-password\n");
    try (StdioClient client = StdioClient.start(home, Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", wrong.toString()))) {
      client.initialize();
      String expected = "the vault cannot be unlocked with IPFS_KIT_MASTER_PASSWORD_FILE (from environment): cannot unlock";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!client.stderr().contains(expected) && System.nanoTime() < deadline) {
        // bounded polling of the server's stderr file; no secrets call is made
        client.request("ping", Map.of());
      }
      assertTrue(client.stderr().contains(expected), client.stderr());
      assertFalse(client.stderr().contains("not-the-password") || client.stderr().contains("the-right-password"));
    }
  }

  @Test
  void serveCheck_freshHome_exitsZeroWithOneLinePerCheck() throws Exception {
    Path home = temp.resolve("fresh");
    Run run = run(Map.of("IPFS_KIT_HOME", home.toString()), "serve", "--check");
    assertEquals(0, run.exit(), run.stdout() + run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(List.of("ok   config", "ok   vault", "ok   wal", "ok   backend local"),
        lines.stream().map(l -> l.substring(0, l.indexOf(':'))).toList(), run.stdout());
  }

  @Test
  void serveCheck_wrongPassword_exitsTwoNamingTheVariableNeverThePassword() throws Exception {
    Path home = temp.resolve("home");
    createVault(home, "the-right-password");
    Run run = run(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD", "a-wrong-password"),
        "serve", "--check");
    assertEquals(2, run.exit(), run.stdout() + run.stderr());
    assertTrue(run.stdout().contains("FAIL vault: cannot be unlocked with IPFS_KIT_MASTER_PASSWORD (from environment)"),
        run.stdout());
    assertTrue(run.stdout().contains("ok   wal:"), run.stdout());
    assertFalse((run.stdout() + run.stderr()).contains("a-wrong-password"));
    assertFalse((run.stdout() + run.stderr()).contains("the-right-password"));
  }

  @Test
  void typeScriptClient_passwordFileMissing_serverStartsWalWorksSecretsCallNamesTheVariableAndRule() throws Exception {
    Path home = temp.resolve("home");
    createVault(home, "the-right-password");
    Path missing = temp.resolve("no-such-password.txt");
    ArrayNode steps = TypeScriptClientIT.JSON.createArrayNode();
    steps.addObject().put("setLevel", "error");
    call(steps, "wal_status", Map.of());
    call(steps, "secrets_list", Map.of());
    call(steps, "secrets_store", Map.of("service", "github", "secret_value", "ghp_abcdefghijklmnopqrstuvwxyz0123"));
    List<JsonNode> out = TypeScriptClientIT.runPlan(home, Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", missing.toString()),
        null, steps);
    JsonNode status = out.get(1);
    assertTrue(status.get("ok").asBoolean(), status.toString());
    assertFalse(status.path("result").path("isError").asBoolean(false), "WAL tools work: " + status);
    String rule = "IPFS_KIT_MASTER_PASSWORD_FILE (from environment): must name an existing file holding the master"
        + " password, but " + missing + " does not exist";
    for (JsonNode secrets : List.of(out.get(2), out.get(3))) {
      JsonNode result = secrets.get("result");
      assertTrue(result.get("isError").asBoolean(), result.toString());
      assertTrue(result.at("/content/0/text").asString().contains(rule), result.toString());
    }
    JsonNode summary = out.get(out.size() - 1);
    assertTrue(summary.get("notifications").toString().contains("the vault cannot be unlocked: " + rule),
        "the failed unlock reaches the client as a logging notification: " + summary);
    assertFalse(summary.toString().contains("ghp_abcdefghijklmnopqrstuvwxyz0123"), summary.toString());
  }

  @Test
  void serveCheck_passwordFileMissingOrEmpty_exitsTwoNamingTheVariableAndRule() throws Exception {
    Path home = temp.resolve("home");
    Path missing = temp.resolve("no-such-password.txt");
    Run run = run(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD_FILE", missing.toString()),
        "serve", "--check");
    assertEquals(2, run.exit(), run.stdout() + run.stderr());
    assertTrue(run.stdout().contains("ok   config:"), "the configuration itself is fine: " + run.stdout());
    assertTrue(run.stdout().contains("FAIL vault: cannot be unlocked: IPFS_KIT_MASTER_PASSWORD_FILE (from environment):"
        + " must name an existing file holding the master password, but " + missing + " does not exist"), run.stdout());
    assertTrue(run.stdout().contains("ok   wal:"), run.stdout());
    Path empty = Files.writeString(temp.resolve("empty.txt"), "\n");
    Run emptyRun = run(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD_FILE", empty.toString()),
        "serve", "--check");
    assertEquals(2, emptyRun.exit(), emptyRun.stdout() + emptyRun.stderr());
    assertTrue(emptyRun.stdout().contains("but " + empty + " is empty"), emptyRun.stdout());
  }

  /** A home whose vault was created with {@code password}, by the packaged jar itself. */
  private void createVault(Path home, String password) throws Exception {
    Run run = run(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_MASTER_PASSWORD", password), "serve", "--check");
    assertEquals(0, run.exit(), run.stdout() + run.stderr());
  }

  record Run(int exit, String stdout, String stderr) {}

  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(StdioClient.javaExecutable(), "-jar", StdioClient.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    builder.environment().putAll(new HashMap<>(env));
    Path out = Files.createTempFile(temp, "stdout", ".txt");
    Path err = Files.createTempFile(temp, "stderr", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("ipfs-kit " + String.join(" ", args) + " did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
