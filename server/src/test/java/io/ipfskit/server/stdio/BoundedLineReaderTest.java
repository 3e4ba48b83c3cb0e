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
  void next_lineLongerThanLimit_keepsItsFirstBytesForTheId() throws IOException {
    String start = "{\"jsonrpc\":\"2.0\",\"id\":42,";
    BoundedLineReader reader = reader(start + "y".repeat(300_000) + "\n" + "z".repeat(2000) + "\n", 1000);
    BoundedLineReader.Line first = reader.next();
    assertTrue(first.tooLong());
    assertEquals(BoundedLineReader.HEAD_BYTES, first.head().length);
    assertTrue(new String(first.head(), UTF_8).startsWith(start));
    BoundedLineReader.Line second = reader.next();
    assertTrue(second.tooLong());
    assertEquals(2000, second.head().length, "each discarded line keeps its own head (all of a short one)");
    assertEquals('z', second.head()[0]);
    assertNull(reader.next());
  }
}
