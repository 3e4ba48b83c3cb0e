package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A store as ipfs_kit_py writes it, built here from the published formats with plain JCA and
 * hand-written XOR — none of the vault's own crypto code — then opened and migrated.
 */
class ReferenceStoreTest {
  /** The reference master key; ASCII so that JCA's char[]-based PBKDF2 can derive v2 keys independently. */
  static final byte[] LEGACY_KEY = "ref-master-key-0123456789abcdefX".getBytes(StandardCharsets.US_ASCII);
  static final String ID_V1 = "0a1b2c3d4e5f6071";
  static final String ID_V1_V = "1111222233334444";
  static final String ID_V2 = "aaaabbbbccccdddd";
  static final String ID_EXPIRED = "9999888877776666";
  static final String V1_PLAIN = "sk-legacy-api-key-123";
  static final String V2_PLAIN = "legacy-token-abcdefghij";
  static final String EXPIRED_PLAIN = "expired-password";
  static String vPlain;
  static String v1Blob;
  static String vBlob;
  static String v2Blob;
  static String expiredBlob;

  @TempDir Path tmp;
  final TestVaults.MutableClock clock = new TestVaults.MutableClock(Instant.parse("2026-03-01T00:00:00Z"));

  /** The reference's v1: base64(utf8(plain)[i] XOR key[i % len(key)]). */
  static String xorBase64(String plain, byte[] key) {
    byte[] p = plain.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (byte) (p[i] ^ key[i % key.length]);
    }
    return Base64.getEncoder().encodeToString(out);
  }

  /** The reference's v2 with JCA: PBKDF2WithHmacSHA256(600000) + AES/GCM/NoPadding, no AAD. */
  static String v2(String plain, byte[] asciiKey) throws Exception {
    SecureRandom rnd = new SecureRandom();
    byte[] salt = new byte[16];
    byte[] nonce = new byte[12];
    rnd.nextBytes(salt);
    rnd.nextBytes(nonce);
    char[] pw = new String(asciiKey, StandardCharsets.US_ASCII).toCharArray();
    byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new PBEKeySpec(pw, salt, 600_000, 256)).getEncoded();
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b = Base64.getEncoder();
    return "v2:" + b.encodeToString(salt) + ":" + b.encodeToString(nonce) + ":" + b.encodeToString(ct);
  }

  @BeforeAll
  static void buildVectors() throws Exception {
    v1Blob = xorBase64(V1_PLAIN, LEGACY_KEY);
    // the first base64 character is the top 6 bits of (first plaintext byte XOR key[0]); search the
    // first character over the BMP's first 2048 code points for one whose blob starts with 'v'
    for (int cp = 0x20; cp < 0x800 && vBlob == null; cp++) {
      String candidate = new String(Character.toChars(cp)) + "-legacy-password";
      String blob = xorBase64(candidate, LEGACY_KEY);
      if (blob.startsWith("v")) {
        vPlain = candidate;
        vBlob = blob;
      }
    }
    assertNotNull(vBlob, "no plaintext gives a v1 blob starting with 'v'");
    expiredBlob = xorBase64(EXPIRED_PLAIN, LEGACY_KEY);
    v2Blob = v2(V2_PLAIN, LEGACY_KEY);
  }

  private Path dir() {
    return tmp.resolve("secrets");
  }

  /** Writes secrets.enc.json, metadata.json and audit.log the way the reference's Python does. */
  private void writeReferenceStore() throws Exception {
    Files.createDirectories(dir());
    Files.writeString(dir().resolve("secrets.enc.json"), "{\n"
        + "  \"" + ID_V1 + "\": \"" + v1Blob + "\",\n"
        + "  \"" + ID_V1_V + "\": \"" + vBlob + "\",\n"
        + "  \"" + ID_V2 + "\": \"" + v2Blob + "\",\n"
        + "  \"" + ID_EXPIRED + "\": \"" + expiredBlob + "\"\n}");
    Files.writeString(dir().resolve("metadata.json"), "{\n"
        + meta(ID_V1, "openai", "api_key", "1767225600.123456", "1767225700.5", "3", "null", "2592000") + ",\n"
        + meta(ID_V1_V, "db", "password", "1767225601.25", "1767225601.25", "0", "null", "null") + ",\n"
        + meta(ID_V2, "github", "token", "1767225602.0", "1767225602.0", "1", "null", "86400") + ",\n"
        + meta(ID_EXPIRED, "old", "password", "1767225603.0", "1767225603.0", "0", "1767229203.0", "2592000")
        + "\n}");
    Files.writeString(dir().resolve("audit.log"),
        "{\"timestamp\": 1767225600.123456, \"datetime\": \"2026-01-01T00:00:00.123456\", \"secret_id\": \"" + ID_V1
            + "\", \"service\": \"openai\", \"action\": \"store\", \"success\": true, \"metadata\": {\"secret_type\": \"api_key\"}}\n"
            + "{\"timestamp\": 1767225700.5, \"datetime\": \"2026-01-01T00:01:40.500000\", \"secret_id\": \"" + ID_V1
            + "\", \"service\": \"openai\", \"action\": \"retrieve\", \"success\": true, \"metadata\": {}}\n"
            + "{\"timestamp\": 1767225800.0, \"datetime\": \"2026-01-01T00:03:20\", \"secret_id\": \"ffffffffffffffff\","
            + " \"service\": \"unknown\", \"action\": \"retrieve\", \"success\": false, \"metadata\": {}}\n");
  }

  private static String meta(String id, String service, String type, String created, String lastAccessed, String count,
      String expires, String rotation) {
    return "  \"" + id + "\": {\n    \"secret_id\": \"" + id + "\",\n    \"service\": \"" + service + "\",\n"
        + "    \"secret_type\": \"" + type + "\",\n    \"created_at\": " + created + ",\n    \"last_rotated\": " + created
        + ",\n    \"last_accessed\": " + lastAccessed + ",\n    \"access_count\": " + count + ",\n    \"expires_at\": "
        + expires + ",\n    \"rotation_interval\": " + rotation + ",\n    \"is_encrypted\": true\n  }";
  }

  private Vault open(byte[] legacyKey) {
    Path d = dir();
    return Vault.open(new VaultConfig(d, new KeySource.KeyFile(d.resolve("master.key")), Kdf.PBKDF2_SHA256, 5, legacyKey, clock));
  }

  @Test
  void vPrefixVector_isFoundAndParsedAsV1() throws Exception {
    assertTrue(vBlob.startsWith("v"));
    assertInstanceOf(BlobCodec.V1.class, BlobCodec.parse(vBlob));
    assertInstanceOf(BlobCodec.V2.class, BlobCodec.parse(v2Blob));
  }

  @Test
  void open_referenceStore_readsV1V2AndVPrefixedV1() throws Exception {
    writeReferenceStore();
    try (Vault v = open(LEGACY_KEY)) {
      assertEquals(V1_PLAIN, v.retrieve(SecretId.parse("secret_id", ID_V1)).reveal());
      assertEquals(vPlain, v.retrieve(SecretId.parse("secret_id", ID_V1_V)).reveal());
      assertEquals(V2_PLAIN, v.retrieve(SecretId.parse("secret_id", ID_V2)).reveal());
      assertThrows(SecretExpiredException.class, () -> v.retrieve(SecretId.parse("secret_id", ID_EXPIRED)));
      assertEquals(Map.of("v1", 3, "v2", 1, "v3", 0), v.statistics().encryptionVersions());
      EncryptionInfo info = v.encryptionInfo(SecretId.parse("secret_id", ID_V2));
      assertEquals("AES-256-GCM PBKDF2 (v2, legacy)", info.encryptionMethod());
      assertTrue(info.needsMigration());
      assertEquals("XOR (v1, legacy, insecure)", v.encryptionInfo(SecretId.parse("secret_id", ID_V1_V)).encryptionMethod());
    }
  }

  @Test
  void open_referenceMetadata_floatEpochsNullsAndCountsLoad() throws Exception {
    writeReferenceStore();
    try (Vault v = open(LEGACY_KEY)) {
      SecretId id = SecretId.parse("secret_id", ID_V1);
      v.retrieve(id);
      SecretMetadata m = v.list().get(0);
      assertEquals(id, m.secretId());
      assertEquals("openai", m.service());
      assertEquals(SecretType.API_KEY, m.secretType());
      assertEquals(Instant.parse("2026-01-01T00:00:00.123456Z"), m.createdAt());
      assertNull(m.expiresAt());
      assertEquals(4, m.accessCount()); // 3 from metadata.json + 1 now
      assertEquals(clock.instant(), m.lastAccessed());
      assertEquals(1, m.version());
      assertEquals(1, m.encryptionVersion());
      SecretMetadata noInterval = v.list().get(1);
      assertEquals(Duration.ofSeconds(2_592_000), noInterval.rotationInterval());
      assertEquals(Instant.parse("2026-01-01T00:00:01.25Z"), noInterval.lastAccessed());
      assertEquals(Duration.ofDays(1), v.list().get(2).rotationInterval());
    }
  }

  @Test
  void open_referenceAuditLog_isKeptAndChainStartsAfterIt() throws Exception {
    writeReferenceStore();
    String legacy = Files.readString(dir().resolve("audit.log"));
    try (Vault v = open(LEGACY_KEY)) {
      v.retrieve(SecretId.parse("secret_id", ID_V1));
      v.list();
      AuditVerification ok = v.verifyAudit();
      assertEquals(new AuditVerification(true, 5, 3, null), ok);
      List<AuditEntry> entries = v.audit(null, 10);
      assertEquals(List.of("store", "retrieve", "retrieve", "retrieve", "list"), entries.stream().map(AuditEntry::action).toList());
    }
    String after = Files.readString(dir().resolve("audit.log"));
    assertTrue(after.startsWith(legacy));
    String firstChained = after.substring(legacy.length()).lines().findFirst().orElseThrow();
    String lastLegacyLine = legacy.lines().reduce((a, b) -> b).orElseThrow();
    String expected = java.util.HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(lastLegacyLine.getBytes(StandardCharsets.UTF_8)));
    assertTrue(firstChained.contains("\"prev_hash\":\"" + expected + "\""), firstChained);
  }

  @Test
  void migrate_dryRun_reportsAndChangesNothing() throws Exception {
    writeReferenceStore();
    byte[] secrets = Files.readAllBytes(dir().resolve("secrets.enc.json"));
    byte[] metadata = Files.readAllBytes(dir().resolve("metadata.json"));
    List<String> outcomes = new ArrayList<>();
    try (Vault v = open(LEGACY_KEY)) {
      MigrationReport r = v.migrate(true, (id, i, n, outcome) -> outcomes.add(i + "/" + n + " " + id + " " + outcome));
      assertEquals(new MigrationReport(4, 0, List.of(), 4, true, null), r);
    }
    assertEquals(List.of("1/4 " + ID_V1 + " would_migrate", "2/4 " + ID_V1_V + " would_migrate", "3/4 " + ID_V2
        + " would_migrate", "4/4 " + ID_EXPIRED + " would_migrate"), outcomes);
    assertArrayEquals(secrets, Files.readAllBytes(dir().resolve("secrets.enc.json")));
    assertArrayEquals(metadata, Files.readAllBytes(dir().resolve("metadata.json")));
    try (var files = Files.list(dir())) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("backup-")));
    }
  }

  @Test
  void migrate_referenceStore_allBlobsBecomeV3WithBackupAndSameValues() throws Exception {
    writeReferenceStore();
    byte[] originalSecrets = Files.readAllBytes(dir().resolve("secrets.enc.json"));
    MigrationReport r;
    try (Vault v = open(LEGACY_KEY)) {
      r = v.migrate(false, MigrationListener.NONE);
      assertEquals(4, r.migrated());
      assertEquals(0, r.alreadyCurrent());
      assertEquals(List.of(), r.errors());
      assertEquals(4, r.totalSecrets());
      assertNotNull(r.backupDirectoryOrNull());
      assertArrayEquals(originalSecrets, Files.readAllBytes(r.backupDirectoryOrNull().resolve("secrets.enc.json")));
      assertEquals(Map.of("v1", 0, "v2", 0, "v3", 4), v.statistics().encryptionVersions());
      assertTrue(v.verifyAudit().valid());
    }
    JsonNode blobs = JsonMapper.builder().build().readTree(Files.readAllBytes(dir().resolve("secrets.enc.json")));
    for (String id : List.of(ID_V1, ID_V1_V, ID_V2, ID_EXPIRED)) {
      assertTrue(blobs.get(id).stringValue().startsWith("v3:1:"), id);
    }
    // v3 needs no legacy key any more: open with a different one
    try (Vault v = open("some-other-legacy-key".getBytes(StandardCharsets.US_ASCII))) {
      assertEquals(V1_PLAIN, v.retrieve(SecretId.parse("secret_id", ID_V1)).reveal());
      assertEquals(vPlain, v.retrieve(SecretId.parse("secret_id", ID_V1_V)).reveal());
      assertEquals(V2_PLAIN, v.retrieve(SecretId.parse("secret_id", ID_V2)).reveal());
      clock.advance(Duration.ofDays(-3650)); // the expired one is migrated too and still holds its value
      assertEquals(EXPIRED_PLAIN, v.retrieve(SecretId.parse("secret_id", ID_EXPIRED)).reveal());
      MigrationReport again = v.migrate(false, MigrationListener.NONE);
      assertEquals(new MigrationReport(0, 4, List.of(), 4, false, null), again);
    }
  }

  @Test
  void migrate_wrongLegacyKeyForV2_reportsErrorPerSecretAndKeepsBlob() throws Exception {
    writeReferenceStore();
    byte[] wrongKey = "wrong-master-key-0123456789abcde".getBytes(StandardCharsets.US_ASCII);
    try (Vault v = open(wrongKey)) {
      VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> v.retrieve(SecretId.parse("secret_id", ID_V2)));
      assertTrue(e.getMessage().contains("set IPFS_KIT_LEGACY_KEY_HEX"), e.getMessage());
      MigrationReport r = v.migrate(false, MigrationListener.NONE);
      MigrationError err = r.errors().stream().filter(x -> x.secretId().value().equals(ID_V2)).findFirst().orElseThrow();
      assertTrue(err.reason().startsWith("v2 secret " + ID_V2), err.reason());
      assertFalse(err.reason().contains(V2_PLAIN));
    }
    JsonNode blobs = JsonMapper.builder().build().readTree(Files.readAllBytes(dir().resolve("secrets.enc.json")));
    assertEquals(v2Blob, blobs.get(ID_V2).stringValue());
  }

  @Test
  void rotate_legacySecret_writesV3AndKeepsOldVersion() throws Exception {
    writeReferenceStore();
    try (Vault v = open(LEGACY_KEY)) {
      SecretId id = SecretId.parse("secret_id", ID_V1);
      SecretMetadata m = v.rotate(id, SecretValue.of("sk-new-api-key-456"));
      assertEquals(2, m.version());
      assertEquals(3, m.encryptionVersion());
      assertEquals(List.of(new SecretVersion(1, Instant.parse("2026-01-01T00:00:00.123456Z"), 1, false),
          new SecretVersion(2, clock.instant(), 3, true)), v.versions(id));
      assertEquals("sk-new-api-key-456", v.retrieve(id).reveal());
      // 3 legacy current blobs + the rotated secret, whose kept version 1 is still v1
      assertEquals(4, v.migrate(false, MigrationListener.NONE).migrated());
      assertEquals(3, v.versions(id).get(0).encryptionVersion());
    }
  }

  @Test
  void referenceMasterKey_isSha256OfTrimmedMachineId() throws Exception {
    Path machineId = Path.of("/etc/machine-id");
    String material = Files.exists(machineId) ? Files.readString(machineId).strip()
        : Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)),
        SecretCipher.referenceMasterKey());
  }
}
