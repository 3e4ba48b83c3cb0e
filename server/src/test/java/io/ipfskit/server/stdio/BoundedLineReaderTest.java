package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

  private static BoundedLineReader reader(String text, int max) {
    return new BoundedLineReader(new ByteArrayInputStream(text.getBytes(UTF_8)), max);
  }

  @Test
  void next_lfAndCrlfAndUnterminatedLast_splitsLines() throws IOException {
    BoundedLineReader reader = reader("a\r\nbb\nccc", 100);
    assertEquals("a", new String(reader.next().bytes(), UTF_8));
    assertEquals("bb", new String(reader.next().bytes(), UTF_8));
    assertEquals("ccc", new String(reader.next().bytes(), UTF_8));
    assertNull(reader.next());
  }

  @Test
  void next_lineLongerThanLimit_isDiscardedWholeAndReadingContinues() throws IOException {
    BoundedLineReader reader = reader("x".repeat(200_000) + "\nok\n", 1000);
    BoundedLineReader.Line tooLong = reader.next();
    assertTrue(tooLong.tooLong());
    assertEquals(200_000, tooLong.discardedBytes());
    assertEquals("ok", new String(reader.next().bytes(), UTF_8));
    assertNull(reader.next());
  }

  @Test
  void next_lineOfExactlyTheLimit_isKept() throws IOException {
    BoundedLineReader reader = reader("y".repeat(1000) + "\n", 1000);
    assertEquals(1000, reader.next().bytes().length);
  }

  @Test
  void next_lineLongerThanLimit_readsItsIdWhileDiscarding_eachLineOnItsOwn() throws IOException {
    String start = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":"
        + "{\"small\":1,\"big\":\"";
    BoundedLineReader reader = reader(start + "y".repeat(300_000) + "\"}}}\n" + "z".repeat(2000) + "\nok\n", 1000);
    BoundedLineReader.Line first = reader.next();
    assertTrue(first.tooLong());
    assertEquals(start.length() + 300_000 + 4, first.discardedBytes());
    assertEquals(new OversizedMessage(tools.jackson.databind.node.JsonNodeFactory.instance.numberNode(42L), "tools/call",
        "t", "big", 300_002), first.oversized());
    BoundedLineReader.Line second = reader.next();
    assertTrue(second.tooLong());
    assertEquals(2000, second.discardedBytes());
    assertEquals(OversizedMessage.NOTHING, second.oversized(), "not JSON: nothing read, nothing carried over");
    assertEquals("ok", new String(reader.next().bytes(), UTF_8));
    assertNull(reader.next());
  }

  /** A 64 MiB request line with its id at the very end, produced on the fly (never held in memory). */
  private static java.io.InputStream sixtyFourMiBLineWithIdAtTheEnd() {
    byte[] head = "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_store\",\"arguments\":{\"service\":\"s\",\"secret_value\":\"".getBytes(UTF_8);
    byte[] tail = "\"}},\"id\":\"at-the-end\"}\n{\"after\":1}\n".getBytes(UTF_8);
    long body = 64L << 20;
    return new java.io.InputStream() {
      long pos;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        long total = head.length + body + tail.length;
        if (pos >= total) return -1;
        int n = (int) Math.min(len, total - pos);
        for (int i = 0; i < n; i++, pos++) {
          b[off + i] = pos < head.length ? head[(int) pos]
              : pos < head.length + body ? (byte) 'v' : tail[(int) (pos - head.length - body)];
        }
        return n;
      }
    };
  }

  @Test
  void next_sixtyFourMiBLineWithIdAtTheEnd_idFoundInBoundedMemory() throws IOException {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    BoundedLineReader reader = new BoundedLineReader(sixtyFourMiBLineWithIdAtTheEnd(), 4 * 1024 * 1024);
    long before = threads.getCurrentThreadAllocatedBytes();
    BoundedLineReader.Line line = reader.next();
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(line.tooLong());
    assertEquals("at-the-end", line.oversized().id().stringValue());
    assertEquals("secret_value", line.oversized().largestArgument());
    assertEquals((64L << 20) + 2, line.oversized().largestArgumentBytes());
    // The 4 MiB line buffer it filled before the limit, plus small parser buffers: never the 64 MiB value
    // (as text it would be 128 MiB of chars).
    assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes for a 64 MiB line");
    assertEquals("{\"after\":1}", new String(reader.next().bytes(), UTF_8));
  }
}
