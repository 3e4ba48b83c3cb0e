package io.ipfskit.core.files;

/**
 * Asked between chunks of a copy or write: true stops it (the copy then throws {@link
 * OperationCancelledException} and removes what it had written). Implementations must be cheap and
 * thread-safe, e.g. a volatile flag set by {@code wal_cancel_operation}.
 */
@FunctionalInterface
public interface CancellationCheck {
  /** Never cancels. */
  CancellationCheck NEVER = () -> false;

  boolean isCancelled();
}
