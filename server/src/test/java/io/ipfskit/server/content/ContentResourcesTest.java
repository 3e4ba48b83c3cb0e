package io.ipfskit.server.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ipfs://{cid}} template and the bounded reader, on a real local block store. */
class ContentResourcesTest {
  @TempDir Path dir;
  private LocalBlockStore store;

  @BeforeEach
  void open() throws Exception {
    store = LocalBlockStore.open(dir.resolve("blocks"));
  }

  private ContentResources resources(int maxBytes) {
    ContentReader reader = new ContentReader(name -> name.equals("local") ? Optional.<StorageBackend>of(store)
        : Optional.empty(), List.of("local"), maxBytes);
    return new ContentResources(() -> reader, q -> List.of());
  }

  private String add(byte[] bytes) throws Exception {
    return store.add(new ByteArrayInputStream(bytes)).cid();
  }

  @Test
  void read_utf8Content_textContentsWithTheStoredText() throws Exception {
    String cid = add("grüße\n".getBytes(StandardCharsets.UTF_8));
    McpSchema.ResourceContents c = resources(1024).read(new ReadResourceRequest("ipfs://" + cid)).contents().get(0);
    assertEquals("grüße\n", ((TextResourceContents) c).text());
    assertEquals("ipfs://" + cid, c.uri());
  }

  @Test
  void read_binaryContent_blobContentsInBase64() throws Exception {
    byte[] bytes = {(byte) 0xff, 0, (byte) 0xfe, 1, (byte) 0xc3};
    String cid = add(bytes);
    McpSchema.ResourceContents c = resources(1024).read(new ReadResourceRequest("ipfs://" + cid)).contents().get(0);
    assertEquals(Base64.getEncoder().encodeToString(bytes), ((BlobResourceContents) c).blob());
  }

  @Test
  void read_largerThanTheLimit_errorNamingSizeAndSetting() throws Exception {
    String cid = add(new byte[2000]);
    McpError e = assertThrows(McpError.class, () -> resources(1000).read(new ReadResourceRequest("ipfs://" + cid)));
    assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, e.getJsonRpcError().code());
    assertTrue(e.getMessage().contains("is 2000 bytes, more than IPFS_KIT_CONTENT_MAX_BYTES (1000)"), e.getMessage());
  }

  @Test
  void read_unknownCid_resourceNotFound() throws Exception {
    String cid = add("a".getBytes(StandardCharsets.UTF_8));
    store.remove(cid);
    McpError e = assertThrows(McpError.class, () -> resources(10).read(new ReadResourceRequest("ipfs://" + cid)));
    assertEquals(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, e.getJsonRpcError().code());
  }

  @Test
  void read_malformedCid_invalidParamsWithoutEchoingIt() {
    McpError e = assertThrows(McpError.class, () -> resources(10).read(new ReadResourceRequest("ipfs://secret-looking-text")));
    assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, e.getJsonRpcError().code());
    assertFalse(e.getMessage().contains("secret-looking-text"), e.getMessage());
  }

  @Test
  void storedBytes_truncatedUtf8CutInsideACharacter_textOfTheWholeCharacters() throws Exception {
    String cid = add("aé".getBytes(StandardCharsets.UTF_8)); // 61 c3 a9
    ContentReader reader = new ContentReader(n -> Optional.of(store), List.of("local"), 2);
    StoredBytes b = reader.read("local", cid);
    assertTrue(b.truncated());
    assertEquals(3, b.size());
    assertEquals(Optional.of("a"), b.text());
  }

  @Test
  void storedBytes_invalidUtf8_noText() {
    StoredBytes b = new StoredBytes("c", "local", 2, new byte[] {(byte) 0xc3, 0x28});
    assertTrue(b.text().isEmpty());
    assertEquals("wyg=", b.base64());
  }
}
