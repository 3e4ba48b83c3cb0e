package io.ipfskit.core.secrets;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Key derivation functions over byte passwords: PBKDF2-HMAC-SHA256 (RFC 8018, on the JCA HMAC so it
 * runs at SunJCE speed, and so binary passwords such as the reference master key work, which
 * {@code PBEKeySpec(char[])} cannot express), Argon2id (Bouncy Castle) and HKDF-SHA256 (RFC 5869).
 */
final class KeyDerivation {
  private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  });

  private KeyDerivation() {}

  static byte[] pbkdf2Sha256(byte[] password, byte[] salt, int iterations, int lengthBytes) {
    if (iterations < 1 || lengthBytes < 1) {
      throw new IllegalArgumentException("iterations and lengthBytes must be >= 1");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      // an empty HMAC key is legal (RFC 2104) but SecretKeySpec refuses it; the reference never has one
      mac.init(new SecretKeySpec(password, "HmacSHA256"));
      byte[] out = new byte[lengthBytes];
      byte[] u = new byte[32];
      byte[] t = new byte[32];
      int blocks = (lengthBytes + 31) / 32;
      for (int block = 1; block <= blocks; block++) {
        mac.update(salt);
        mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
        mac.doFinal(u, 0);
        System.arraycopy(u, 0, t, 0, 32);
        for (int i = 1; i < iterations; i++) {
          mac.update(u);
          mac.doFinal(u, 0);
          for (int j = 0; j < 32; j++) {
            t[j] ^= u[j];
          }
        }
        System.arraycopy(t, 0, out, (block - 1) * 32, Math.min(32, lengthBytes - (block - 1) * 32));
      }
      Arrays.fill(u, (byte) 0);
      Arrays.fill(t, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2-HMAC-SHA256 failed", e);
    }
  }

  static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int lengthBytes) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt)
        .withMemoryAsKB(memoryKib)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[lengthBytes];
    gen.generateBytes(password, out);
    return out;
  }

  /** HKDF-SHA256 extract-and-expand for at most 32 output bytes (one block). */
  static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int lengthBytes) {
    if (lengthBytes < 1 || lengthBytes > 32) {
      throw new IllegalArgumentException("lengthBytes must be 1 to 32, but was " + lengthBytes);
    }
    Mac mac = HMAC.get();
    try {
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(info);
      mac.update((byte) 1);
      byte[] okm = mac.doFinal();
      Arrays.fill(prk, (byte) 0);
      if (lengthBytes == 32) {
        return okm;
      }
      byte[] out = Arrays.copyOf(okm, lengthBytes);
      Arrays.fill(okm, (byte) 0);
      return out;
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HKDF-SHA256 failed", e);
    }
  }

  /** UTF-8 bytes of a password without going through an immutable String. */
  static byte[] utf8(char[] password) {
    ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), (byte) 0);
    }
    return out;
  }
}
