package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.io.OutputStream;

/** A backend whose streaming calls hold a {@link Leases.Lease} while they run. */
final class LeasedBackend implements StorageBackend {
  private final StorageBackend backend;
  private final Leases leases;

  LeasedBackend(StorageBackend backend, Leases leases) {
    this.backend = backend;
    this.leases = leases;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    try (Leases.Lease lease = leases.acquire(backend.name(), "add stream", content)) {
      return backend.add(content);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    try (Leases.Lease lease = leases.acquire(backend.name(), "get " + cid + " stream", out)) {
      backend.get(cid, out);
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
}
