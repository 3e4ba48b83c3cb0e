package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A backend whose {@code get} is answered from a {@link ContentCache} when the content is there;
 * otherwise the backend's answer is streamed to the caller as before and, while it is no larger
 * than an entry may be, copied aside and cached once the read succeeded. Everything else is passed
 * through; {@code remove} also drops the entry. The CID is used as the caller gave it (a
 * differently spelled CID of the same content is another entry, never a wrong one).
 */
final class CachingBackend implements StorageBackend {
  private final StorageBackend backend;
  private final ContentCache cache;

  CachingBackend(StorageBackend backend, ContentCache cache) {
    this.backend = backend;
    this.cache = cache;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    return backend.add(content);
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    byte[] cached = cid == null ? null : cache.lookup(backend.name(), cid);
    if (cached != null) {
      try {
        out.write(cached);
        return;
      } catch (IOException e) {
        throw new StorageException("get of " + cid + " from the cache stopped: writing the content failed: "
            + e.getMessage(), io.ipfskit.core.storage.StorageErrorClass.TRANSIENT, e);
      }
    }
    Tee tee = new Tee(out, cache.config().maxEntryBytes());
    long start = cache.now();
    boolean ok = false;
    try {
      backend.get(cid, tee);
      ok = true;
    } finally {
      long took = cache.now() - start;
      if (ok && tee.copy != null) cache.loaded(backend.name(), cid, tee.copy.toByteArray(), took);
      else cache.notCached(took, !ok);
    }
  }

  @Override
  public void pin(String cid) throws StorageException {
    backend.pin(cid);
  }

  @Override
  public void unpin(String cid) throws StorageException {
    backend.unpin(cid);
  }

  @Override
  public void remove(String cid) throws StorageException {
    cache.invalidate(backend.name(), cid);
    backend.remove(cid);
  }

  @Override
  public java.util.Optional<io.ipfskit.core.storage.PoolStats> poolStats() {
    return backend.poolStats();
  }

  @Override
  public BackendHealth health() {
    return backend.health();
  }

  @Override
  public void close() {
    backend.close();
  }

  @Override
  public String toString() {
    return backend.toString();
  }

  /** Writes through to the caller and keeps a copy until it grows past {@code limit} (then drops it). */
  private static final class Tee extends OutputStream {
    private final OutputStream out;
    private final int limit;
    ByteArrayOutputStream copy = new ByteArrayOutputStream();

    Tee(OutputStream out, int limit) {
      this.out = out;
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      keep(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      keep(b, off, len);
    }

    private void keep(byte[] b, int off, int len) {
      if (copy == null) return;
      if (copy.size() + (long) len > limit) copy = null;
      else copy.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() {
      // the caller closes its stream
    }
  }
}
