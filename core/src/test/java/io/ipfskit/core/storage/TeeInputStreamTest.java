package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class TeeInputStreamTest {
  @Test
  void read_toEnd_copyHoldsEveryByteRead() throws IOException {
    byte[] data = "some bytes to copy".getBytes();
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    TeeInputStream tee = new TeeInputStream(new ByteArrayInputStream(data), copy);
    assertEquals('s', tee.read());
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 1, data.length), tee.readAllBytes());
    assertArrayEquals(data, copy.toByteArray());
  }

  @Test
  void read_copyFails_copyFailureWithTheCopysCause() {
    IOException full = new IOException("disk full");
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw full;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw full;
      }
    };
    IOException e = assertThrows(IOException.class,
        () -> new TeeInputStream(new ByteArrayInputStream(new byte[10]), failing).readAllBytes());
    assertInstanceOf(TeeInputStream.CopyFailure.class, e);
    assertSame(full, e.getCause());
  }

  @Test
  void read_sourceFails_sourceExceptionAsIs() {
    IOException broken = new IOException("connection reset");
    InputStream source = new InputStream() {
      @Override
      public int read() throws IOException {
        throw broken;
      }
    };
    IOException e = assertThrows(IOException.class,
        () -> new TeeInputStream(source, new ByteArrayOutputStream()).read(new byte[4], 0, 4));
    assertSame(broken, e);
  }

  @Test
  void skip_refused() {
    assertThrows(IOException.class, () -> new TeeInputStream(new ByteArrayInputStream(new byte[4]),
        new ByteArrayOutputStream()).skip(2));
  }
}
