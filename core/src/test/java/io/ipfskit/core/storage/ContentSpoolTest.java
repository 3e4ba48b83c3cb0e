package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentSpoolTest {
  @TempDir Path dir;

  @Test
  void write_content_holdsItsBytesPrivatelyWithTheLocalCid_closeDeletesIt() throws Exception {
    byte[] content = new byte[600_000];
    new Random(1).nextBytes(content);
    Path file;
    try (ContentSpool spool = ContentSpool.write(dir, "s3", new ByteArrayInputStream(content))) {
      file = spool.file();
      assertArrayEquals(content, Files.readAllBytes(file));
      assertEquals(ContentCid.of(new ByteArrayInputStream(content)).cid(), spool.computed().cid());
      assertEquals(content.length, spool.computed().size());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
    assertFalse(Files.exists(file));
  }

  @Test
  void write_contentFailsMidway_isPermanentWithTheCauseAndLeavesNoFile() throws Exception {
    IOException broken = new IOException("disk of the source went away");
    InputStream failing = new InputStream() { // 1000 bytes, then every read fails
      int left = 1000;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) throw broken;
        int n = Math.min(len, left);
        java.util.Arrays.fill(b, off, off + n, (byte) 7);
        left -= n;
        return n;
      }
    };
    StorageException e = assertThrows(StorageException.class, () -> ContentSpool.write(dir, "s3", failing));
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertSame(broken, e.getCause());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void prepare_leftoverSpoolFiles_areDeletedOthersKept() throws Exception {
    Files.writeString(dir.resolve("add-123.spool"), "left by a crash");
    Files.writeString(dir.resolve("notes.txt"), "not ours");
    ContentSpool.prepare(dir, "s3");
    assertFalse(Files.exists(dir.resolve("add-123.spool")));
    assertTrue(Files.exists(dir.resolve("notes.txt")));
    Path fresh = dir.resolve("new/spool");
    ContentSpool.prepare(fresh, "s3");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
  }
}
