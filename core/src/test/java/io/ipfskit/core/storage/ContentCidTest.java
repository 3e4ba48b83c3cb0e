package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentCidTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 262_144, 262_145, 3 * 262_144 + 17})
  void of_anySize_givesTheLocalBlockStoresCidAndSize(int size) throws Exception {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    StoredContent stored = LocalBlockStore.open(dir.resolve("blocks")).add(new ByteArrayInputStream(content));

    StoredContent computed = ContentCid.of(new ByteArrayInputStream(content));

    assertEquals(stored.cid(), computed.cid());
    assertEquals(size, computed.size());
    assertNull(computed.location());
  }
}
