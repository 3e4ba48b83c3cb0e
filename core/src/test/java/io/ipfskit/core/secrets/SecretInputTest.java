package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretInputTest {

  @Nested
  class Ids {
    @Test
    void parse_wrongLength_namesLength() {
      SecretValidationException e = assertThrows(SecretValidationException.class, () -> SecretId.parse("secret_id", "abcde"));
      assertEquals("secret_id must be 16 hexadecimal characters, but was 5 characters long", e.getMessage());
      assertEquals("secret_id", e.field());
    }

    @Test
    void parse_nonHex_namesPosition() {
      SecretValidationException e = assertThrows(SecretValidationException.class,
          () -> SecretId.parse("secret_id", "0123456789abcdeg"));
      assertEquals("secret_id must be 16 hexadecimal characters, but character 16 is not a hexadecimal digit", e.getMessage());
    }

    @Test
    void parse_upperCase_isNormalised() {
      assertEquals("0123456789abcdef", SecretId.parse("secret_id", "0123456789ABCDEF").value());
    }

    @Test
    void random_isSixteenLowerHex() {
      assertTrue(SecretId.random().value().matches("[0-9a-f]{16}"));
    }
  }

  @Test
  void secretType_unknown_listsAllowedValues() {
    SecretValidationException e = assertThrows(SecretValidationException.class, () -> SecretType.parse("secret_type", "ssh"));
    assertEquals("secret_type must be one of api_key, password, token, certificate, private_key, connection_string,"
        + " but was 'ssh'", e.getMessage());
    assertEquals(SecretType.CONNECTION_STRING, SecretType.parse("secret_type", "connection_string"));
  }

  @Test
  void secretValue_toString_isRedacted() {
    assertEquals("SecretValue[redacted]", SecretValue.of("hunter2").toString());
    assertEquals("Password[redacted]", new KeySource.Password("hunter2".toCharArray()).toString());
  }

  @Nested
  class Validation {
    @TempDir Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "api_key|short|secret_value of type api_key must be 10 to 256 characters long, but was 5 characters long",
        "api_key|AKIA1234567890|secret_value of type api_key starting with AKIA (an AWS access key id) must be exactly 20 characters long, but was 14 characters long",
        "token|123456789|secret_value of type token must be 10 to 2048 characters long, but was 9 characters long",
        "connection_string|just-a-hostname|secret_value of type connection_string must contain '://', '=' or '@' (e.g. postgres://user@host/db or Server=host;Database=db), but none of them occurs in the 15 characters given",
    })
    void store_valueBreaksTypeRule_namesRuleNotValue(String type, String value, String message) {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of(value), SecretType.parse("secret_type", type), null, null));
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains(value));
        assertTrue(v.list().isEmpty());
      }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"high-alone", "low-alone", "high-at-end", "swapped-pair"})
    void store_loneSurrogateInValue_refusedNamingFieldAndRuleNothingStored(String where) {
      String value = switch (where) {
        case "high-alone" -> "abc\uD83Ddef-password";
        case "low-alone" -> "abc\uDE00def-password";
        case "high-at-end" -> "abcdef-password\uD83D";
        default -> "abc\uDE00\uD83Ddef-password";
      };
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of(value), SecretType.PASSWORD, null, null));
        assertEquals("secret_value must be valid Unicode text (a UTF-16 surrogate must be paired: UTF-8 cannot store"
            + " a lone one), but it contains an unpaired surrogate", e.getMessage());
        assertEquals("secret_value", e.field());
        assertTrue(v.list().isEmpty());
      }
    }

    @Test
    void store_pairedSurrogates_storedAndReadBackExactly() {
      String value = "emoji \uD83D\uDE00 password";
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretMetadata m = v.store("svc", SecretValue.of(value), SecretType.PASSWORD, null, null);
        assertEquals(value, v.retrieve(m.secretId()).reveal());
      }
    }

    @Test
    void rotate_loneSurrogateInNewValue_refusedAndOldValueKept() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretMetadata m = v.store("svc", SecretValue.of("first-password"), SecretType.PASSWORD, null, null);
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.rotate(m.secretId(), SecretValue.of("second\uD800password")));
        assertEquals("new_value", e.field());
        assertEquals("first-password", v.retrieve(m.secretId()).reveal());
      }
    }

    @ParameterizedTest(name = "U+{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"061C", "200E", "200F", "202A", "202B", "202C", "202D",
        "202E", "2066", "2067", "2068", "2069", "200B", "200C", "200D", "2060", "FEFF"})
    void store_bidiOrZeroWidthInService_refusedNamingFieldRuleAndCodePoint(String hex) {
      String service = "pay" + (char) Integer.parseInt(hex, 16) + "pal";
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store(service, SecretValue.of("a-password"), SecretType.PASSWORD, null, null));
        assertEquals("service", e.field());
        assertEquals("service " + SecretRules.INVISIBLE_RULE + ", but it contains U+" + hex + " at character 4",
            e.getMessage());
        assertTrue(v.list().isEmpty());
      }
    }

    @Test
    void store_loneSurrogateInService_refused() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc\uDC00", SecretValue.of("a-password"), SecretType.PASSWORD, null, null));
        assertEquals("service", e.field());
        assertTrue(e.getMessage().endsWith("but it contains an unpaired surrogate"), e.getMessage());
      }
    }

    @Test
    void store_serviceWithOrdinaryUnicode_accepted() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        assertEquals("Zürich \u65E5\u672C \uD83D\uDE80", v.store("Zürich \u65E5\u672C \uD83D\uDE80",
            SecretValue.of("a-password"), SecretType.PASSWORD, null, null).service());
      }
    }

    @Test
    void store_emptyPassword_rejected() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of(""), SecretType.PASSWORD, null, null));
        assertEquals("secret_value of type password must not be empty, but was 0 characters long", e.getMessage());
      }
    }

    @Test
    void store_oversizedValue_rejectedWithByteCount() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of("é".repeat(40_000)), SecretType.CERTIFICATE, null, null));
        assertEquals("secret_value must be at most 65536 bytes in UTF-8, but was 80000 bytes", e.getMessage());
      }
    }

    @Test
    void store_zeroOrNegativeDurations_rejected() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, Duration.ZERO, null));
        assertEquals("expires_in must be a positive number of seconds (omit it for none), but was 0", e.getMessage());
        e = assertThrows(SecretValidationException.class,
            () -> v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, Duration.ofSeconds(-5)));
        assertEquals("rotation_interval must be a positive number of seconds (omit it for none), but was -5", e.getMessage());
      }
    }

    @Test
    void store_blankOrHugeService_rejected() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretValidationException e = assertThrows(SecretValidationException.class,
            () -> v.store("   ", SecretValue.of("password1"), SecretType.PASSWORD, null, null));
        assertEquals("service must be 1 to 256 characters and not blank, but was 3 characters long and blank", e.getMessage());
        e = assertThrows(SecretValidationException.class,
            () -> v.store("x".repeat(257), SecretValue.of("password1"), SecretType.PASSWORD, null, null));
        assertEquals("service must be 1 to 256 characters and not blank, but was 257 characters long", e.getMessage());
      }
    }

    @Test
    void rotate_newValueBreaksRule_keepsOldValue() {
      try (Vault v = Vault.open(TestVaults.keyFileConfig(tmp.resolve("s"), new TestVaults.MutableClock(TestVaults.T0)))) {
        SecretId id = v.store("svc", SecretValue.of("token-0123456789"), SecretType.TOKEN, null, null).secretId();
        SecretValidationException e = assertThrows(SecretValidationException.class, () -> v.rotate(id, SecretValue.of("tiny")));
        assertEquals("new_value of type token must be 10 to 2048 characters long, but was 4 characters long", e.getMessage());
        assertEquals("token-0123456789", v.retrieve(id).reveal());
        assertEquals(1, v.versions(id).size());
      }
    }
  }

  @Nested
  class Environment {
    @TempDir Path home;

    private VaultConfig fromEnvironment(Map<String, String> env) {
      return VaultConfig.from(home, Settings.of(env, SettingSource.environment()));
    }

    @Test
    void from_empty_usesKeyFileAndDefaults() {
      VaultConfig c = VaultConfig.from(home, Settings.empty());
      assertEquals(home.resolve("secrets"), c.directory());
      assertEquals(new KeySource.KeyFile(home.resolve("secrets/master.key")), c.keySource());
      assertEquals(Kdf.PBKDF2_SHA256, c.kdf());
      assertEquals(5, c.maxVersions());
      assertEquals(null, c.legacyKeyOrNull());
    }

    @Test
    void from_allSet_parsesEach() throws Exception {
      Path pw = home.resolve("pw.txt");
      Files.writeString(pw, "s3cret pass\n");
      VaultConfig c = fromEnvironment(Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", pw.toString(),
          "IPFS_KIT_KDF", "argon2id", "IPFS_KIT_LEGACY_KEY_HEX", "00ff10", "IPFS_KIT_SECRETS_MAX_VERSIONS", "9"));
      assertEquals(new KeySource.PasswordFile(pw, "IPFS_KIT_MASTER_PASSWORD_FILE", "environment"), c.keySource());
      assertEquals(new KeySource.Password("s3cret pass".toCharArray()),
          ((KeySource.PasswordFile) c.keySource()).read(), "read when the vault opens, line break dropped");
      assertEquals(Kdf.ARGON2ID, c.kdf());
      assertEquals(9, c.maxVersions());
      assertEquals(3, c.legacyKeyOrNull().length);
      assertFalse(c.toString().contains("s3cret"));
    }

    @Test
    void from_passwordWithSpaces_keptExactly() {
      VaultConfig c = fromEnvironment(Map.of("IPFS_KIT_MASTER_PASSWORD", " pass "));
      assertEquals(new KeySource.Password(" pass ".toCharArray()), c.keySource());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "IPFS_KIT_KDF|scrypt|IPFS_KIT_KDF (from environment): must be one of pbkdf2, argon2id",
        "IPFS_KIT_SECRETS_MAX_VERSIONS|0|IPFS_KIT_SECRETS_MAX_VERSIONS (from environment): must be an integer from 1 to 100 (versions kept per secret, the current one included)",
        "IPFS_KIT_SECRETS_MAX_VERSIONS|many|IPFS_KIT_SECRETS_MAX_VERSIONS (from environment): must be an integer from 1 to 100 (versions kept per secret, the current one included)",
        "IPFS_KIT_LEGACY_KEY_HEX|abc|IPFS_KIT_LEGACY_KEY_HEX (from environment): must be a non-empty even number of hexadecimal digits",
        "IPFS_KIT_MASTER_PASSWORD|''|IPFS_KIT_MASTER_PASSWORD (from environment): must be a non-empty password (unset it to use a key file)",
    })
    void from_badValue_failsNamingVariableSourceAndRuleNotValue(String name, String value, String message) {
      Map<String, String> env = new HashMap<>();
      env.put(name, value);
      ConfigException e = assertThrows(ConfigException.class, () -> fromEnvironment(env));
      assertEquals(message, e.getMessage());
      assertEquals(name, e.key());
    }

    @Test
    void from_badValueInFile_namesTheFile() {
      Path file = home.resolve("config.properties");
      ConfigException e = assertThrows(ConfigException.class, () -> VaultConfig.from(home,
          Settings.of(Map.of("IPFS_KIT_KDF", "scrypt"), SettingSource.file(file))));
      assertEquals("IPFS_KIT_KDF (from " + file + "): must be one of pbkdf2, argon2id", e.getMessage());
    }

    @Test
    void from_passwordFileMissing_parsesAndTheVaultOpenNamesTheVariableAndRule() {
      Path missing = home.resolve("no-such-password.txt");
      VaultConfig c = fromEnvironment(Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", missing.toString()));
      VaultKeySourceException e = assertThrows(VaultKeySourceException.class, () -> Vault.open(c));
      assertEquals("IPFS_KIT_MASTER_PASSWORD_FILE (from environment): must name an existing file holding the master"
          + " password, but " + missing + " does not exist", e.getMessage());
    }

    @Test
    void passwordFileRead_emptyOrDirectory_failsNamingTheRule() throws Exception {
      Path empty = Files.writeString(home.resolve("empty.txt"), "\n");
      KeySource.PasswordFile f = new KeySource.PasswordFile(empty, "IPFS_KIT_MASTER_PASSWORD_FILE", "environment");
      assertEquals("IPFS_KIT_MASTER_PASSWORD_FILE (from environment): must name a file holding the master password,"
          + " but " + empty + " is empty", assertThrows(VaultKeySourceException.class, f::read).getMessage());
      Path dir = Files.createDirectories(home.resolve("a-dir"));
      KeySource.PasswordFile d = new KeySource.PasswordFile(dir, "IPFS_KIT_MASTER_PASSWORD_FILE", "environment");
      assertEquals("IPFS_KIT_MASTER_PASSWORD_FILE (from environment): must name a file holding the master password,"
          + " but " + dir + " is a directory", assertThrows(VaultKeySourceException.class, d::read).getMessage());
    }

    @Test
    void passwordFileRead_fileFixedAfterAFailure_readsTheNewContent() throws Exception {
      Path file = home.resolve("later.txt");
      KeySource.PasswordFile f = new KeySource.PasswordFile(file, "IPFS_KIT_MASTER_PASSWORD_FILE", "environment");
      assertThrows(VaultKeySourceException.class, f::read);
      Files.writeString(file, "now-there\r\n");
      assertEquals(new KeySource.Password("now-there".toCharArray()), f.read());
    }

    @Test
    void from_passwordAndFileBoth_rejected() {
      ConfigException e = assertThrows(ConfigException.class, () -> fromEnvironment(
          Map.of("IPFS_KIT_MASTER_PASSWORD", "a", "IPFS_KIT_MASTER_PASSWORD_FILE", "/x")));
      assertEquals("IPFS_KIT_MASTER_PASSWORD (from environment): set only one of IPFS_KIT_MASTER_PASSWORD and"
          + " IPFS_KIT_MASTER_PASSWORD_FILE (the file is set from environment)", e.getMessage());
    }
  }
}
