package io.ipfskit.core.storage;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A backend for registry and health tests: counts health probes, answers them from a settable
 * supplier (which may throw), records close. It stores nothing (every data call is a permanent error).
 */
final class ProbedBackend implements StorageBackend {
  private final String name;
  final AtomicInteger probes = new AtomicInteger();
  final AtomicBoolean closed = new AtomicBoolean();
  volatile Supplier<BackendHealth> answer = () -> BackendHealth.healthy("fine");
  volatile RuntimeException failOnClose;
  /** The class of the failure every data call throws (a backend that stores nothing). */
  volatile StorageErrorClass dataFailure = StorageErrorClass.PERMANENT;

  ProbedBackend(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BackendHealth health() {
    probes.incrementAndGet();
    return answer.get();
  }

  @Override
  public void close() {
    closed.set(true);
    if (failOnClose != null) throw failOnClose;
  }

  private StorageException unsupported() {
    return new StorageException(name + " stores nothing (test backend)", dataFailure);
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    throw unsupported();
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    throw unsupported();
  }

  @Override
  public void pin(String cid) throws StorageException {
    throw unsupported();
  }

  @Override
  public void unpin(String cid) throws StorageException {
    throw unsupported();
  }

  @Override
  public void remove(String cid) throws StorageException {
    throw unsupported();
  }
}
