package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;

/**
 * The CID the {@code local} block store (and an IPFS node with {@code ipfs add --cid-version=1
 * --raw-leaves}) gives a stream's bytes, computed without storing a block: the same chunker and
 * {@link BalancedFileLayout} as {@link LocalBlockStore#add}, with a sink that drops every block.
 * Memory stays bounded (one chunk plus at most {@value BalancedFileLayout#MAX_LINKS} links per tree
 * level). Backends that address content by CID but do not keep IPFS blocks (S3) use it.
 */
public final class ContentCid {
  private ContentCid() {}

  /**
   * Reads {@code content} to its end (the caller closes it) and returns its CID and byte size;
   * {@link StoredContent#location()} and {@link StoredContent#pinned()} are null.
   *
   * @throws IOException what reading {@code content} threw
   */
  public static StoredContent of(InputStream content) throws IOException {
    requireNonNull(content, "content");
    BalancedFileLayout layout = new BalancedFileLayout((cid, block, length) -> {});
    byte[] chunk = new byte[BalancedFileLayout.CHUNK_BYTES];
    long size = 0;
    boolean first = true;
    while (true) {
      int n = content.readNBytes(chunk, 0, chunk.length);
      if (n == 0 && !first) break;                 // an empty file still has one (empty) chunk
      layout.addChunk(chunk, n);
      size += n;
      first = false;
      if (n < chunk.length) break;
    }
    return new StoredContent(layout.finish().cid().toString(), size);
  }
}
