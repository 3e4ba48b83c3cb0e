package io.ipfskit.core.wal;

/**
 * What a finished operation produced (reference field names {@code cid, size, destination}, plus
 * where the backend put the content and whether it pinned it). Every component may be null when
 * the operation type or the backend does not produce it.
 *
 * @param cid the content's CID
 * @param size bytes of content
 * @param destination the host file a {@code get}/{@code cat} wrote
 * @param location where the backend keeps the content when that is more than the CID (an S3 object
 *     key, the IPFS node's API address)
 * @param pinned whether the content is pinned on the backend after the operation ({@code add} with
 *     pinning, {@code pin}: true; {@code unpin}, {@code rm} on a pinning backend: false); null where
 *     pinning means nothing
 */
public record OperationResult(String cid, Long size, String destination, String location, Boolean pinned) {

  /** A result without location and pin state (the local store, and records written before they existed). */
  public OperationResult(String cid, Long size, String destination) {
    this(cid, size, destination, null, null);
  }

  /** True when every component is null: no result to report. */
  public boolean isEmpty() {
    return cid == null && size == null && destination == null && location == null && pinned == null;
  }
}
