package io.ipfskit.core.secrets;

/** An I/O failure reading or writing the store; the message names the file. */
public final class VaultStorageException extends VaultException {
  public VaultStorageException(String message) {
    super(message);
  }

  public VaultStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
