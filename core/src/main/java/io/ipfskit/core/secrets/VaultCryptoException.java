package io.ipfskit.core.secrets;

/**
 * Something could not be decrypted or authenticated: wrong password, a tampered or truncated blob or
 * file. The message names the secret id or the file. Nothing is overwritten when this is thrown.
 */
public final class VaultCryptoException extends VaultException {
  public VaultCryptoException(String message) {
    super(message);
  }

  public VaultCryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
