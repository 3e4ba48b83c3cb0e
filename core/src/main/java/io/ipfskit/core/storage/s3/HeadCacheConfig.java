package io.ipfskit.core.storage.s3;

import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * How many S3 {@code head} answers (an object's size by CID) {@link HeadCache} keeps, and how long.
 *
 * @param maxEntries the most answers kept (0: no head cache)
 * @param ttl an answer is asked again this long after it was cached (the object may have been
 *     deleted by someone else meanwhile; a delete through this backend drops it at once)
 */
public record HeadCacheConfig(int maxEntries, Duration ttl) {
  /** 10,000 answers, each kept 60 s. */
  public static final HeadCacheConfig DEFAULTS = new HeadCacheConfig(10_000, Duration.ofSeconds(60));

  public static final Setting<Integer> MAX_ENTRIES = Setting.integer("IPFS_KIT_CACHE_S3_HEAD_MAX_ENTRIES", 0, 10_000_000,
      "entries", DEFAULTS.maxEntries(), "most S3 head answers (object exists, its size) kept in memory; 0 = no head cache");
  public static final Setting<Duration> TTL = Setting.seconds("IPFS_KIT_CACHE_S3_HEAD_TTL", Duration.ofSeconds(1),
      Duration.ofDays(1), DEFAULTS.ttl(), "an S3 head answer is asked again this long after it was cached");

  /** Every {@code IPFS_KIT_CACHE_S3_HEAD_*} setting. */
  public static final List<Setting<?>> SETTINGS = List.of(MAX_ENTRIES, TTL);

  public HeadCacheConfig {
    if (maxEntries < 0) throw new IllegalArgumentException("maxEntries must be >= 0, but was " + maxEntries);
    if (ttl == null || ttl.isNegative() || ttl.isZero())
      throw new IllegalArgumentException("ttl must be > 0, but was " + ttl);
  }

  /** Whether answers are cached at all. */
  public boolean enabled() {
    return maxEntries > 0;
  }

  /**
   * The {@code IPFS_KIT_CACHE_S3_HEAD_*} settings.
   *
   * @throws io.ipfskit.core.config.ConfigException naming the key, its source and the rule for a bad value
   */
  public static HeadCacheConfig from(Settings settings) {
    return new HeadCacheConfig(settings.get(MAX_ENTRIES, DEFAULTS.maxEntries()), settings.get(TTL, DEFAULTS.ttl()));
  }
}
