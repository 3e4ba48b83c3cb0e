package io.ipfskit.server.resilience;

import io.ipfskit.core.storage.ForwardingBackend;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend with a tally of the adds it answered successfully, per CID: content addressing
 * makes a second add of the same bytes invisible on the node itself, so "applied once" is counted
 * here, between the resilience layer and the backend. Everything else is passed straight through.
 */
final class CountingBackend extends ForwardingBackend {
  private final Map<String, AtomicInteger> adds = new ConcurrentHashMap<>();

  CountingBackend(StorageBackend backend) {
    super(backend);
  }

  /** Successful adds per CID. */
  Map<String, Integer> adds() {
    Map<String, Integer> out = new ConcurrentHashMap<>();
    adds.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    StoredContent c = delegate.add(content);
    adds.computeIfAbsent(c.cid(), k -> new AtomicInteger()).incrementAndGet();
    return c;
  }
}
