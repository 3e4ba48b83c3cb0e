package io.ipfskit.core.storage;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One place content can live (local block store, IPFS Kubo, S3, Storacha). Implementations are
 * thread-safe. Content is addressed by a CID string (CIDv1, base32, e.g. {@code bafkrei...}).
 *
 * <p>Failures are {@link StorageException}s: {@link ContentNotFoundException} when the CID is
 * unknown (not worth retrying), {@link BackendUnavailableException} when the backend cannot be
 * reached at all (callers wait for it to come back without counting a retry), and a plain
 * {@code StorageException} whose {@link StorageException#retryable()} says whether to try again.
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

  /** A cheap probe of whether the backend can serve requests now. Never throws. */
  BackendHealth health();

  @Override
  default void close() {}
}
