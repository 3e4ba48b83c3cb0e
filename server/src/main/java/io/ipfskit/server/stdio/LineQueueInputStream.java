package io.ipfskit.server.stdio;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The SDK's stdin: a stream fed one vetted line at a time by the reading thread of
 * {@link StdioServer}, read by the SDK's inbound thread.
 *
 * <p>Invariants: {@code current} and {@code position} are touched only by the single reader
 * thread; the queue is the only hand-over point. {@link #finish()} enqueues an end marker, after
 * which every read returns -1. {@link #available()} reports only the bytes of the line in hand, so
 * the SDK's reader hands a complete line on without blocking for the next one.
 */
final class LineQueueInputStream extends InputStream {

  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>();
  private byte[] current; // reader thread only
  private int position; // reader thread only
  private boolean ended; // reader thread only

  /** Queues one line; {@code line} must end with '\n' and must not be modified afterwards. */
  void offer(byte[] line) {
    lines.add(line);
  }

  /** Signals the end of input: reads return -1 once queued lines are consumed. */
  void finish() {
    lines.add(END);
  }

  @Override
  public int read() throws InterruptedIOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
    if (length == 0) {
      return 0;
    }
    if (!ensureLine()) {
      return -1;
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return current == null ? 0 : current.length - position;
  }

  private boolean ensureLine() throws InterruptedIOException {
    if (ended) {
      return false;
    }
    while (current == null || position == current.length) {
      byte[] next;
      try {
        next = lines.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the next stdin line");
      }
      if (next == END) {
        ended = true;
        current = null;
        return false;
      }
      current = next;
      position = 0;
    }
    return true;
  }
}
