package io.ipfskit.core.secrets;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of a {@link Vault}.
 *
 * @param directory the store directory (the reference uses {@code ~/.ipfs_kit/secrets})
 * @param keySource where the key-encryption key comes from
 * @param kdf KDF for a new keyring or a password change (an existing keyring keeps its own)
 * @param maxVersions versions kept per secret, the current one included (1 = no history), 1 to 100
 * @param legacyKeyOrNull master key bytes of a reference store (v1/v2 blobs); null = the
 *     reference derivation, SHA-256 of the trimmed /etc/machine-id, else of the host name
 * @param clock time source for expiry, rotation and audit timestamps
 */
public record VaultConfig(
    Path directory, KeySource keySource, Kdf kdf, int maxVersions, byte[] legacyKeyOrNull, Clock clock) {
  public static final int DEFAULT_MAX_VERSIONS = 5;
  public static final int MAX_MAX_VERSIONS = 100;

  public VaultConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(keySource, "keySource");
    Objects.requireNonNull(kdf, "kdf");
    Objects.requireNonNull(clock, "clock");
    if (maxVersions < 1 || maxVersions > MAX_MAX_VERSIONS) {
      throw new IllegalArgumentException(
          "maxVersions must be 1 to " + MAX_MAX_VERSIONS + " (versions kept per secret, current included), but was "
              + maxVersions);
    }
    if (legacyKeyOrNull != null) {
      if (legacyKeyOrNull.length == 0) {
        throw new IllegalArgumentException("legacy key must not be empty, but was 0 bytes long");
      }
      legacyKeyOrNull = legacyKeyOrNull.clone();
    }
  }

  @Override
  public byte[] legacyKeyOrNull() {
    return legacyKeyOrNull == null ? null : legacyKeyOrNull.clone();
  }

  public static final Setting<String> MASTER_PASSWORD = Setting.exactText("IPFS_KIT_MASTER_PASSWORD",
      "a non-empty password (unset it to use a key file)", "unset",
      "master password; set at most one of the two. With neither, a random 256-bit key file (0600) is created on first start");
  public static final Setting<String> MASTER_PASSWORD_FILE = Setting.text("IPFS_KIT_MASTER_PASSWORD_FILE",
      "the path of a readable file holding the password", "unset",
      "file whose content is the master password (preferred over the variable); a trailing line break is dropped");
  public static final Setting<Kdf> KDF = Setting.choice("IPFS_KIT_KDF",
      kdfChoices(),
      "pbkdf2", "KEK derivation for a new keyring: pbkdf2 (HMAC-SHA256, 600,000 iterations) or argon2id (64 MiB, 3 passes)");
  public static final Setting<byte[]> LEGACY_KEY_HEX = new Setting<>("IPFS_KIT_LEGACY_KEY_HEX",
      "a non-empty even number of hexadecimal digits", "reference derivation",
      "master key of an existing ipfs_kit_py store, hex; unset = SHA-256 of /etc/machine-id, else of the hostname",
      raw -> {
        String h = raw.trim();
        if (h.isEmpty() || h.length() % 2 != 0 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
          throw new IllegalArgumentException("not hex");
        }
        return HexFormat.of().parseHex(h.toLowerCase(Locale.ROOT));
      });
  public static final Setting<Integer> MAX_VERSIONS = Setting.integer("IPFS_KIT_SECRETS_MAX_VERSIONS", 1,
      MAX_MAX_VERSIONS, "versions kept per secret, the current one included", DEFAULT_MAX_VERSIONS,
      "versions kept per secret");

  private static java.util.Map<String, Kdf> kdfChoices() {
    java.util.Map<String, Kdf> m = new java.util.LinkedHashMap<>();
    m.put("pbkdf2", Kdf.PBKDF2_SHA256);
    m.put("argon2id", Kdf.ARGON2ID);
    return m;
  }

  /** The vault's settings, in documentation order. */
  public static final List<Setting<?>> SETTINGS = List.of(MASTER_PASSWORD_FILE, MASTER_PASSWORD, KDF, LEGACY_KEY_HEX,
      MAX_VERSIONS);

  /**
   * Parses the vault's settings from the kit's configuration; the store is {@code home/secrets}.
   * This never reads the environment itself.
   *
   * <ul>
   *   <li>{@code IPFS_KIT_MASTER_PASSWORD} or {@code IPFS_KIT_MASTER_PASSWORD_FILE} (one, not both;
   *       a trailing line break in the file is dropped). Neither: key file {@code home/secrets/master.key}.
   *   <li>{@code IPFS_KIT_KDF}: {@code pbkdf2} (default) or {@code argon2id}.
   *   <li>{@code IPFS_KIT_LEGACY_KEY_HEX}: the reference master key, hex.
   *   <li>{@code IPFS_KIT_SECRETS_MAX_VERSIONS}: 1 to 100, default 5.
   * </ul>
   *
   * @throws io.ipfskit.core.config.ConfigException naming the setting, its source and the rule (never a key or password)
   */
  public static VaultConfig from(Path home, Settings settings) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(settings, "settings");
    Path dir = home.resolve("secrets");
    Optional<String> password = settings.find(MASTER_PASSWORD);
    Optional<String> passwordFile = settings.find(MASTER_PASSWORD_FILE);
    KeySource source;
    if (password.isPresent() && passwordFile.isPresent()) {
      throw new ConfigException(MASTER_PASSWORD.name(), settings.source(MASTER_PASSWORD.name()),
          "set only one of IPFS_KIT_MASTER_PASSWORD and IPFS_KIT_MASTER_PASSWORD_FILE (the file is set from "
              + settings.source(MASTER_PASSWORD_FILE.name()) + ")");
    } else if (password.isPresent()) {
      source = new KeySource.Password(password.get().toCharArray());
    } else if (passwordFile.isPresent()) {
      // Read when the vault is opened (KeySource.PasswordFile): an unusable file must not stop a start.
      source = new KeySource.PasswordFile(passwordFilePath(passwordFile.get(), settings),
          MASTER_PASSWORD_FILE.name(), settings.source(MASTER_PASSWORD_FILE.name()).toString());
    } else {
      source = new KeySource.KeyFile(dir.resolve("master.key"));
    }
    Kdf kdf = settings.get(KDF, Kdf.PBKDF2_SHA256);
    byte[] legacy = settings.find(LEGACY_KEY_HEX).orElse(null);
    int maxVersions = settings.get(MAX_VERSIONS, DEFAULT_MAX_VERSIONS);
    return new VaultConfig(dir, source, kdf, maxVersions, legacy, Clock.systemUTC());
  }

  private static Path passwordFilePath(String value, Settings settings) {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(MASTER_PASSWORD_FILE.name(), settings.source(MASTER_PASSWORD_FILE.name()),
          "must be a file path, but is not a valid path on this system");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultConfig c && c.directory.equals(directory) && c.keySource.equals(keySource)
        && c.kdf == kdf && c.maxVersions == maxVersions && Arrays.equals(c.legacyKeyOrNull, legacyKeyOrNull)
        && c.clock.equals(clock);
  }

  @Override
  public int hashCode() {
    return Objects.hash(directory, kdf, maxVersions);
  }

  @Override
  public String toString() {
    return "VaultConfig[directory=" + directory + ", keySource=" + keySource + ", kdf=" + kdf + ", maxVersions="
        + maxVersions + ", legacyKey=" + (legacyKeyOrNull == null ? "derived" : "redacted") + ", clock=" + clock + "]";
  }
}
