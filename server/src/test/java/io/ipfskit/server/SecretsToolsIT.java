package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every secrets tool, happy path and error cases, through the packaged server over stdio. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SecretsToolsIT {

  private static final String API_KEY = "sk-test-0123456789abcdef";
  private static final List<String> TOOLS = List.of("secrets_store", "secrets_retrieve", "secrets_rotate",
      "secrets_delete", "secrets_list", "secrets_migrate", "secrets_statistics", "secrets_encryption_info",
      "secrets_audit", "secrets_versions");

  private StdioClient client;

  @BeforeAll
  void startServer(@TempDir Path temp) throws IOException {
    client = StdioClient.start(temp.resolve("home"));
    client.initialize();
  }

  @AfterAll
  void stopServer() throws Exception {
    int exit = client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT);
    client.close();
    assertEquals(0, exit, "exit code after stdin closed; stderr:\n" + client.stderr());
  }

  @Test
  void toolsList_secretsTools_haveSchemasTitlesAndTruthfulAnnotations() throws IOException {
    JsonNode tools = client.request("tools/list", Map.of()).path("result").path("tools");
    Map<String, JsonNode> byName = new HashMap<>();
    tools.forEach(t -> byName.put(t.path("name").asString(), t));
    for (String name : TOOLS) {
      JsonNode tool = byName.get(name);
      if (tool == null) {
        fail("tools/list lacks " + name + ": " + tools);
      }
      assertEquals("object", tool.path("inputSchema").path("type").asString(), name);
      assertFalse(tool.path("inputSchema").path("additionalProperties").asBoolean(true), name);
      assertEquals("object", tool.path("outputSchema").path("type").asString(), name);
      assertFalse(tool.path("title").asString().isEmpty(), name);
      assertFalse(tool.path("annotations").path("openWorldHint").asBoolean(true), name);
    }
    for (String readOnly : List.of("secrets_list", "secrets_statistics", "secrets_encryption_info", "secrets_audit",
        "secrets_versions")) {
      assertTrue(byName.get(readOnly).path("annotations").path("readOnlyHint").asBoolean(), readOnly);
    }
    for (String writes : List.of("secrets_store", "secrets_retrieve", "secrets_rotate", "secrets_delete", "secrets_migrate")) {
      assertFalse(byName.get(writes).path("annotations").path("readOnlyHint").asBoolean(true), writes);
    }
    assertTrue(byName.get("secrets_delete").path("annotations").path("destructiveHint").asBoolean());
    assertFalse(byName.get("secrets_store").path("annotations").path("destructiveHint").asBoolean(true));
    assertEquals(List.of("service", "secret_value"),
        toList(byName.get("secrets_store").path("inputSchema").path("required")));
  }

  @Test
  void store_apiKey_returnsMetadataButNeverTheValue() throws IOException {
    JsonNode result = client.callTool("secrets_store", Map.of("service", "github", "secret_value", API_KEY));
    assertFalse(result.path("isError").asBoolean(), result.toString());
    JsonNode secret = result.path("structuredContent");
    assertTrue(secret.path("secret_id").asString().matches("[0-9a-f]{16}"), secret.toString());
    assertEquals("github", secret.path("service").asString());
    assertEquals("api_key", secret.path("secret_type").asString());
    assertFalse(secret.has("expires_at"), "an absent expiry is an absent key, not null");
    assertEquals(1, secret.path("version").asInt());
    assertEquals(3, secret.path("encryption_version").asInt());
    assertFalse(result.toString().contains(API_KEY), "store result must not echo the value");
  }

  @Test
  void retrieve_storedSecret_returnsValueServiceAndType() throws IOException {
    String id = store("postgres", "postgres://u:p@db:5432/x", "connection_string");
    JsonNode result = client.callTool("secrets_retrieve", Map.of("secret_id", id));
    assertFalse(result.path("isError").asBoolean(), result.toString());
    JsonNode content = result.path("structuredContent");
    assertEquals(id, content.path("secret_id").asString());
    assertEquals("postgres", content.path("service").asString());
    assertEquals("connection_string", content.path("secret_type").asString());
    assertEquals("postgres://u:p@db:5432/x", content.path("secret_value").asString());
  }

  @Test
  void rotate_storedSecret_retrieveReturnsNewValueAndVersionsKeepsTheOld() throws IOException {
    String id = store("s3", "old-s3-api-key-123456", "api_key");
    JsonNode rotated = client.callTool("secrets_rotate", Map.of("secret_id", id, "new_value", "new-s3-api-key-654321"));
    assertFalse(rotated.path("isError").asBoolean(), rotated.toString());
    assertEquals(2, rotated.path("structuredContent").path("version").asInt());
    assertEquals("new-s3-api-key-654321",
        client.callTool("secrets_retrieve", Map.of("secret_id", id)).path("structuredContent").path("secret_value").asString());
    JsonNode versions = client.callTool("secrets_versions", Map.of("secret_id", id)).path("structuredContent");
    assertEquals(id, versions.path("secret_id").asString());
    assertEquals(2, versions.path("versions").size(), versions.toString());
    assertFalse(versions.toString().contains("s3-api-key"), "versions must not hold values");
    long current = 0;
    for (JsonNode v : versions.path("versions")) {
      if (v.path("current").asBoolean()) {
        current = v.path("version").asLong();
      }
    }
    assertEquals(2, current);
  }

  @Test
  void delete_storedSecret_laterRetrieveIsAnErrorNamingTheId() throws IOException {
    String id = store("temp", "temporary-token-0001", "token");
    JsonNode deleted = client.callTool("secrets_delete", Map.of("secret_id", id));
    assertFalse(deleted.path("isError").asBoolean(), deleted.toString());
    assertTrue(deleted.path("structuredContent").path("deleted").asBoolean());
    JsonNode again = client.callTool("secrets_retrieve", Map.of("secret_id", id));
    assertTrue(again.path("isError").asBoolean());
    assertTrue(text(again).contains(id), text(again));
  }

  @Test
  void list_storedSecrets_showsMetadataAndNoValues() throws IOException {
    String id = store("listed", "listed-password", "password");
    JsonNode list = client.callTool("secrets_list", Map.of()).path("structuredContent");
    assertEquals(list.path("secrets").size(), list.path("total_secrets").asInt());
    assertTrue(toIds(list.path("secrets")).contains(id));
    assertFalse(list.toString().contains("listed-password"));
    assertFalse(list.toString().contains("secret_value"));
  }

  @Test
  void statistics_afterStores_countsMatchTheList() throws IOException {
    store("stats", "stats-api-key-000001", "api_key");
    int total = client.callTool("secrets_list", Map.of()).path("structuredContent").path("total_secrets").asInt();
    JsonNode stats = client.callTool("secrets_statistics", Map.of()).path("structuredContent");
    assertEquals(total, stats.path("total_secrets").asInt(), stats.toString());
    assertTrue(stats.path("services").path("stats").asInt() >= 1, stats.toString());
    JsonNode versions = stats.path("encryption_versions");
    assertEquals(total, versions.path("v1").asInt() + versions.path("v2").asInt() + versions.path("v3").asInt());
  }

  @Test
  void migrate_currentStore_dryRunAndRealRunReportNothingToMigrate() throws IOException {
    store("migrate", "migrate-api-key-0001", "api_key");
    JsonNode dry = client.callTool("secrets_migrate", Map.of("dry_run", true)).path("structuredContent");
    assertTrue(dry.path("dry_run").asBoolean(), dry.toString());
    assertEquals(0, dry.path("migrated").asInt());
    assertEquals(dry.path("total_secrets").asInt(), dry.path("already_current").asInt());
    JsonNode real = client.callTool("secrets_migrate", Map.of()).path("structuredContent");
    assertFalse(real.path("dry_run").asBoolean(), real.toString());
    assertEquals(0, real.path("errors").size());
  }

  @Test
  void encryptionInfo_newSecret_isCurrentV3() throws IOException {
    String id = store("enc", "enc-api-key-00000001", "api_key");
    JsonNode result = client.callTool("secrets_encryption_info", Map.of("secret_id", id));
    JsonNode info = result.path("structuredContent");
    assertEquals("Secret " + id + ": AES-256-GCM envelope (v3), current.", text(result));  // the version once
    assertEquals(id, info.path("secret_id").asString());
    assertEquals(3, info.path("encryption_version").asInt());
    assertFalse(info.path("needs_migration").asBoolean(true));
    assertFalse(info.path("encryption_method").asString().isEmpty());
    assertFalse(info.path("kdf").asString().isEmpty());
  }

  @Test
  void audit_forOneSecret_listsItsActionsWithoutValues() throws IOException {
    String id = store("audited", "audited-api-key-0001", "api_key");
    client.callTool("secrets_retrieve", Map.of("secret_id", id));
    JsonNode audit = client.callTool("secrets_audit", Map.of("secret_id", id, "limit", 10)).path("structuredContent");
    assertEquals(audit.path("entries").size(), audit.path("count").asInt());
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : audit.path("entries")) {
      assertEquals(id, entry.path("secret_id").asString(), entry.toString());
      actions.add(entry.path("action").asString());
    }
    assertTrue(actions.containsAll(List.of("store", "retrieve")), actions.toString());
    assertFalse(audit.toString().contains("audited-api-key-0001"));
  }

  @Test
  void retrieve_expiredSecret_isAnErrorSayingExpired() throws IOException {
    String id = client.callTool("secrets_store", Map.of("service", "short-lived", "secret_value", "short-lived-key-001",
        "expires_in", 1)).path("structuredContent").path("secret_id").asString();
    // The server runs on the real clock: poll (bounded) until the vault reports it expired.
    long deadline = System.nanoTime() + 15_000_000_000L;
    JsonNode result;
    do {
      if (System.nanoTime() > deadline) {
        fail("secret " + id + " with expires_in=1 was still retrievable after 15 s");
      }
      result = client.callTool("secrets_retrieve", Map.of("secret_id", id));
    } while (!result.path("isError").asBoolean());
    assertTrue(text(result).contains("expired"), text(result));
    assertFalse(text(result).contains("short-lived-key-001"));
  }

  static Stream<Arguments> badCalls() {
    String longValue = "x".repeat(65_537);
    return Stream.of(
        Arguments.of("secrets_store", Map.of("service", "gh"),
            "Invalid arguments for secrets_store: missing required argument 'secret_value' (The secret itself."
                + " Rules by type: api_key 10-256 characters (AWS AKIA keys exactly 20), token 10-2048,"
                + " connection_string must contain '://', '=' or '@', others non-empty)", null),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", 12345),
            "Invalid arguments for secrets_store: 'secret_value' must be a string, but was a number", null),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", "abc-secret-value", "expires_in", "soon"),
            "Invalid arguments for secrets_store: 'expires_in' must be an integer, but was a string", "soon"),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", "abc-secret-value", "expires_in", 0),
            "Invalid arguments for secrets_store: 'expires_in' must be between 1 and 3153600000, but was 0", null),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", "abc-secret-value", "secret_type", "pgp-key"),
            "Invalid arguments for secrets_store: 'secret_type' must be one of api_key, password, token,"
                + " certificate, private_key, connection_string, but was another 7-character string", "pgp-key"),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", longValue),
            "Invalid arguments for secrets_store: 'secret_value' must be 1 to 65536 characters long,"
                + " but was 65537 characters long", longValue),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", "tiny"), "secret_value", "tiny"),
        Arguments.of("secrets_store", Map.of("service", "gh", "secret_value", "abc-secret-value", "colour", "red"),
            "Invalid arguments for secrets_store: secrets_store has no argument 'colour'; it accepts service,"
                + " secret_value, secret_type, expires_in, rotation_interval", "red"),
        Arguments.of("secrets_retrieve", Map.of("secret_id", "NOT-AN-ID"),
            "Invalid arguments for secrets_retrieve: 'secret_id' must be 16 lowercase hexadecimal characters"
                + " (the id secrets_store returned), but was a 9-character string that is not", "NOT-AN-ID"),
        Arguments.of("secrets_retrieve", Map.of(),
            "Invalid arguments for secrets_retrieve: missing required argument 'secret_id' (Id of the secret:"
                + " 16 lowercase hex characters, as returned by secrets_store or secrets_list)", null),
        Arguments.of("secrets_retrieve", Map.of("secret_id", "00000000deadbeef"), "00000000deadbeef", null),
        Arguments.of("secrets_rotate", Map.of("secret_id", "00000000deadbeef", "new_value", "new-value-123456"),
            "00000000deadbeef", "new-value-123456"),
        Arguments.of("secrets_audit", Map.of("limit", 0),
            "Invalid arguments for secrets_audit: 'limit' must be between 1 and 1000, but was 0", null),
        Arguments.of("secrets_migrate", Map.of("dry_run", "yes"),
            "Invalid arguments for secrets_migrate: 'dry_run' must be true or false, but was a string", "yes"));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("badCalls")
  void call_badArguments_isErrorWithActionableMessageAndNoEcho(String tool, Map<String, Object> args,
      String expected, String rejectedValue) throws IOException {
    JsonNode result = client.callTool(tool, args);
    assertTrue(result.path("isError").asBoolean(), result.toString());
    String message = text(result);
    if (expected.startsWith("Invalid arguments")) {
      assertEquals(expected, message);
    } else {
      assertTrue(message.contains(expected), message);
    }
    if (rejectedValue != null) {
      assertFalse(message.contains(rejectedValue), "error must not echo the rejected value: " + message);
    }
    assertTrue(client.isAlive(), "server must survive a bad call");
  }

  private String store(String service, String value, String type) throws IOException {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("service", service);
    args.put("secret_value", value);
    args.put("secret_type", type);
    JsonNode result = client.callTool("secrets_store", args);
    assertFalse(result.path("isError").asBoolean(), result.toString());
    return result.path("structuredContent").path("secret_id").asString();
  }

  private static String text(JsonNode result) {
    return result.path("content").path(0).path("text").asString();
  }

  private static List<String> toList(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return values;
  }

  private static List<String> toIds(JsonNode secrets) {
    List<String> ids = new ArrayList<>();
    secrets.forEach(s -> ids.add(s.path("secret_id").asString()));
    return ids;
  }
}
