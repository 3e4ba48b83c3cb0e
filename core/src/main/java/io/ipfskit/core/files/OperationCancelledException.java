package io.ipfskit.core.files;

import java.io.IOException;

/** A copy or write stopped because its {@link CancellationCheck} said so. Not a failure to retry. */
public final class OperationCancelledException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long bytesCopied;

  OperationCancelledException(long bytesCopied) {
    super("cancelled by request after " + bytesCopied + " bytes");
    this.bytesCopied = bytesCopied;
  }

  public long bytesCopied() {
    return bytesCopied;
  }
}
