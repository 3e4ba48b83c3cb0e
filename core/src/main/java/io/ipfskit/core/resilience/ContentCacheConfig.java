package io.ipfskit.core.resilience;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import java.time.Duration;
import java.util.List;

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

  public static final Setting<Long> MAX_BYTES = Setting.longInteger("IPFS_KIT_CACHE_MAX_BYTES", 0, 1L << 40, "bytes",
      DEFAULTS.maxBytes(), "most bytes of small content (by CID) the read cache keeps in memory, all backends"
          + " together; 0 = no content cache");
  public static final Setting<Integer> MAX_ENTRY_BYTES = Setting.integer("IPFS_KIT_CACHE_MAX_ENTRY_BYTES", 0, 1 << 30,
      "bytes", DEFAULTS.maxEntryBytes(), "content larger than this is streamed through, never cached; at most"
          + " IPFS_KIT_CACHE_MAX_BYTES");
  public static final Setting<Duration> EXPIRE_AFTER_IDLE = Setting.seconds("IPFS_KIT_CACHE_EXPIRE_AFTER_IDLE",
      Duration.ofSeconds(1), Duration.ofDays(7), DEFAULTS.expireAfterIdle(), "a cached content entry not read for"
          + " this long is dropped (content by CID never goes stale; this only gives memory back)");

  /** Every {@code IPFS_KIT_CACHE_*} setting. */
  public static final List<Setting<?>> SETTINGS = List.of(MAX_BYTES, MAX_ENTRY_BYTES, EXPIRE_AFTER_IDLE);

  public ContentCacheConfig {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, but was " + maxBytes);
    if (maxEntryBytes < 0) throw new IllegalArgumentException("maxEntryBytes must be >= 0, but was " + maxEntryBytes);
    if (maxEntryBytes > maxBytes)
      throw new IllegalArgumentException("maxEntryBytes must be <= maxBytes (" + maxBytes + "), but was " + maxEntryBytes);
    if (expireAfterIdle == null || expireAfterIdle.isNegative() || expireAfterIdle.isZero())
      throw new IllegalArgumentException("expireAfterIdle must be > 0, but was " + expireAfterIdle);
  }

  /** Whether anything is cached at all ({@code maxBytes > 0}). */
  public boolean enabled() {
    return maxBytes > 0 && maxEntryBytes > 0;
  }

  /**
   * The {@code IPFS_KIT_CACHE_*} settings.
   *
   * @throws ConfigException naming the key, its source and the rule for a bad value (also when an entry
   *     may be larger than the whole cache)
   */
  public static ContentCacheConfig from(Settings settings) {
    long max = settings.get(MAX_BYTES, DEFAULTS.maxBytes());
    int entry = settings.find(MAX_ENTRY_BYTES).orElse((int) Math.min(max, DEFAULTS.maxEntryBytes()));
    if (entry > max)
      throw new ConfigException(MAX_ENTRY_BYTES.name(), settings.source(MAX_ENTRY_BYTES.name()),
          "must be at most " + MAX_BYTES.name() + " (" + max + "), but was " + entry);
    return new ContentCacheConfig(max, entry, settings.get(EXPIRE_AFTER_IDLE, DEFAULTS.expireAfterIdle()));
  }
}
