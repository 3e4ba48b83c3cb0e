package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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

  /**
   * Reads the configuration from {@code IPFS_KIT_*} variables; the store is {@code home/secrets}.
   *
   * <ul>
   *   <li>{@code IPFS_KIT_MASTER_PASSWORD} or {@code IPFS_KIT_MASTER_PASSWORD_FILE} (one, not both;
   *       a trailing line break in the file is dropped). Neither: key file {@code home/secrets/master.key}.
   *   <li>{@code IPFS_KIT_KDF}: {@code pbkdf2} (default) or {@code argon2id}.
   *   <li>{@code IPFS_KIT_LEGACY_KEY_HEX}: the reference master key, hex.
   *   <li>{@code IPFS_KIT_SECRETS_MAX_VERSIONS}: 1 to 100, default 5.
   * </ul>
   *
   * @throws IllegalArgumentException naming the variable, the rule and what was given (never a key)
   */
  public static VaultConfig fromEnvironment(Path home, Map<String, String> env) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(env, "env");
    Path dir = home.resolve("secrets");
    String password = env.get("IPFS_KIT_MASTER_PASSWORD");
    String passwordFile = env.get("IPFS_KIT_MASTER_PASSWORD_FILE");
    KeySource source;
    if (password != null && passwordFile != null) {
      throw new IllegalArgumentException(
          "set only one of IPFS_KIT_MASTER_PASSWORD and IPFS_KIT_MASTER_PASSWORD_FILE, but both were set");
    } else if (password != null) {
      if (password.isEmpty()) {
        throw new IllegalArgumentException("IPFS_KIT_MASTER_PASSWORD must not be empty; unset it to use a key file");
      }
      source = new KeySource.Password(password.toCharArray());
    } else if (passwordFile != null) {
      source = new KeySource.Password(readPasswordFile(Path.of(passwordFile)));
    } else {
      source = new KeySource.KeyFile(dir.resolve("master.key"));
    }

    String kdfName = env.getOrDefault("IPFS_KIT_KDF", "pbkdf2");
    Kdf kdf = switch (kdfName.toLowerCase(Locale.ROOT)) {
      case "pbkdf2" -> Kdf.PBKDF2_SHA256;
      case "argon2id" -> Kdf.ARGON2ID;
      default -> throw new IllegalArgumentException(
          "IPFS_KIT_KDF must be pbkdf2 or argon2id, but was '" + kdfName + "'");
    };

    byte[] legacy = null;
    String legacyHex = env.get("IPFS_KIT_LEGACY_KEY_HEX");
    if (legacyHex != null) {
      String h = legacyHex.trim();
      if (h.isEmpty() || h.length() % 2 != 0 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("IPFS_KIT_LEGACY_KEY_HEX must be a non-empty even number of hexadecimal"
            + " digits, but has " + h.length() + " characters" + (h.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                ? "" : " including non-hex ones"));
      }
      legacy = HexFormat.of().parseHex(h.toLowerCase(Locale.ROOT));
    }

    int maxVersions = DEFAULT_MAX_VERSIONS;
    String mv = env.get("IPFS_KIT_SECRETS_MAX_VERSIONS");
    if (mv != null) {
      try {
        maxVersions = Integer.parseInt(mv.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "IPFS_KIT_SECRETS_MAX_VERSIONS must be an integer from 1 to " + MAX_MAX_VERSIONS + ", but was '" + mv + "'");
      }
      if (maxVersions < 1 || maxVersions > MAX_MAX_VERSIONS) {
        throw new IllegalArgumentException(
            "IPFS_KIT_SECRETS_MAX_VERSIONS must be an integer from 1 to " + MAX_MAX_VERSIONS + ", but was " + maxVersions);
      }
    }
    return new VaultConfig(dir, source, kdf, maxVersions, legacy, Clock.systemUTC());
  }

  private static char[] readPasswordFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "IPFS_KIT_MASTER_PASSWORD_FILE must name a readable file, but " + file + " could not be read: "
              + e.getClass().getSimpleName());
    }
    int end = bytes.length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new IllegalArgumentException("IPFS_KIT_MASTER_PASSWORD_FILE " + file + " must hold a password, but is empty");
    }
    java.nio.CharBuffer cb = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
    char[] out = new char[cb.remaining()];
    cb.get(out);
    Arrays.fill(bytes, (byte) 0);
    if (cb.hasArray()) {
      Arrays.fill(cb.array(), '\0');
    }
    return out;
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
