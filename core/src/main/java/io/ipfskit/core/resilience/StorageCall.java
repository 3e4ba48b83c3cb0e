package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.StorageException;

/** One call to a backend that {@link Resilience} guards or retries. */
@FunctionalInterface
public interface StorageCall<T> {
  T call() throws StorageException;
}
