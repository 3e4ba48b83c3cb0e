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
}
