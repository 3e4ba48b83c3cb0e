package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.ForwardingBackend;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A backend whose {@code get} is answered from a {@link ContentCache} when the content is there;
 * otherwise the backend's answer is streamed to the caller as before and, while it is no larger
 * than an entry may be, copied aside and cached once the read succeeded. Everything else is passed
 * through; {@code remove} also drops the entry. The CID is used as the caller gave it (a
 * differently spelled CID of the same content is another entry, never a wrong one).
 */
final class CachingBackend extends ForwardingBackend {
  private final ContentCache cache;

  CachingBackend(StorageBackend backend, ContentCache cache) {
    super(backend);
    this.cache = cache;
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    byte[] cached = cid == null ? null : cache.lookup(delegate.name(), cid);
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
      delegate.get(cid, tee);
      ok = true;
    } finally {
      long took = cache.now() - start;
      if (ok && tee.copy != null) cache.loaded(delegate.name(), cid, tee.copy.toByteArray(), took);
      else cache.notCached(took, !ok);
    }
  }

  @Override
  public void remove(String cid) throws StorageException {
    cache.invalidate(delegate.name(), cid);
    delegate.remove(cid);
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

    /**
     * Backends never close the stream they write to (the caller does); only the lease registry's
     * {@link Leases#closeAll} closes a stream while a call writes to it, to stop that call. So this
     * closes the caller's stream, and nothing read so far is cached.
     */
    @Override
    public void close() throws IOException {
      copy = null;
      out.close();
    }
  }
}
