package io.ipfskit.core.wal;

/** The operation archive (Parquet partitions) cannot be read or written. */
public class ArchiveFailedClosedException extends WalException {
  private static final long serialVersionUID = 1L;

  public ArchiveFailedClosedException(String message, Throwable cause) {
    super(Kind.ARCHIVE_FAILED_CLOSED, message, cause);
  }
}
