package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Passes a stream through, writing every byte read to a copy as well (a spool file while the CID is
 * computed; the caller's stream while a read is verified). A failure of the copy is thrown as {@link
 * CopyFailure} (its cause the copy's exception), so callers tell it apart from a failure of the
 * source. Skipping is refused (it would leave a hole in the copy); {@link #close()} closes neither.
 */
public final class TeeInputStream extends FilterInputStream {
  private final OutputStream copy;

  public TeeInputStream(InputStream source, OutputStream copy) {
    super(requireNonNull(source, "source"));
    this.copy = requireNonNull(copy, "copy");
  }

  /** Writing the copy (not reading the source) failed. */
  public static final class CopyFailure extends IOException {
    private static final long serialVersionUID = 1L;

    CopyFailure(IOException cause) {
      super(cause);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      try {
        copy.write(b, off, n);
      } catch (IOException e) {
        throw new CopyFailure(e);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skipping would leave a hole in the copy");
  }

  @Override
  public void close() {
    // the caller owns both streams
  }
}
