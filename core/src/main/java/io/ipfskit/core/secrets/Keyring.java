package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The keyring file {@code keyring.json} (0600): the store's 256-bit data key, wrapped with AES-256-GCM
 * by a key-encryption key (KEK), plus everything needed to derive the KEK again.
 *
 * <pre>
 * {"format": "ipfs-kit-keyring/1",
 *  "protection": "password" | "key_file",
 *  "kdf": {"algorithm": "pbkdf2-hmac-sha256", "iterations": 600000, "salt": b64}
 *       | {"algorithm": "argon2id", "memory_kib": m, "iterations": t, "parallelism": p, "salt": b64}
 *       | {"algorithm": "hkdf-sha256", "salt": b64}            (key file: already 256 random bits)
 *  "wrapped_data_key": {"nonce": b64(12), "ciphertext": b64(32 + 16 tag)},
 *  "updated_at": epoch seconds}
 * </pre>
 *
 * The wrap's AAD is a canonical string of format, protection and every KDF parameter, so lowering a
 * parameter in the file makes unwrapping fail instead of weakening the next password change. A
 * password change re-wraps the same data key: secrets are not re-encrypted.
 */
final class Keyring {
  static final String FILE = "keyring.json";
  static final String FORMAT = "ipfs-kit-keyring/1";
  private static final byte[] KEYFILE_INFO = "ipfs-kit keyring kek".getBytes(StandardCharsets.US_ASCII);

  /** What a keyring says about itself (for encryption_info). */
  record Description(String protection, String kdf) {}

  private Keyring() {}

  static boolean exists(Path dir) {
    return Files.exists(dir.resolve(FILE));
  }

  /** Reads and unwraps the data key. */
  static byte[] unlock(Path dir, KeySource source) {
    Path file = dir.resolve(FILE);
    byte[] bytes = VaultFiles.readOrNull(file);
    if (bytes == null) {
      throw new VaultStorageException(file + " does not exist");
    }
    ObjectNode root = StoreJson.parseObject(file, bytes);
    String format = str(file, root, "format");
    if (!FORMAT.equals(format)) {
      throw new VaultCryptoException(file + ": format must be " + FORMAT + ", but was '" + format + "'");
    }
    String protection = str(file, root, "protection");
    JsonNode kdf = root.get("kdf");
    JsonNode wrapped = root.get("wrapped_data_key");
    if (kdf == null || !kdf.isObject() || wrapped == null || !wrapped.isObject()) {
      throw new VaultCryptoException(file + " lacks kdf or wrapped_data_key (truncated or damaged)");
    }
    byte[] kek = switch (protection) {
      case "password" -> {
        if (!(source instanceof KeySource.Password p)) {
          throw new VaultCryptoException(file + " is protected by a master password, but none was given; set"
              + " IPFS_KIT_MASTER_PASSWORD or IPFS_KIT_MASTER_PASSWORD_FILE");
        }
        char[] pw = p.password();
        try {
          yield derivePasswordKek(file, (ObjectNode) kdf, pw);
        } finally {
          Arrays.fill(pw, '\0');
        }
      }
      case "key_file" -> {
        if (!(source instanceof KeySource.KeyFile kf)) {
          throw new VaultCryptoException(file + " is protected by a key file, but a master password was given; unset"
              + " the password to open it with the key file, then change the password to switch");
        }
        byte[] key = readKeyFile(kf.path());
        try {
          yield KeyDerivation.hkdfSha256(key, b64(file, kdf, "salt"), KEYFILE_INFO, 32);
        } finally {
          Arrays.fill(key, (byte) 0);
        }
      }
      default -> throw new VaultCryptoException(file + ": protection must be password or key_file, but was '" + protection + "'");
    };
    try {
      byte[] nonce = b64(file, wrapped, "nonce");
      byte[] ct = b64(file, wrapped, "ciphertext");
      if (nonce.length != Gcm.NONCE_BYTES || ct.length != 48) {
        throw new VaultCryptoException(file + ": wrapped_data_key has the wrong size (truncated or damaged)");
      }
      return Gcm.open(kek, nonce, aad(protection, (ObjectNode) kdf), ct);
    } catch (AEADBadTagException e) {
      String why = protection.equals("password") ? "wrong master password" : "the key file does not belong to this store";
      throw new VaultCryptoException("cannot unlock " + file + ": " + why + ", or the keyring file was modified"
          + " (AES-GCM authentication failed). Nothing was changed");
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** Creates a keyring around a fresh random data key; returns the data key. Call under the store lock. */
  static byte[] create(Path dir, KeySource source, Kdf kdf, KdfCost cost, Instant now) {
    byte[] dataKey = Gcm.randomBytes(32);
    if (source instanceof KeySource.KeyFile kf && !Files.exists(kf.path())) {
      createKeyFile(kf.path());
    }
    write(dir, dataKey, source, kdf, cost, now);
    return dataKey;
  }

  /** Wraps {@code dataKey} for {@code source} and replaces the keyring atomically. */
  static void write(Path dir, byte[] dataKey, KeySource source, Kdf kdf, KdfCost cost, Instant now) {
    ObjectNode root = StoreJson.NODES.objectNode();
    root.put("format", FORMAT);
    ObjectNode k = StoreJson.NODES.objectNode();
    byte[] salt = Gcm.randomBytes(16);
    byte[] kek;
    if (source instanceof KeySource.Password p) {
      root.put("protection", "password");
      char[] pw = p.password();
      byte[] pwBytes = KeyDerivation.utf8(pw);
      Arrays.fill(pw, '\0');
      try {
        if (kdf == Kdf.PBKDF2_SHA256) {
          k.put("algorithm", "pbkdf2-hmac-sha256");
          k.put("iterations", cost.pbkdf2Iterations());
          kek = KeyDerivation.pbkdf2Sha256(pwBytes, salt, cost.pbkdf2Iterations(), 32);
        } else {
          k.put("algorithm", "argon2id");
          k.put("memory_kib", cost.argon2MemoryKib());
          k.put("iterations", cost.argon2Iterations());
          k.put("parallelism", cost.argon2Parallelism());
          kek = KeyDerivation.argon2id(pwBytes, salt, cost.argon2MemoryKib(), cost.argon2Iterations(),
              cost.argon2Parallelism(), 32);
        }
      } finally {
        Arrays.fill(pwBytes, (byte) 0);
      }
    } else {
      root.put("protection", "key_file");
      k.put("algorithm", "hkdf-sha256");
      byte[] key = readKeyFile(((KeySource.KeyFile) source).path());
      kek = KeyDerivation.hkdfSha256(key, salt, KEYFILE_INFO, 32);
      Arrays.fill(key, (byte) 0);
    }
    k.put("salt", Base64.getEncoder().encodeToString(salt));
    root.set("kdf", k);
    byte[] nonce = Gcm.randomBytes(Gcm.NONCE_BYTES);
    byte[] ct = Gcm.seal(kek, nonce, aad(root.get("protection").stringValue(), k), dataKey);
    Arrays.fill(kek, (byte) 0);
    ObjectNode w = root.putObject("wrapped_data_key");
    w.put("nonce", Base64.getEncoder().encodeToString(nonce));
    w.put("ciphertext", Base64.getEncoder().encodeToString(ct));
    root.set("updated_at", StoreJson.epoch(now));
    VaultFiles.writeAtomically(dir.resolve(FILE), StoreJson.write(root));
  }

  static Description describe(Path dir) {
    Path file = dir.resolve(FILE);
    byte[] bytes = VaultFiles.readOrNull(file);
    if (bytes == null) {
      return new Description("none", "none");
    }
    ObjectNode root = StoreJson.parseObject(file, bytes);
    JsonNode k = root.get("kdf");
    String alg = k == null || k.get("algorithm") == null ? "?" : k.get("algorithm").asString();
    String kdf = switch (alg) {
      case "pbkdf2-hmac-sha256" -> "PBKDF2-HMAC-SHA256 " + k.get("iterations").asLong() + " iterations";
      case "argon2id" -> "Argon2id m=" + k.get("memory_kib").asLong() + " KiB, t=" + k.get("iterations").asLong()
          + ", p=" + k.get("parallelism").asLong();
      case "hkdf-sha256" -> "HKDF-SHA256 from a 256-bit key file";
      default -> alg;
    };
    JsonNode p = root.get("protection");
    return new Description(p == null ? "?" : p.asString(), kdf);
  }

  private static byte[] derivePasswordKek(Path file, ObjectNode kdf, char[] password) {
    String alg = str(file, kdf, "algorithm");
    byte[] salt = b64(file, kdf, "salt");
    byte[] pw = KeyDerivation.utf8(password);
    try {
      return switch (alg) {
        case "pbkdf2-hmac-sha256" -> KeyDerivation.pbkdf2Sha256(pw, salt, positive(file, kdf, "iterations"), 32);
        case "argon2id" -> KeyDerivation.argon2id(pw, salt, positive(file, kdf, "memory_kib"),
            positive(file, kdf, "iterations"), positive(file, kdf, "parallelism"), 32);
        default -> throw new VaultCryptoException(file + ": kdf algorithm '" + alg + "' is not supported");
      };
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }

  /** Canonical AAD binding every KDF parameter to the wrapped key. */
  private static byte[] aad(String protection, ObjectNode kdf) {
    StringBuilder sb = new StringBuilder(FORMAT).append('|').append(protection);
    for (String f : new String[] {"algorithm", "iterations", "memory_kib", "parallelism", "salt"}) {
      JsonNode n = kdf.get(f);
      sb.append('|').append(f).append('=').append(n == null ? "" : n.asString());
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static void createKeyFile(Path path) {
    Path parent = path.toAbsolutePath().getParent();
    VaultFiles.ensurePrivateDirectory(parent);
    byte[] key = Gcm.randomBytes(32);
    byte[] text = (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(key, (byte) 0);
    VaultFiles.writeAtomically(path, text);
    Arrays.fill(text, (byte) 0);
  }

  static byte[] readKeyFile(Path path) {
    byte[] bytes = VaultFiles.readOrNull(path);
    if (bytes == null) {
      throw new VaultCryptoException("key file " + path + " does not exist, but keyring.json needs it; restore the key file"
          + " (or open with the master password if one was set)");
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
      if (perms.stream().anyMatch(pp -> pp.name().startsWith("GROUP") || pp.name().startsWith("OTHERS"))) {
        throw new VaultCryptoException("key file " + path + " must be readable by its owner only (0600), but has mode "
            + PosixFilePermissions.toString(perms) + "; run: chmod 600 " + path);
      }
    } catch (IOException e) {
      throw new VaultStorageException("cannot read the permissions of " + path + ": " + e, e);
    }
    String text = new String(bytes, StandardCharsets.US_ASCII).strip();
    Arrays.fill(bytes, (byte) 0);
    if (text.length() != 64 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new VaultCryptoException("key file " + path + " must hold 64 hexadecimal digits (256 bits), but holds "
          + text.length() + " characters" + (text.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? "" : " including non-hex ones"));
    }
    return HexFormat.of().parseHex(text.toLowerCase(java.util.Locale.ROOT));
  }

  private static String str(Path file, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isString()) {
      throw new VaultCryptoException(file + ": field " + field + " must be a string (truncated or damaged)");
    }
    return v.stringValue();
  }

  private static int positive(Path file, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || v.intValue() < 1) {
      throw new VaultCryptoException(file + ": kdf field " + field + " must be a positive integer");
    }
    return v.intValue();
  }

  private static byte[] b64(Path file, JsonNode n, String field) {
    try {
      return Base64.getDecoder().decode(str(file, n, field));
    } catch (IllegalArgumentException e) {
      throw new VaultCryptoException(file + ": field " + field + " is not valid base64");
    }
  }
}
