package io.ipfskit.core.secrets;

/** Password-based key derivation used to derive the key-encryption key of the keyring. */
public enum Kdf {
  PBKDF2_SHA256,
  ARGON2ID
}
