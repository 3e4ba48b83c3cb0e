package io.ipfskit.core.secrets;

/** Base of every vault failure. Messages never contain a secret value or key material. */
public class VaultException extends RuntimeException {
  public VaultException(String message) {
    super(message);
  }

  public VaultException(String message, Throwable cause) {
    super(message, cause);
  }
}
