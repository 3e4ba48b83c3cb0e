package io.ipfskit.core.storage;

/**
 * What a failed storage call means for whoever retries it. Every {@link StorageException} carries
 * one; the write-ahead log decides from it whether to retry, wait or fail an operation, and the
 * resilience layer decides whether the failure counts against the backend.
 *
 * <table>
 *   <caption>What each class means</caption>
 *   <tr><th>class</th><th>example</th><th>the WAL</th></tr>
 *   <tr><td>{@link #NOT_FOUND}</td><td>no content with this CID</td><td>fails the operation</td></tr>
 *   <tr><td>{@link #UNAVAILABLE}</td><td>connection refused, backend offline</td>
 *       <td>waits for the backend without spending a retry</td></tr>
 *   <tr><td>{@link #TRANSIENT}</td><td>timeout, 503, throttling, disk full</td>
 *       <td>retries with backoff until {@code max_retries}</td></tr>
 *   <tr><td>{@link #PERMANENT}</td><td>invalid CID, access denied, missing source file</td>
 *       <td>fails the operation at once</td></tr>
 * </table>
 */
public enum StorageErrorClass {
  /** The backend answered and holds no such content. Asking again gives the same answer. */
  NOT_FOUND(false),
  /** The backend cannot be reached at all. Worth waiting for; not the operation's fault. */
  UNAVAILABLE(true),
  /** The call failed this time and may succeed if repeated (timeouts, 5xx, throttling, disk full). */
  TRANSIENT(true),
  /** The request itself is wrong (bad CID, denied, missing file): repeating it cannot help. */
  PERMANENT(false);

  private final boolean retryable;

  StorageErrorClass(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether repeating the same call may succeed: true for {@link #UNAVAILABLE} and {@link #TRANSIENT}. */
  public boolean retryable() {
    return retryable;
  }
}
