package io.ipfskit.core.storage;

/**
 * The backend cannot be reached at all (connection refused, circuit open, health offline):
 * {@link StorageErrorClass#UNAVAILABLE}. The write-ahead log waits for it to come back without
 * spending one of the operation's retries.
 */
public class BackendUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String message, Throwable cause) {
    super(message, StorageErrorClass.UNAVAILABLE, cause);
  }
}
