package io.ipfskit.server.stdio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * stdout, written one whole line at a time by the line filter (error responses) and by the
 * session transport (SDK messages). Its monitor serialises the writers, so lines never interleave,
 * and guards {@code responses}, the number of SDK responses written, which lets shutdown wait
 * until every forwarded request is answered. Once a write fails (the client closed its end), no
 * answer can arrive any more, so the wait ends at once instead of running to its timeout.
 */
final class TrackingOutputStream {

  private final OutputStream out;
  private long responses; // guarded by this
  private boolean broken; // guarded by this: a write failed, stdout is gone

  TrackingOutputStream(OutputStream out) {
    this.out = out;
  }

  /** Writes {@code json} and a newline, flushes; counts it when it answers a forwarded request. */
  void writeLine(String json, boolean countsAsResponse) throws IOException {
    writeLine(json.getBytes(StandardCharsets.UTF_8), countsAsResponse);
  }

  /** Writes the UTF-8 {@code json} and a newline, flushes; counts it like the above. */
  synchronized void writeLine(byte[] json, boolean countsAsResponse) throws IOException {
    try {
      out.write(json);
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      broken = true;
      notifyAll();
      throw e;
    }
    if (countsAsResponse) {
      responses++;
      notifyAll();
    }
  }

  /**
   * Waits until at least {@code count} responses were written, a write failed, or
   * {@code timeoutMillis} passed; returns whether the count was reached.
   */
  synchronized boolean awaitResponses(long count, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (responses < count && !broken) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
      if (leftMillis <= 0) {
        return false;
      }
      wait(leftMillis);
    }
    return responses >= count;
  }

  synchronized long responses() {
    return responses;
  }
}
