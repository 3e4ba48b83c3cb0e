package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileSlice} (was part of SpoolTest before the spool moved to {@code storage.ContentSpool}). */
class FileSliceTest {
  @TempDir Path dir;

  @Test
  void fileSlice_openedTwice_givesTheSameSliceEachTime() throws Exception {
    byte[] content = new byte[1000];
    new Random(2).nextBytes(content);
    Path file = Files.write(dir.resolve("f"), content);
    try (FileSlice slice = new FileSlice(file, 100, 250)) {
      byte[] expected = java.util.Arrays.copyOfRange(content, 100, 350);
      assertArrayEquals(expected, slice.newStream().readAllBytes());
      assertArrayEquals(expected, slice.newStream().readAllBytes(), "the SDK may read a part twice (sign, send)");
    }
  }
}
