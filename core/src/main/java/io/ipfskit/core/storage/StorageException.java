package io.ipfskit.core.storage;

import java.io.IOException;

/** A backend could not do what was asked; {@link #retryable()} says whether trying again may help. */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public StorageException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public StorageException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
