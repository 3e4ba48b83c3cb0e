package io.ipfskit.core.wal;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real in-memory content store for tests whose next calls can be told to fail: {@link #failNext}
 * retryable failures, {@link #setOffline} makes every call throw BackendUnavailable. Content ids are
 * "sha256-" + hex of the bytes (not a real CID: this is not the local block store under test).
 */
final class ScriptedBackend implements StorageBackend {
  private final String name;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile boolean offline;
  /** What {@code add} reports as {@link StoredContent#location()} and {@link StoredContent#pinned()} (null: nothing). */
  volatile String addLocation;
  volatile Boolean addPinned;
  final AtomicInteger calls = new AtomicInteger();
  /** Every call in the order the backend saw them: "add:&lt;content&gt;", "pin:&lt;cid&gt;", ... */
  final List<String> callOrder = new CopyOnWriteArrayList<>();

  ScriptedBackend(String name) {
    this.name = name;
  }

  void failNext(int n) {
    failuresLeft.set(n);
  }

  void setOffline(boolean offline) {
    this.offline = offline;
  }

  private void gate() throws StorageException {
    calls.incrementAndGet();
    if (offline) throw new BackendUnavailableException(name + " is offline (connection refused)", null);
    if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0)
      throw new StorageException(name + " answered 503 Service Unavailable", StorageErrorClass.TRANSIENT);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    byte[] bytes;
    try {
      bytes = content.readAllBytes();
    } catch (IOException e) {
      throw new StorageException("read failed: " + e, StorageErrorClass.TRANSIENT, e);
    }
    callOrder.add("add:" + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    gate();
    try {
      String cid = "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      blobs.put(cid, bytes);
      return new StoredContent(cid, bytes.length, addLocation, addPinned);
    } catch (NoSuchAlgorithmException e) {
      throw new StorageException("read failed: " + e, StorageErrorClass.TRANSIENT, e);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    callOrder.add("get:" + cid);
    gate();
    byte[] b = blobs.get(cid);
    if (b == null) throw new ContentNotFoundException(name, cid);
    try {
      out.write(b);
    } catch (IOException e) {
      throw new StorageException("write failed: " + e, StorageErrorClass.TRANSIENT, e);
    }
  }

  @Override
  public void pin(String cid) throws StorageException {
    callOrder.add("pin:" + cid);
    gate();
    if (!blobs.containsKey(cid)) throw new ContentNotFoundException(name, cid);
  }

  @Override
  public void unpin(String cid) throws StorageException {
    callOrder.add("unpin:" + cid);
    gate();
  }

  @Override
  public void remove(String cid) throws StorageException {
    callOrder.add("remove:" + cid);
    gate();
    blobs.remove(cid);
  }

  @Override
  public BackendHealth health() {
    return offline ? BackendHealth.unhealthy("offline") : BackendHealth.healthy("in memory");
  }
}
