package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class VaultCryptoTest {
  @TempDir Path tmp;
  final TestVaults.MutableClock clock = new TestVaults.MutableClock(TestVaults.T0);
  static final JsonMapper JSON = JsonMapper.builder().build();

  private Path dir() {
    return tmp.resolve("secrets");
  }

  private Vault openKeyFile() {
    return Vault.open(TestVaults.keyFileConfig(dir(), clock));
  }

  private ObjectNode readJson(String file) throws Exception {
    return (ObjectNode) JSON.readTree(Files.readAllBytes(dir().resolve(file)));
  }

  private void writeJson(String file, ObjectNode node) throws Exception {
    Files.write(dir().resolve(file), JSON.writeValueAsBytes(node));
  }

  @ParameterizedTest
  @ValueSource(strings = {"password1", "ünïcödé ✓ 🔑 value", "x"})
  void storeRetrieve_variousValues_roundTrip(String value) {
    try (Vault v = openKeyFile()) {
      SecretId id = v.store("svc", SecretValue.of(value), SecretType.PASSWORD, null, null).secretId();
      assertEquals(value, v.retrieve(id).reveal());
    }
    try (Vault v = openKeyFile()) {
      assertEquals(value, v.retrieve(v.list().get(0).secretId()).reveal());
    }
  }

  @Test
  void store_largestAllowedValue_roundTrips() {
    String big = "c".repeat(SecretRules.MAX_VALUE_BYTES);
    try (Vault v = openKeyFile()) {
      SecretId id = v.store("svc", SecretValue.of(big), SecretType.CERTIFICATE, null, null).secretId();
      assertEquals(big, v.retrieve(id).reveal());
    }
  }

  @ParameterizedTest
  @EnumSource(Kdf.class)
  void open_wrongPassword_failsNamingKeyringAndChangesNothing(Kdf kdf) throws Exception {
    VaultConfig right = TestVaults.passwordConfig(dir(), "correct horse", kdf, clock);
    SecretId id;
    try (Vault v = Vault.open(right, KdfCost.insecureForTests())) {
      id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
    }
    byte[] keyring = Files.readAllBytes(dir().resolve("keyring.json"));
    VaultConfig wrong = TestVaults.passwordConfig(dir(), "battery staple", kdf, clock);
    VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> Vault.open(wrong, KdfCost.insecureForTests()));
    assertEquals("cannot unlock " + dir().resolve("keyring.json") + ": wrong master password, or the keyring file was"
        + " modified (AES-GCM authentication failed). Nothing was changed", e.getMessage());
    assertArrayEquals(keyring, Files.readAllBytes(dir().resolve("keyring.json")));
    try (Vault v = Vault.open(right, KdfCost.insecureForTests())) {
      assertEquals("password1", v.retrieve(id).reveal());
    }
  }

  @Test
  void open_keyringKdfParameterLowered_failsAuthentication() throws Exception {
    VaultConfig cfg = TestVaults.passwordConfig(dir(), "correct horse", Kdf.PBKDF2_SHA256, clock);
    Vault.open(cfg, KdfCost.insecureForTests()).close();
    ObjectNode keyring = readJson("keyring.json");
    ((ObjectNode) keyring.get("kdf")).put("iterations", 1);
    writeJson("keyring.json", keyring);
    VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> Vault.open(cfg, KdfCost.insecureForTests()));
    assertTrue(e.getMessage().startsWith("cannot unlock " + dir().resolve("keyring.json")), e.getMessage());
  }

  @Test
  void open_passwordGivenForKeyFileStore_failsWithHowToSwitch() {
    Vault.open(TestVaults.keyFileConfig(dir(), clock)).close();
    VaultConfig pw = TestVaults.passwordConfig(dir(), "pw", Kdf.PBKDF2_SHA256, clock);
    VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> Vault.open(pw, KdfCost.insecureForTests()));
    assertTrue(e.getMessage().contains("is protected by a key file, but a master password was given"), e.getMessage());
  }

  @Test
  void changePassword_oldPasswordFailsNewOneOpensSameSecrets() {
    VaultConfig oldCfg = TestVaults.passwordConfig(dir(), "old password", Kdf.PBKDF2_SHA256, clock);
    SecretId id;
    try (Vault v = Vault.open(oldCfg, KdfCost.insecureForTests())) {
      id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      v.changePassword("new password".toCharArray());
      assertEquals("password1", v.retrieve(id).reveal());
    }
    assertThrows(VaultCryptoException.class, () -> Vault.open(oldCfg, KdfCost.insecureForTests()));
    VaultConfig newCfg = TestVaults.passwordConfig(dir(), "new password", Kdf.PBKDF2_SHA256, clock);
    try (Vault v = Vault.open(newCfg, KdfCost.insecureForTests())) {
      assertEquals("password1", v.retrieve(id).reveal());
    }
  }

  @Test
  void changePassword_fromKeyFile_storeThenNeedsPassword() {
    SecretId id;
    try (Vault v = openKeyFile()) {
      id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      v.changePassword("now a password".toCharArray());
    }
    assertThrows(VaultCryptoException.class, this::openKeyFile);
    VaultConfig cfg = TestVaults.passwordConfig(dir(), "now a password", Kdf.PBKDF2_SHA256, clock);
    try (Vault v = Vault.open(cfg, KdfCost.insecureForTests())) {
      assertEquals("password1", v.retrieve(id).reveal());
    }
  }

  @Test
  void kdfCost_belowMinimumWithoutTestFlag_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KdfCost(100_000, 65_536, 3, 1, false));
    assertEquals("pbkdf2Iterations must be >= 600000 (OWASP minimum for PBKDF2-HMAC-SHA256), but was 100000;"
        + " use KdfCost.insecureForTests only in tests", e.getMessage());
  }

  /** Our PBKDF2 (needed for binary passwords) agrees with the JCA's on text passwords. */
  @Test
  void pbkdf2_matchesJcaImplementation() throws Exception {
    byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    for (String pw : new String[] {"p", "password", "a much longer password of more than sixty-four bytes, to hash the key first"}) {
      for (int len : new int[] {32, 64}) {
        byte[] jca = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec(pw.toCharArray(), salt, 1000, len * 8)).getEncoded();
        assertArrayEquals(jca, KeyDerivation.pbkdf2Sha256(pw.getBytes(StandardCharsets.UTF_8), salt, 1000, len));
      }
    }
  }

  /** RFC 5869 test case 1, first 32 bytes of the OKM. */
  @Test
  void hkdf_matchesRfc5869Vector() {
    HexFormat hex = HexFormat.of();
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[] okm = KeyDerivation.hkdfSha256(ikm, hex.parseHex("000102030405060708090a0b0c"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 32);
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf", hex.formatHex(okm));
  }

  // ---- tampering ------------------------------------------------------------------------------

  private SecretId storeOne(String value) {
    try (Vault v = openKeyFile()) {
      return v.store("svc", SecretValue.of(value), SecretType.PASSWORD, null, null).secretId();
    }
  }

  private void tamperBlob(SecretId id, UnaryOperator<String> change) throws Exception {
    ObjectNode secrets = readJson("secrets.enc.json");
    secrets.put(id.value(), change.apply(secrets.get(id.value()).stringValue()));
    writeJson("secrets.enc.json", secrets);
  }

  private static String flipCiphertextByte(String blob, boolean lastByte) {
    String[] p = blob.split(":");
    byte[] ct = Base64.getDecoder().decode(p[4]);
    ct[lastByte ? ct.length - 1 : 0] ^= 0x01;
    p[4] = Base64.getEncoder().encodeToString(ct);
    return String.join(":", p);
  }

  private void assertRetrieveFailsAuthentication(SecretId id) throws Exception {
    byte[] before = Files.readAllBytes(dir().resolve("secrets.enc.json"));
    try (Vault v = openKeyFile()) {
      VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> v.retrieve(id));
      assertEquals("secret " + id.value() + " in " + dir().resolve("secrets.enc.json") + " failed authentication: its blob"
          + " was modified, moved from another secret or version, or this store's data key differs (AES-GCM tag check failed)",
          e.getMessage());
      assertEquals("decryption_failed", v.audit(id, 1).get(0).reasonOrNull());
    }
    assertArrayEquals(before, Files.readAllBytes(dir().resolve("secrets.enc.json")));
  }

  @Test
  void retrieve_ciphertextBitFlipped_failsAuthentication() throws Exception {
    SecretId id = storeOne("password1");
    tamperBlob(id, b -> flipCiphertextByte(b, false));
    assertRetrieveFailsAuthentication(id);
  }

  @Test
  void retrieve_tagBitFlipped_failsAuthentication() throws Exception {
    SecretId id = storeOne("password1");
    tamperBlob(id, b -> flipCiphertextByte(b, true));
    assertRetrieveFailsAuthentication(id);
  }

  @Test
  void retrieve_versionInAadChanged_failsAuthentication() throws Exception {
    SecretId id = storeOne("password1");
    tamperBlob(id, b -> b.replaceFirst("^v3:1:", "v3:2:"));
    assertRetrieveFailsAuthentication(id);
  }

  @Test
  void retrieve_blobsSwappedBetweenTwoIds_failsForBoth() throws Exception {
    SecretId a;
    SecretId b;
    try (Vault v = openKeyFile()) {
      a = v.store("svc", SecretValue.of("value-of-a"), SecretType.PASSWORD, null, null).secretId();
      b = v.store("svc", SecretValue.of("value-of-b"), SecretType.PASSWORD, null, null).secretId();
    }
    ObjectNode secrets = readJson("secrets.enc.json");
    String blobA = secrets.get(a.value()).stringValue();
    secrets.put(a.value(), secrets.get(b.value()).stringValue());
    secrets.put(b.value(), blobA);
    writeJson("secrets.enc.json", secrets);
    assertRetrieveFailsAuthentication(a);
    assertRetrieveFailsAuthentication(b);
  }

  @Test
  void retrieve_v3BlobDamagedIntoNonsense_neverFallsBackToXor() throws Exception {
    SecretId id = storeOne("password1");
    tamperBlob(id, b -> b.substring(0, b.lastIndexOf(':')));
    try (Vault v = openKeyFile()) {
      VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> v.retrieve(id));
      assertEquals("the blob of secret " + id.value() + " in secrets.enc.json is damaged: blob starts with 'v3' and has 4"
          + " ':'-separated parts; known forms are v2 (4 parts) and v3 (5 parts) (" + dir().resolve("secrets.enc.json") + ")",
          e.getMessage());
    }
  }

  @Test
  void retrieve_ciphertextTruncatedBelowTag_reportsTruncation() throws Exception {
    SecretId id = storeOne("password1");
    tamperBlob(id, b -> b.substring(0, b.lastIndexOf(':') + 1) + Base64.getEncoder().encodeToString(new byte[5]));
    try (Vault v = openKeyFile()) {
      VaultCryptoException e = assertThrows(VaultCryptoException.class, () -> v.retrieve(id));
      assertTrue(e.getMessage().contains("v3 blob ciphertext is 5 bytes, shorter than the 16-byte tag (truncated)"), e.getMessage());
    }
  }

  @Test
  void open_truncatedSecretsFile_failsNamingFileAndKeepsIt() throws Exception {
    storeOne("password1");
    Path f = dir().resolve("secrets.enc.json");
    byte[] full = Files.readAllBytes(f);
    byte[] cut = Arrays.copyOf(full, full.length / 2);
    Files.write(f, cut);
    VaultCryptoException e = assertThrows(VaultCryptoException.class, this::openKeyFile);
    assertTrue(e.getMessage().startsWith(f + " is not valid JSON at line "), e.getMessage());
    assertArrayEquals(cut, Files.readAllBytes(f));
  }

  @Test
  void open_truncatedKeyring_failsNamingKeyring() throws Exception {
    storeOne("password1");
    Path f = dir().resolve("keyring.json");
    byte[] full = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(full, 40));
    VaultCryptoException e = assertThrows(VaultCryptoException.class, this::openKeyFile);
    assertTrue(e.getMessage().startsWith(f + " is not valid JSON"), e.getMessage());
  }

  @Test
  void open_keyringDeletedWhileV3SecretsExist_refusesToCreateNewKeyring() throws Exception {
    storeOne("password1");
    Files.delete(dir().resolve("keyring.json"));
    VaultCryptoException e = assertThrows(VaultCryptoException.class, this::openKeyFile);
    assertEquals(dir().resolve("keyring.json") + " is missing, but 1 secrets in secrets.enc.json are v3 and need it;"
        + " restore keyring.json from a copy", e.getMessage());
  }

  @Test
  void secretsAtRest_neverContainPlaintext() throws Exception {
    String value = "plain-text-marker-4711";
    try (Vault v = openKeyFile()) {
      SecretId id = v.store("svc", SecretValue.of(value), SecretType.PASSWORD, null, null).secretId();
      v.rotate(id, SecretValue.of(value + "-2"));
      v.retrieve(id);
    }
    try (var files = Files.list(dir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertTrue(!new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("marker-4711"), f.toString());
      }
    }
  }
}
