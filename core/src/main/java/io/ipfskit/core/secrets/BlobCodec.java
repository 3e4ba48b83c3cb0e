package io.ipfskit.core.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.AEADBadTagException;

/**
 * The three blob formats of {@code secrets.enc.json}.
 *
 * <ul>
 *   <li>v1 (reference, legacy): standard base64 of {@code utf8(plain)[i] XOR key[i % len]}; no prefix.
 *   <li>v2 (reference, legacy): {@code v2:b64(salt16):b64(nonce12):b64(ct||tag)}, key =
 *       PBKDF2-HMAC-SHA256(master key bytes, salt, 600000, 32), no AAD.
 *   <li>v3 (ours, the only one written): {@code v3:<version>:b64(salt16):b64(nonce12):b64(ct||tag)},
 *       key = HKDF-SHA256(ikm = data key, salt, info "ipfs-kit secret v3"), AAD =
 *       {@code "ipfs-kit/secret/v3:" + secret id + ":" + version}.
 * </ul>
 *
 * Detection: a blob containing ':' must be a well-formed v2 (4 parts) or v3 (5 parts), otherwise it
 * is an error; base64 never contains ':', so every blob without one is v1 — including the v1 blobs
 * that happen to start with 'v' (the reference misreads those). A damaged v2/v3 blob is never
 * decoded as v1.
 */
final class BlobCodec {
  static final int V2_ITERATIONS = 600_000;
  static final int SALT_BYTES = 16;
  private static final byte[] V3_INFO = "ipfs-kit secret v3".getBytes(StandardCharsets.US_ASCII);

  /** A parsed blob; {@link #encryptionVersion()} is 1, 2 or 3. */
  sealed interface Parsed permits V1, V2, V3 {
    int encryptionVersion();
  }

  record V1(byte[] xored) implements Parsed {
    public int encryptionVersion() {
      return 1;
    }
  }

  record V2(byte[] salt, byte[] nonce, byte[] ciphertextAndTag) implements Parsed {
    public int encryptionVersion() {
      return 2;
    }
  }

  record V3(int version, byte[] salt, byte[] nonce, byte[] ciphertextAndTag) implements Parsed {
    public int encryptionVersion() {
      return 3;
    }
  }

  /** The shape of a blob is wrong; the message describes the shape, never the content. */
  static final class MalformedBlobException extends Exception {
    MalformedBlobException(String message) {
      super(message);
    }
  }

  private BlobCodec() {}

  static Parsed parse(String blob) throws MalformedBlobException {
    if (blob.indexOf(':') >= 0) {
      String[] parts = blob.split(":", -1);
      if (parts[0].equals("v2") && parts.length == 4) {
        byte[] salt = b64(parts[1], "v2 salt");
        byte[] nonce = b64(parts[2], "v2 nonce");
        byte[] ct = b64(parts[3], "v2 ciphertext");
        if (salt.length == 0) {
          throw new MalformedBlobException("v2 blob has an empty salt");
        }
        if (nonce.length != Gcm.NONCE_BYTES) {
          throw new MalformedBlobException("v2 blob nonce must be 12 bytes, but was " + nonce.length);
        }
        if (ct.length < 16) {
          throw new MalformedBlobException("v2 blob ciphertext is " + ct.length + " bytes, shorter than the 16-byte tag (truncated)");
        }
        return new V2(salt, nonce, ct);
      }
      if (parts[0].equals("v3") && parts.length == 5) {
        int version;
        try {
          version = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          throw new MalformedBlobException("v3 blob version field is not a number");
        }
        if (version < 1) {
          throw new MalformedBlobException("v3 blob version must be >= 1, but was " + version);
        }
        byte[] salt = b64(parts[2], "v3 salt");
        byte[] nonce = b64(parts[3], "v3 nonce");
        byte[] ct = b64(parts[4], "v3 ciphertext");
        if (salt.length != SALT_BYTES) {
          throw new MalformedBlobException("v3 blob salt must be 16 bytes, but was " + salt.length);
        }
        if (nonce.length != Gcm.NONCE_BYTES) {
          throw new MalformedBlobException("v3 blob nonce must be 12 bytes, but was " + nonce.length);
        }
        if (ct.length < 16) {
          throw new MalformedBlobException("v3 blob ciphertext is " + ct.length + " bytes, shorter than the 16-byte tag (truncated)");
        }
        return new V3(version, salt, nonce, ct);
      }
      String head = parts[0].matches("v[0-9]{1,3}") ? "'" + parts[0] + "'" : "an unknown tag";
      throw new MalformedBlobException(
          "blob starts with " + head + " and has " + parts.length + " ':'-separated parts; known forms are v2 (4 parts) and v3 (5 parts)");
    }
    return new V1(b64(blob, "v1 blob"));
  }

  private static byte[] b64(String s, String what) throws MalformedBlobException {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new MalformedBlobException(what + " is not valid base64 (" + s.length() + " characters)");
    }
  }

  static String format(V3 v3) {
    Base64.Encoder enc = Base64.getEncoder();
    return "v3:" + v3.version() + ":" + enc.encodeToString(v3.salt()) + ":" + enc.encodeToString(v3.nonce()) + ":"
        + enc.encodeToString(v3.ciphertextAndTag());
  }

  static byte[] aad(String secretId, int version) {
    return ("ipfs-kit/secret/v3:" + secretId + ":" + version).getBytes(StandardCharsets.US_ASCII);
  }

  static V3 sealV3(byte[] dataKey, String secretId, int version, String plain) {
    byte[] salt = Gcm.randomBytes(SALT_BYTES);
    byte[] nonce = Gcm.randomBytes(Gcm.NONCE_BYTES);
    byte[] key = KeyDerivation.hkdfSha256(dataKey, salt, V3_INFO, 32);
    byte[] pt = plain.getBytes(StandardCharsets.UTF_8);
    try {
      return new V3(version, salt, nonce, Gcm.seal(key, nonce, aad(secretId, version), pt));
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(pt, (byte) 0);
    }
  }

  /** @throws AEADBadTagException when the blob was altered, moved to another id/version, or the data key differs */
  static String openV3(byte[] dataKey, String secretId, V3 v3) throws AEADBadTagException, CharacterCodingException {
    byte[] key = KeyDerivation.hkdfSha256(dataKey, v3.salt(), V3_INFO, 32);
    try {
      byte[] pt = Gcm.open(key, v3.nonce(), aad(secretId, v3.version()), v3.ciphertextAndTag());
      try {
        return strictUtf8(pt);
      } finally {
        Arrays.fill(pt, (byte) 0);
      }
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  static String openV1(byte[] legacyKey, V1 v1) throws CharacterCodingException {
    byte[] x = v1.xored();
    byte[] pt = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      pt[i] = (byte) (x[i] ^ legacyKey[i % legacyKey.length]);
    }
    try {
      return strictUtf8(pt);
    } finally {
      Arrays.fill(pt, (byte) 0);
    }
  }

  /** v2 keys are cached per salt: each costs a 600,000-iteration PBKDF2. */
  static String openV2(byte[] legacyKey, V2 v2, ConcurrentHashMap<String, byte[]> keyCache)
      throws AEADBadTagException, CharacterCodingException {
    String cacheKey = Base64.getEncoder().encodeToString(v2.salt());
    byte[] key = keyCache.computeIfAbsent(cacheKey, k -> KeyDerivation.pbkdf2Sha256(legacyKey, v2.salt(), V2_ITERATIONS, 32));
    byte[] pt = Gcm.open(key, v2.nonce(), null, v2.ciphertextAndTag());
    try {
      return strictUtf8(pt);
    } finally {
      Arrays.fill(pt, (byte) 0);
    }
  }

  static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
