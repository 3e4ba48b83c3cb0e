package io.ipfskit.server.content;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads stored content for a client, bounded: the first {@code maxBytes} bytes are kept, the rest
 * is only counted, so a huge file costs a pass over it but never its size in memory. The one entry
 * of this package for callers that are not MCP resources (e.g. a completed {@code cat}'s inline
 * content). Stateless apart from its configuration; thread-safe when its backends are.
 */
public final class ContentReader {

  private final Function<String, Optional<StorageBackend>> backends;
  private final List<String> searchOrder;
  private final int maxBytes;

  /**
   * @param backends the backend of a name, or empty when this process cannot read it
   * @param searchOrder backends tried, in order, when a read names none (an {@code ipfs://} uri)
   * @param maxBytes how many bytes a read keeps (0 or more)
   */
  public ContentReader(Function<String, Optional<StorageBackend>> backends, List<String> searchOrder, int maxBytes) {
    this.backends = requireNonNull(backends, "backends");
    this.searchOrder = List.copyOf(searchOrder);
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, but was " + maxBytes);
    this.maxBytes = maxBytes;
  }

  public int maxBytes() {
    return maxBytes;
  }

  /**
   * The content {@code cid} (canonical CIDv1 text) on {@code backend}.
   *
   * @throws ContentNotFoundException when the backend does not hold it
   * @throws StorageException when the backend fails, or {@code backend} cannot be read from here
   */
  public StoredBytes read(String backend, String cid) throws StorageException {
    StorageBackend b = backends.apply(backend).orElseThrow(() -> new StorageException(
        "backend '" + backend + "' cannot be read by this process", io.ipfskit.core.storage.StorageErrorClass.PERMANENT));
    BoundedSink sink = new BoundedSink(maxBytes);
    b.get(cid, sink);
    return new StoredBytes(cid, backend, sink.size, java.util.Arrays.copyOf(sink.head, sink.kept));
  }

  /**
   * The content {@code cid} from the first backend of the search order that holds it.
   *
   * @throws ContentNotFoundException when none does
   */
  public StoredBytes find(String cid) throws StorageException {
    ContentNotFoundException last = null;
    for (String name : searchOrder) {
      if (backends.apply(name).isEmpty()) continue;
      try {
        return read(name, cid);
      } catch (ContentNotFoundException e) {
        last = e;
      }
    }
    throw last != null ? last : new ContentNotFoundException(String.join(", ", searchOrder), cid);
  }

  /** Keeps the first {@code limit} bytes and counts all. */
  private static final class BoundedSink extends OutputStream {
    final byte[] head;
    int kept;
    long size;

    BoundedSink(int limit) {
      head = new byte[limit];
    }

    @Override
    public void write(int b) {
      if (kept < head.length) head[kept++] = (byte) b;
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int n = Math.min(len, head.length - kept);
      if (n > 0) {
        System.arraycopy(b, off, head, kept, n);
        kept += n;
      }
      size += len;
    }
  }
}
