package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.ForwardingBackend;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.io.OutputStream;

/** A backend whose streaming calls hold a {@link Leases.Lease} while they run. */
final class LeasedBackend extends ForwardingBackend {
  private final Leases leases;

  LeasedBackend(StorageBackend backend, Leases leases) {
    super(backend);
    this.leases = leases;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    try (Leases.Lease lease = leases.acquire(delegate.name(), "add stream", content)) {
      return delegate.add(content);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    try (Leases.Lease lease = leases.acquire(delegate.name(), "get " + cid + " stream", out)) {
      delegate.get(cid, out);
    }
  }
}
