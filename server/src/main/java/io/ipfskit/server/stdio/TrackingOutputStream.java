package io.ipfskit.server.stdio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stdout, shared by the SDK and the line filter. The SDK writes each message under
 * {@code synchronized (outputStream)} on this very object, and {@link #writeOwnLine} takes the same
 * monitor, so lines from the two writers never interleave.
 *
 * <p>The monitor also guards {@code sdkLines}, the number of newline-terminated messages the SDK
 * has written; the SDK escapes newlines inside messages, so each '\n' ends one message. The server
 * sends no requests or notifications of its own, so this counts responses, which lets shutdown
 * wait until every forwarded request is answered.
 */
final class TrackingOutputStream extends OutputStream {

  private final OutputStream out;
  private long sdkLines; // guarded by this

  TrackingOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    out.write(b);
    if (b == '\n') {
      sdkLines++;
      notifyAll();
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    int newlines = 0;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        newlines++;
      }
    }
    if (newlines > 0) {
      sdkLines += newlines;
      notifyAll();
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  /** Writes one line of our own (not counted as an SDK message) and flushes it. */
  synchronized void writeOwnLine(String json) throws IOException {
    out.write(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.flush();
  }

  /**
   * Waits until the SDK has written at least {@code lines} messages or {@code timeoutMillis}
   * passed; returns whether the count was reached.
   */
  synchronized boolean awaitSdkLines(long lines, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (sdkLines < lines) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMillis <= 0) {
        return false;
      }
      wait(leftMillis);
    }
    return true;
  }

  synchronized long sdkLines() {
    return sdkLines;
  }
}
