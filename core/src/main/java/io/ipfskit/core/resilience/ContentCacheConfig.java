package io.ipfskit.core.resilience;

import java.time.Duration;

/**
 * How much content {@link ContentCache} keeps.
 *
 * @param maxBytes the most bytes all cached content may weigh together
 * @param maxEntryBytes content larger than this is streamed through, never cached
 * @param expireAfterIdle an entry not read for this long is dropped (content addressed by CID is
 *     never stale; this only gives memory back)
 */
public record ContentCacheConfig(long maxBytes, int maxEntryBytes, Duration expireAfterIdle) {
  /** 64 MiB in all, content up to 1 MiB, dropped after 10 minutes unread. */
  public static final ContentCacheConfig DEFAULTS = new ContentCacheConfig(64L << 20, 1 << 20, Duration.ofMinutes(10));

  public ContentCacheConfig {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, but was " + maxBytes);
    if (maxEntryBytes < 0) throw new IllegalArgumentException("maxEntryBytes must be >= 0, but was " + maxEntryBytes);
    if (maxEntryBytes > maxBytes)
      throw new IllegalArgumentException("maxEntryBytes must be <= maxBytes (" + maxBytes + "), but was " + maxEntryBytes);
    if (expireAfterIdle == null || expireAfterIdle.isNegative() || expireAfterIdle.isZero())
      throw new IllegalArgumentException("expireAfterIdle must be > 0, but was " + expireAfterIdle);
  }
}
