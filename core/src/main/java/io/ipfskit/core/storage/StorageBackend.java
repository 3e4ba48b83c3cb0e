package io.ipfskit.core.storage;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One place content can live (local block store, IPFS Kubo, S3, Storacha). Implementations are
 * thread-safe. Content is addressed by a CID string (CIDv1, base32, e.g. {@code bafkrei...}).
 *
 * <p>Failures are {@link StorageException}s carrying a {@link StorageErrorClass}: {@link
 * ContentNotFoundException} ({@code NOT_FOUND}) when the CID is unknown, {@link
 * BackendUnavailableException} ({@code UNAVAILABLE}) when the backend cannot be reached at all
 * (callers wait for it to come back without counting a retry), and a plain {@code StorageException}
 * that is {@code TRANSIENT} (may succeed if repeated) or {@code PERMANENT} (cannot).
 *
 * <p>Backends are opened by {@link BackendRegistry} (one factory per backend type) and closed by it.
 */
public interface StorageBackend extends AutoCloseable {

  /** Short name used in operations and configuration: {@code local}, {@code ipfs}, {@code s3}, ... */
  String name();

  /** Stores the stream's bytes (the caller closes the stream) and returns its CID and size. */
  StoredContent add(InputStream content) throws StorageException;

  /** Writes the content with this CID to {@code out} (the caller closes {@code out}). */
  void get(String cid, OutputStream out) throws StorageException;

  /** Keeps the content with this CID from being garbage collected. Idempotent. */
  void pin(String cid) throws StorageException;

  /** Undoes {@link #pin}. Idempotent. */
  void unpin(String cid) throws StorageException;

  /** Removes the content with this CID. Removing absent content is not an error. */
  void remove(String cid) throws StorageException;

  /**
   * A cheap, bounded probe of whether the backend can serve requests now. Should never throw (a
   * throwing probe is recorded as unhealthy). Called by {@link BackendRegistry}'s health schedule,
   * not on request paths: read the cached result with {@link BackendRegistry#health(String)}.
   */
  BackendHealth health();

  /**
   * The backend's connection pool figures, when it has a pool. Wrappers pass this through. Must
   * answer at once (no call to the backend).
   */
  default java.util.Optional<PoolStats> poolStats() {
    return java.util.Optional.empty();
  }

  /**
   * The figures of the caches the backend keeps itself (the S3 head answers), if any. Wrappers pass
   * this through. Must answer at once (no call to the backend).
   */
  default java.util.List<io.ipfskit.core.resilience.CacheStats> cacheStats() {
    return java.util.List.of();
  }

  @Override
  default void close() {}
}
