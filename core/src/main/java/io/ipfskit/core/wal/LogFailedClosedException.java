package io.ipfskit.core.wal;

/**
 * The log stopped accepting records after an I/O error (a failed fsync is never retried: the log
 * must be reopened and replayed), or it is closed. Another owner of the directory may succeed.
 */
public class LogFailedClosedException extends WalException {
  private static final long serialVersionUID = 1L;

  public LogFailedClosedException(String message, Throwable cause) {
    super(Kind.LOG_FAILED_CLOSED, message, cause);
  }
}
