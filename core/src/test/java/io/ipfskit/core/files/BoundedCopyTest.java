package io.ipfskit.core.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BoundedCopyTest {
  @TempDir Path dir;

  @Test
  void copy_exactlyTheMaximum_passes() throws IOException {
    byte[] data = new byte[1000];
    data[999] = 7;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(1000, BoundedCopy.copy(new ByteArrayInputStream(data), out, 1000, CancellationCheck.NEVER));
    assertArrayEquals(data, out.toByteArray());
  }

  @Test
  void copy_oneBytePastTheMaximum_failsReportingWhatWasRead() {
    ContentTooLargeException e = assertThrows(ContentTooLargeException.class,
        () -> BoundedCopy.copy(new ByteArrayInputStream(new byte[1001]), OutputStream.nullOutputStream(), 1000,
            CancellationCheck.NEVER));
    assertEquals(1000, e.limitBytes());
    assertEquals(1001, e.bytesRead());
    assertEquals("content is larger than the maximum size of 1000 bytes for one copy (read 1001 bytes before "
        + "stopping); raise the maximum size or copy a smaller file", e.getMessage());
  }

  @Test
  @Timeout(60)
  void limit_sparseFileFarPastTheMaximum_stopsWithinOneChunkOfIt() throws IOException {
    Path sparse = dir.resolve("sparse");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(1L << 40); // 1 TiB of holes
    }
    long max = 1 << 20;
    try (InputStream in = BoundedCopy.limit(Files.newInputStream(sparse), max, CancellationCheck.NEVER)) {
      ContentTooLargeException e = assertThrows(ContentTooLargeException.class, () -> in.transferTo(OutputStream.nullOutputStream()));
      assertTrue(e.bytesRead() > max && e.bytesRead() <= max + 64 * 1024, "read " + e.bytesRead());
    }
  }

  @Test
  @Timeout(60)
  void copy_endlessStream_stopsAtTheMaximum() {
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 'x');
        return len;
      }
    };
    ContentTooLargeException e = assertThrows(ContentTooLargeException.class,
        () -> BoundedCopy.copy(endless, OutputStream.nullOutputStream(), 5_000_000, CancellationCheck.NEVER));
    assertTrue(e.bytesRead() > 5_000_000);
  }

  @Test
  void copy_cancelledBetweenChunks_stopsReportingBytesCopied() {
    AtomicInteger asked = new AtomicInteger();
    CancellationCheck cancelOnThirdAsk = () -> asked.incrementAndGet() >= 3;
    OperationCancelledException e = assertThrows(OperationCancelledException.class,
        () -> BoundedCopy.copy(new ByteArrayInputStream(new byte[10 * BoundedCopy.CHUNK_BYTES]),
            OutputStream.nullOutputStream(), Long.MAX_VALUE, cancelOnThirdAsk));
    assertEquals(2L * BoundedCopy.CHUNK_BYTES, e.bytesCopied());
  }

  @Test
  void guard_writePastTheMaximum_fails() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = BoundedCopy.guard(sink, 10, CancellationCheck.NEVER);
    out.write(new byte[10]);
    ContentTooLargeException e = assertThrows(ContentTooLargeException.class, () -> out.write(1));
    assertEquals(11, e.bytesRead());
    assertEquals(10, sink.size());
  }

  @Test
  void limit_negativeMaximum_refused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BoundedCopy.limit(InputStream.nullInputStream(), -1, CancellationCheck.NEVER));
    assertEquals("maxBytes must be >= 0, but was -1", e.getMessage());
  }
}
