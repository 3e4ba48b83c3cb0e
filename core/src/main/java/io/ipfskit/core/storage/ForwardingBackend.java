package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * A backend that forwards every call to another one: the base of the wrappers that add one concern
 * (breaker, cache, leases, a test's tally) and override only the calls that concern touches. Each
 * method here is a plain pass-through; {@link #name()} is the wrapped backend's (the registry checks
 * that a backend's name is its type), {@link #toString()} too (it never holds a secret there either).
 *
 * <p>Thread-safe when the wrapped backend is and the subclass's additions are.
 */
public abstract class ForwardingBackend implements StorageBackend {
  /** The backend every call that is not overridden goes to. */
  protected final StorageBackend delegate;

  protected ForwardingBackend(StorageBackend delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    return delegate.add(content);
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    delegate.get(cid, out);
  }

  @Override
  public void pin(String cid) throws StorageException {
    delegate.pin(cid);
  }

  @Override
  public void unpin(String cid) throws StorageException {
    delegate.unpin(cid);
  }

  @Override
  public void remove(String cid) throws StorageException {
    delegate.remove(cid);
  }

  @Override
  public BackendHealth health() {
    return delegate.health();
  }

  @Override
  public Optional<PoolStats> poolStats() {
    return delegate.poolStats();
  }

  @Override
  public java.util.List<io.ipfskit.core.resilience.CacheStats> cacheStats() {
    return delegate.cacheStats();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
