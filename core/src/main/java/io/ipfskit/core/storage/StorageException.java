package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * A backend could not do what was asked. {@link #errorClass()} says what that means for a caller
 * (not found, unavailable, transient, permanent); {@link #retryable()} is derived from it.
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final StorageErrorClass errorClass;

  public StorageException(String message, StorageErrorClass errorClass) {
    this(message, errorClass, null);
  }

  public StorageException(String message, StorageErrorClass errorClass, Throwable cause) {
    super(message, cause);
    this.errorClass = requireNonNull(errorClass, "errorClass");
  }

  public StorageErrorClass errorClass() {
    return errorClass;
  }

  /** Whether trying the same call again may help ({@link StorageErrorClass#retryable()}). */
  public boolean retryable() {
    return errorClass.retryable();
  }
}
