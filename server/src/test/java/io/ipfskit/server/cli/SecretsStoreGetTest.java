package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code secrets store} and {@code secrets get}, run in-process on a real vault in a temp home. */
class SecretsStoreGetTest {
  private static final String NL = System.lineSeparator();

  @TempDir Path temp;

  record Result(int exit, String out, String err) {}

  private Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.resolve("home").toString()), temp,
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = Main.run(context, args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void store_valueOnStdin_printsOnlyTheNewIdAndGetPrintsTheValue() {
    Result stored = run("sk-cli-roundtrip-000001\n", "secrets", "store", "--service", "openai");
    assertEquals(0, stored.exit(), stored.err());
    assertTrue(stored.out().matches("[0-9a-f]{16}" + NL), stored.out());
    assertEquals("", stored.err());

    String id = stored.out().strip();
    Result got = run("", "secrets", "get", id);
    assertEquals(0, got.exit(), got.err());
    assertEquals("sk-cli-roundtrip-000001" + NL, got.out(), "one trailing newline was taken off stdin, one added");
    Result bare = run("", "secrets", "get", "--no-newline", id);
    assertEquals("sk-cli-roundtrip-000001", bare.out());
  }

  @Test
  void store_typeAndDurations_areStoredAsGiven() {
    Result stored = run("postgres://app@db/main", "secrets", "store", "--service", "db", "--type", "connection_string",
        "--expires-in", "90d", "--rotation-interval", "3600");
    assertEquals(0, stored.exit(), stored.err());
    Result list = run("", "secrets", "list");
    assertTrue(list.out().contains(stored.out().strip() + "  db"), list.out());
    assertTrue(list.out().contains("connection_string"), list.out());
    assertFalse(list.out().contains("postgres://app@db/main"), list.out());
  }

  @Test
  void store_valueBreaksItsTypesRule_usageErrorNamingTheRuleNotTheValue() throws Exception {
    Result r = run("short\n", "secrets", "store", "--service", "openai");
    assertEquals(2, r.exit());
    assertEquals("ipfs-kit secrets store: the secret value of type api_key must be 10 to 256 characters long,"
        + " but was 5 characters long" + NL, r.err());
    assertEquals("", r.out());
    assertFalse(r.err().contains("short"));
  }

  @Test
  void store_unknownType_usageErrorNamingTheOptionAndTheChoices() {
    Result r = run("sk-cli-value-0000001", "secrets", "store", "--service", "x", "--type", "apikey");
    assertEquals(2, r.exit());
    assertEquals("ipfs-kit secrets store: --type must be one of api_key, password, token, certificate, private_key,"
        + " connection_string, but was 'apikey'" + NL, r.err());
  }

  @Test
  void store_badDuration_usageErrorBeforeReadingTheValueOrOpeningTheVault() {
    Result r = run("sk-cli-value-0000001", "secrets", "store", "--service", "x", "--expires-in", "soon");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("ipfs-kit secrets store: --expires-in must be a positive duration like 30s, 5m, 24h"
        + " or 7d, but was 'soon'" + NL), r.err());
    assertTrue(Files.notExists(temp.resolve("home/secrets")), "a usage error opens nothing");
  }

  @Test
  void store_withoutService_usageErrorNamingTheOption() {
    Result r = run("sk-cli-value-0000001", "secrets", "store");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("ipfs-kit secrets store: Missing required option: '--service=NAME'"), r.err());
  }

  @Test
  void store_serviceTooLong_usageErrorNamingTheOption() {
    Result r = run("sk-cli-value-0000001", "secrets", "store", "--service", "s".repeat(300));
    assertEquals(2, r.exit());
    assertEquals("ipfs-kit secrets store: --service must be 1 to 256 characters and not blank, but was 300 characters long"
        + NL, r.err());
  }

  @Test
  void get_unknownId_failureNamingTheListCommand() {
    Result r = run("", "secrets", "get", "0123456789abcdef");
    assertEquals(1, r.exit());
    assertEquals("ipfs-kit secrets get: no secret with ID 0123456789abcdef exists; run 'ipfs-kit secrets list' to see"
        + " the stored ids" + NL, r.err());
  }

  @Test
  void get_malformedId_usageErrorNamingTheRule() {
    Result r = run("", "secrets", "get", "not-an-id");
    assertEquals(2, r.exit());
    assertEquals("ipfs-kit secrets get: ID must be 16 hexadecimal characters, but was 9 characters long" + NL, r.err());
  }

  @Test
  void get_expiredSecret_failureSayingSo() throws Exception {
    Result stored = run("sk-cli-expiring-00001", "secrets", "store", "--service", "x", "--expires-in", "1ms");
    assertEquals(0, stored.exit(), stored.err());
    // 1 ms has passed by the time the next command has opened the vault (Argon2id alone takes longer).
    Result r = run("", "secrets", "get", stored.out().strip());
    assertEquals(1, r.exit());
    assertTrue(r.err().startsWith("ipfs-kit secrets get: secret " + stored.out().strip() + " expired at "), r.err());
  }

  @Test
  void storeAndGet_auditLog_recordsBothAndNeverTheValue() throws Exception {
    Result stored = run("sk-cli-audited-000001", "secrets", "store", "--service", "audited");
    run("", "secrets", "get", stored.out().strip());
    Result audit = run("", "secrets", "audit");
    assertEquals(0, audit.exit(), audit.err());
    assertTrue(audit.out().contains("store"), audit.out());
    assertTrue(audit.out().contains("retrieve"), audit.out());
    try (Stream<Path> files = Files.walk(temp.resolve("home"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains("sk-cli-audited-000001"), f.toString());
      }
    }
  }
}
