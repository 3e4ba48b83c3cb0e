package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real in-memory store whose calls can be told to fail ({@link #failNext}, {@link #offline}) or to
 * take time on the fake clock ({@link #latency}). Content ids are "id-" + the text (not real CIDs).
 */
final class FlakyBackend implements StorageBackend {
  private final String name;
  private final FakeTime time;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  volatile StorageErrorClass failureClass = StorageErrorClass.TRANSIENT;
  volatile boolean offline;
  volatile Duration latency = Duration.ZERO;

  FlakyBackend(String name, FakeTime time) {
    this.name = name;
    this.time = time;
  }

  void failNext(int n, StorageErrorClass c) {
    failureClass = c;
    failuresLeft.set(n);
  }

  private void gate() throws StorageException {
    calls.incrementAndGet();
    time.advance(latency);
    if (offline) throw new BackendUnavailableException(name + " refused the connection", null);
    if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0)
      throw new StorageException(name + " failed (" + failureClass + ")", failureClass);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    gate();
    try {
      byte[] b = content.readAllBytes();
      String cid = "id-" + new String(b, StandardCharsets.UTF_8);
      blobs.put(cid, b);
      return new StoredContent(cid, b.length);
    } catch (IOException e) {
      throw new StorageException("read failed", StorageErrorClass.TRANSIENT, e);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    gate();
    byte[] b = blobs.get(cid);
    if (b == null) throw new ContentNotFoundException(name, cid);
    try {
      out.write(b);
    } catch (IOException e) {
      throw new StorageException("write failed", StorageErrorClass.TRANSIENT, e);
    }
  }

  @Override
  public void pin(String cid) throws StorageException {
    gate();
    if (!blobs.containsKey(cid)) throw new ContentNotFoundException(name, cid);
  }

  @Override
  public void unpin(String cid) throws StorageException {
    gate();
  }

  @Override
  public void remove(String cid) throws StorageException {
    gate();
    blobs.remove(cid);
  }

  @Override
  public BackendHealth health() {
    return offline ? BackendHealth.unhealthy("offline") : BackendHealth.healthy("in memory");
  }
}
