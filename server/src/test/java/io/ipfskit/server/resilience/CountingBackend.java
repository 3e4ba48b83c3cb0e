package io.ipfskit.server.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend with a tally of the adds it answered successfully, per CID: content addressing
 * makes a second add of the same bytes invisible on the node itself, so "applied once" is counted
 * here, between the resilience layer and the backend. Everything else is passed straight through.
 */
final class CountingBackend implements StorageBackend {
  private final StorageBackend backend;
  private final Map<String, AtomicInteger> adds = new ConcurrentHashMap<>();

  CountingBackend(StorageBackend backend) {
    this.backend = backend;
  }

  /** Successful adds per CID. */
  Map<String, Integer> adds() {
    Map<String, Integer> out = new ConcurrentHashMap<>();
    adds.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    StoredContent c = backend.add(content);
    adds.computeIfAbsent(c.cid(), k -> new AtomicInteger()).incrementAndGet();
    return c;
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    backend.get(cid, out);
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
    backend.remove(cid);
  }

  @Override
  public BackendHealth health() {
    return backend.health();
  }

  @Override
  public void close() {
    backend.close();
  }
}
