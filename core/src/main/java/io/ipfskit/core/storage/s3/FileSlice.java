package io.ipfskit.core.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * One part's slice of the spool file. The SDK may open it more than once (to sign, then to
 * send); every stream opened is closed by {@link #close()} at the latest.
 */
final class FileSlice implements ContentStreamProvider, AutoCloseable {
  private final Path file;
  private final long offset;
  private final long length;
  private final List<InputStream> opened = new ArrayList<>();

  FileSlice(Path file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  @Override
  public synchronized InputStream newStream() {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ).position(offset);
      InputStream s = new BoundedStream(Channels.newInputStream(ch), length);
      opened.add(s);
      return s;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot reopen the spool file " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    for (InputStream s : opened) {
      try {
        s.close();
      } catch (IOException ignored) {
        // read-only file stream
      }
    }
    opened.clear();
  }

  /** At most {@code remaining} bytes of {@code in}. */
  private static final class BoundedStream extends FilterInputStream {
    private long remaining;

    BoundedStream(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) return -1;
      int b = in.read();
      if (b >= 0) remaining--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) return -1;
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = in.skip(Math.min(n, remaining));
      remaining -= s;
      return s;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
