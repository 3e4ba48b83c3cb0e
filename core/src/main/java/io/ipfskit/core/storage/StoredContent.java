package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

/**
 * What a backend stored: the content's CID and byte size, and where it says it put it.
 *
 * @param cid CIDv1, base32
 * @param size bytes of content (not of blocks)
 * @param location where the backend keeps it when that is more than the CID (an S3 object key, a
 *     node's address), or null
 * @param pinned whether the backend pinned the content as part of storing it, or null when pinning
 *     means nothing there
 */
public record StoredContent(String cid, long size, String location, Boolean pinned) {

  public StoredContent {
    requireNonNull(cid, "cid");
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, but was " + size);
  }

  /** Content that is only its CID and size (the local block store). */
  public StoredContent(String cid, long size) {
    this(cid, size, null, null);
  }
}
