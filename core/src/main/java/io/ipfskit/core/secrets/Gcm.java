package io.ipfskit.core.secrets;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM on JCA (SunJCE, AES-NI intrinsics); one cached Cipher per thread. */
final class Gcm {
  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  static final SecureRandom RANDOM = new SecureRandom();

  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is not available in this JVM", e);
    }
  });

  private Gcm() {}

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Encrypts; returns ciphertext followed by the 16-byte tag. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] aadOrNull, byte[] plain) {
    Cipher c = CIPHER.get();
    try {
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      if (aadOrNull != null) {
        c.updateAAD(aadOrNull);
      }
      return c.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts and authenticates.
   *
   * @throws AEADBadTagException when the key, nonce, AAD, ciphertext or tag do not match
   */
  static byte[] open(byte[] key, byte[] nonce, byte[] aadOrNull, byte[] ciphertextAndTag) throws AEADBadTagException {
    Cipher c = CIPHER.get();
    try {
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      if (aadOrNull != null) {
        c.updateAAD(aadOrNull);
      }
      return c.doFinal(ciphertextAndTag);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
