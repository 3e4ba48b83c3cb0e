package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;

/**
 * Encrypts and decrypts secret blobs for one unlocked store: v3 with the data key, v1/v2 with the
 * reference master key (explicit, or derived lazily the reference's way on first legacy read).
 * Thread-safe; v2 keys (600,000-iteration PBKDF2 each) are cached per salt.
 */
final class SecretCipher {
  private final byte[] dataKey;
  private final Path secretsFile;
  private volatile byte[] legacyKey;
  private final ConcurrentHashMap<String, byte[]> v2Keys = new ConcurrentHashMap<>();

  SecretCipher(byte[] dataKey, byte[] legacyKeyOrNull, Path secretsFile) {
    this.dataKey = dataKey;
    this.legacyKey = legacyKeyOrNull;
    this.secretsFile = secretsFile;
  }

  byte[] dataKey() {
    return dataKey;
  }

  /** A new v3 blob of {@code plain} for this id and version. */
  String seal(String id, int version, String plain) {
    return BlobCodec.format(BlobCodec.sealV3(dataKey, id, version, plain));
  }

  String decrypt(String id, BlobCodec.Parsed parsed) {
    Path file = secretsFile;
    try {
      if (parsed instanceof BlobCodec.V3 v3) {
        return BlobCodec.openV3(dataKey, id, v3);
      } else if (parsed instanceof BlobCodec.V2 v2) {
        return BlobCodec.openV2(legacyKey(), v2, v2Keys);
      } else {
        return BlobCodec.openV1(legacyKey(), (BlobCodec.V1) parsed);
      }
    } catch (AEADBadTagException ex) {
      if (parsed instanceof BlobCodec.V3) {
        throw new VaultCryptoException("secret " + id + " in " + file + " failed authentication: its blob was modified, "
            + "moved from another secret or version, or this store's data key differs (AES-GCM tag check failed)");
      }
      throw new VaultCryptoException("v2 secret " + id + " in " + file + " failed authentication with the legacy master key:"
          + " set IPFS_KIT_LEGACY_KEY_HEX to the key the reference used, or the blob was modified");
    } catch (CharacterCodingException ex) {
      throw new VaultCryptoException("secret " + id + " in " + file + " (v" + parsed.encryptionVersion()
          + ") does not decrypt to UTF-8 text" + (parsed instanceof BlobCodec.V1
              ? ": wrong legacy master key (set IPFS_KIT_LEGACY_KEY_HEX to the key the reference used) or a modified blob"
              : ""));
    }
  }

  private byte[] legacyKey() {
    byte[] k = legacyKey;
    if (k == null) {
      k = referenceMasterKey();
      legacyKey = k;
    }
    return k;
  }

  /** The reference derivation: SHA-256 of the trimmed /etc/machine-id, else of the host name. */
  static byte[] referenceMasterKey() {
    String material;
    try {
      Path machineId = Path.of("/etc/machine-id");
      if (Files.exists(machineId)) {
        material = Files.readString(machineId).strip();
      } else {
        Path hostname = Path.of("/proc/sys/kernel/hostname");
        material = Files.exists(hostname) ? Files.readString(hostname).strip()
            : java.net.InetAddress.getLocalHost().getHostName();
      }
    } catch (IOException e) {
      throw new VaultStorageException("cannot derive the reference master key from /etc/machine-id or the host name: " + e
          + "; set IPFS_KIT_LEGACY_KEY_HEX", e);
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decrypts a legacy blob, seals it as v3 and proves the new blob decrypts to the same text. */
  String reencrypt(String id, BlobCodec.Parsed legacy, int version) {
    String plain = decrypt(id, legacy);
    String blob = seal(id, version, plain);
    String check;
    try {
      check = decrypt(id, BlobCodec.parse(blob));
    } catch (BlobCodec.MalformedBlobException e) {
      throw new IllegalStateException("a freshly written v3 blob does not parse", e);
    }
    if (!MessageDigest.isEqual(check.getBytes(StandardCharsets.UTF_8), plain.getBytes(StandardCharsets.UTF_8))) {
      throw new VaultCryptoException("secret " + id + ": the re-encrypted blob did not decrypt to the original value; not migrated");
    }
    return blob;
  }

  void destroy() {
    Arrays.fill(dataKey, (byte) 0);
    v2Keys.values().forEach(k -> Arrays.fill(k, (byte) 0));
  }
}
