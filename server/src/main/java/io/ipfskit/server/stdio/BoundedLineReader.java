package io.ipfskit.server.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into '\n'-terminated lines without ever holding more than
 * {@code maxLineBytes} of one line: a longer line is consumed to its end and reported as
 * {@link Line#tooLong()}, so a peer cannot make the server buffer without bound. While a long line
 * is consumed, its bytes stream through {@link OversizedMessage#read} (bounded memory), so the
 * request can still be answered with its id. Not thread-safe: one reading thread.
 */
final class BoundedLineReader {

  /**
   * One line without its terminator ('\n', or "\r\n"), or the size of a discarded long line and
   * what could be read from it ({@code oversized}, non-null for a discarded line).
   */
  record Line(byte[] bytes, long discardedBytes, OversizedMessage oversized) {
    Line(byte[] bytes, long discardedBytes) {
      this(bytes, discardedBytes, null);
    }

    boolean tooLong() {
      return bytes == null;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int start;
  private int end;

  BoundedLineReader(InputStream in, int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, but was " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or null at end of input (a final line without '\n' is still returned). */
  Line next() throws IOException {
    byte[] line = new byte[Math.min(256, maxLineBytes)];
    int length = 0;
    boolean sawAny = false;
    while (true) {
      if (start == end) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          if (!sawAny) {
            return null;
          }
          return finish(line, length);
        }
        start = 0;
        end = n;
      }
      sawAny = true;
      int newline = -1;
      for (int i = start; i < end; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      int chunkEnd = newline < 0 ? end : newline;
      int chunk = chunkEnd - start;
      if (length + chunk > maxLineBytes) {
        return discard(line, length);
      }
      if (length + chunk > line.length) {
        line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, length + chunk)));
      }
      System.arraycopy(buffer, start, line, length, chunk);
      length += chunk;
      if (newline < 0) {
        start = end;
      } else {
        start = newline + 1;
        return finish(line, length);
      }
    }
  }

  /**
   * Consumes the rest of a line that outgrew the limit: its first {@code held} bytes (in {@code
   * line}) and everything up to the next '\n' stream through {@link OversizedMessage#read}, then
   * whatever it did not read is skipped.
   */
  private Line discard(byte[] line, int held) throws IOException {
    RestOfLine rest = new RestOfLine(line, held);
    OversizedMessage found = OversizedMessage.read(rest);
    rest.skipToEnd();
    return new Line(null, rest.served, found);
  }

  /** The bytes of the current line from its start (the held part, then the buffer and {@code in}) to its '\n'. */
  private final class RestOfLine extends InputStream {
    private final byte[] held;
    private final int heldLength;
    private int heldPos;
    private boolean ended;
    long served;

    RestOfLine(byte[] held, int heldLength) {
      this.held = held;
      this.heldLength = heldLength;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (heldPos < heldLength) {
        int n = Math.min(len, heldLength - heldPos);
        System.arraycopy(held, heldPos, b, off, n);
        heldPos += n;
        served += n;
        return n;
      }
      if (ended) return -1;
      if (start == end) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          ended = true;
          return -1;
        }
        start = 0;
        end = n;
      }
      int stop = Math.min(end, start + len);
      for (int i = start; i < stop; i++) {
        if (buffer[i] == '\n') {
          stop = i;
          ended = true;
          break;
        }
      }
      int n = stop - start;
      System.arraycopy(buffer, start, b, off, n);
      start = ended ? stop + 1 : stop;
      served += n;
      return n == 0 && ended ? -1 : n;
    }

    void skipToEnd() throws IOException {
      byte[] sink = new byte[8192];
      while (read(sink, 0, sink.length) >= 0) {
        // discarded
      }
    }

    @Override
    public void close() {
      // the reader owns the underlying stream
    }
  }

  private Line finish(byte[] line, int length) {
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new Line(Arrays.copyOf(line, length), 0);
  }
}
