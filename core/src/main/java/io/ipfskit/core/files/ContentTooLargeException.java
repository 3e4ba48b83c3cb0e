package io.ipfskit.core.files;

import java.io.IOException;

/**
 * The content grew past the maximum size for one copy (a huge, sparse or still growing file).
 * Permanent: the same file will be as large next time, so the operation fails without retrying.
 */
public final class ContentTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long limitBytes;
  private final long bytesRead;

  ContentTooLargeException(long limitBytes, long bytesRead) {
    super("content is larger than the maximum size of " + limitBytes + " bytes for one copy (read "
        + bytesRead + " bytes before stopping); raise the maximum size or copy a smaller file");
    this.limitBytes = limitBytes;
    this.bytesRead = bytesRead;
  }

  public long limitBytes() {
    return limitBytes;
  }

  /** How many bytes were read before the copy stopped (more than {@link #limitBytes()}). */
  public long bytesRead() {
    return bytesRead;
  }
}
