package io.ipfskit.server.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into '\n'-terminated lines without ever holding more than
 * {@code maxLineBytes} of one line: a longer line is consumed to its end and reported as
 * {@link Line#tooLong()}, so a peer cannot make the server buffer without bound.
 * Not thread-safe: one reading thread.
 */
final class BoundedLineReader {

  /** One line without its terminator ('\n', or "\r\n"), or the size of a discarded long line. */
  record Line(byte[] bytes, long discardedBytes, byte[] head) {
    Line(byte[] bytes, long discardedBytes) {
      this(bytes, discardedBytes, null);
    }

    boolean tooLong() {
      return bytes == null;
    }
  }

  /** How much of a discarded line is kept (to read its JSON-RPC id from). */
  static final int HEAD_BYTES = 4096;

  private final InputStream in;
  private byte[] head; // the first bytes of the line being discarded
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
    long discarded = 0;
    boolean sawAny = false;
    while (true) {
      if (start == end) {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
          if (!sawAny) {
            return null;
          }
          return finish(line, length, discarded);
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
      if (discarded > 0 || length + chunk > maxLineBytes) {
        if (discarded == 0 && length + chunk > 0) {
          int fromLine = Math.min(length, HEAD_BYTES);
          int fromChunk = Math.min(chunk, HEAD_BYTES - fromLine);
          head = Arrays.copyOf(line, fromLine + fromChunk);
          System.arraycopy(buffer, start, head, fromLine, fromChunk);
        }
        discarded += length + chunk;
        length = 0;
      } else {
        if (length + chunk > line.length) {
          line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, length + chunk)));
        }
        System.arraycopy(buffer, start, line, length, chunk);
        length += chunk;
      }
      if (newline < 0) {
        start = end;
      } else {
        start = newline + 1;
        return finish(line, length, discarded);
      }
    }
  }

  private Line finish(byte[] line, int length, long discarded) {
    if (discarded > 0) {
      byte[] h = head;
      head = null;
      return new Line(null, discarded, h);
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new Line(Arrays.copyOf(line, length), 0);
  }
}
