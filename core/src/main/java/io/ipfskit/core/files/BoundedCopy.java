package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies with a ceiling and a way out: at most {@code maxBytes} pass (one byte more fails the copy
 * with {@link ContentTooLargeException} reporting how much was read), and the {@link
 * CancellationCheck} is asked before every chunk (a yes throws {@link OperationCancelledException}).
 * So a 1 TiB sparse file, a file that keeps growing or an endless stream holds a worker for at most
 * {@code maxBytes} of reading, and a cancel takes effect within one chunk.
 *
 * <p>{@link #limit} wraps a stream handed to code that reads it itself (a backend's {@code add});
 * {@link #guard} wraps an output stream another party writes into (a backend's {@code get}); {@link
 * #copy} is the plain loop.
 */
public final class BoundedCopy {
  /** The chunk the copy loop moves at a time. */
  public static final int CHUNK_BYTES = 64 * 1024;

  private BoundedCopy() {}

  /**
   * Copies {@code in} to {@code out} until the end of {@code in}; returns the bytes copied.
   *
   * @throws ContentTooLargeException once more than {@code maxBytes} have been read
   * @throws OperationCancelledException if {@code cancel} says so before a chunk
   * @throws IllegalArgumentException if {@code maxBytes < 0}
   */
  public static long copy(InputStream in, OutputStream out, long maxBytes, CancellationCheck cancel) throws IOException {
    requireNonNull(out, "out");
    InputStream bounded = limit(in, maxBytes, cancel);
    byte[] chunk = new byte[CHUNK_BYTES];
    long total = 0;
    int n;
    while ((n = bounded.read(chunk, 0, chunk.length)) != -1) {
      out.write(chunk, 0, n);
      total += n;
    }
    return total;
  }

  /** {@code in} seen through the ceiling and the cancellation check (see the class comment). */
  public static InputStream limit(InputStream in, long maxBytes, CancellationCheck cancel) {
    requireNonNull(in, "in");
    requireNonNull(cancel, "cancel");
    checkMax(maxBytes);
    return new LimitedInput(in, maxBytes, cancel);
  }

  /**
   * {@code out} seen through the ceiling and the cancellation check: a write that would take the
   * total past {@code maxBytes} throws {@link ContentTooLargeException}, one made after a cancel
   * throws {@link OperationCancelledException}.
   */
  public static OutputStream guard(OutputStream out, long maxBytes, CancellationCheck cancel) {
    requireNonNull(out, "out");
    requireNonNull(cancel, "cancel");
    checkMax(maxBytes);
    return new GuardedOutput(out, maxBytes, cancel);
  }

  private static void checkMax(long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, but was " + maxBytes);
  }

  private static final class LimitedInput extends FilterInputStream {
    private final long maxBytes;
    private final CancellationCheck cancel;
    private long read;

    LimitedInput(InputStream in, long maxBytes, CancellationCheck cancel) {
      super(in);
      this.maxBytes = maxBytes;
      this.cancel = cancel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (cancel.isCancelled()) throw new OperationCancelledException(read);
      int n = in.read(b, off, len);
      if (n > 0) {
        read += n;
        if (read > maxBytes) throw new ContentTooLargeException(maxBytes, read);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes count like read ones; skipping through the stream keeps the rule in one place.
      byte[] sink = new byte[(int) Math.min(Math.max(n, 0), CHUNK_BYTES)];
      int got = read(sink, 0, sink.length);
      return Math.max(got, 0);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  private static final class GuardedOutput extends FilterOutputStream {
    private final long maxBytes;
    private final CancellationCheck cancel;
    private long written;

    GuardedOutput(OutputStream out, long maxBytes, CancellationCheck cancel) {
      super(out);
      this.maxBytes = maxBytes;
      this.cancel = cancel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (cancel.isCancelled()) throw new OperationCancelledException(written);
      if (written + len > maxBytes) throw new ContentTooLargeException(maxBytes, written + len);
      out.write(b, off, len);
      written += len;
    }
  }
}
