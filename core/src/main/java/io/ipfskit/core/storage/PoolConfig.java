package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP connection pools of the remote backends ({@code ipfs}: HttpClient 5's pooling connection
 * manager; {@code s3}: the AWS SDK's apache5 client, which pools with the same library): how many
 * connections each keeps, how long a call waits for one, and when a pooled connection is recycled.
 *
 * @param maxConnections the most connections one backend's pool opens
 * @param maxPerRoute the most connections to one host and port (HttpClient 5's route); at most
 *     {@code maxConnections}. The SDK's apache5 client sets its route limit to its total itself, so
 *     for {@code s3} only {@code maxConnections} applies (each backend talks to one endpoint anyway)
 * @param acquireTimeout how long a call waits for a pooled connection before failing with the pool's
 *     figures (total, active, idle, waiting)
 * @param maxLifetime a connection older than this is closed instead of reused (time to live), so a
 *     node behind a load balancer or a changed DNS answer is picked up
 * @param maxIdle a connection unused this long is closed by the pool's eviction
 */
public record PoolConfig(int maxConnections, int maxPerRoute, Duration acquireTimeout, Duration maxLifetime,
    Duration maxIdle) {

  public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("IPFS_KIT_POOL_MAX_CONNECTIONS", 1, 10_000,
      "connections", 16, "most HTTP connections one remote backend (ipfs, s3) keeps in its pool");
  public static final Setting<Integer> MAX_PER_ROUTE = Setting.integer("IPFS_KIT_POOL_MAX_PER_ROUTE", 1, 10_000,
      "connections", 16, "most pooled connections to one host and port (ipfs; s3 uses MAX_CONNECTIONS), at most"
          + " IPFS_KIT_POOL_MAX_CONNECTIONS");
  public static final Setting<Duration> ACQUIRE_TIMEOUT = Setting.seconds("IPFS_KIT_POOL_ACQUIRE_TIMEOUT",
      Duration.ofMillis(1), Duration.ofMinutes(10), Duration.ofSeconds(10), "how long a call waits for a pooled"
          + " connection before failing with the pool's figures (total, active, idle, waiting)");
  public static final Setting<Duration> MAX_LIFETIME = Setting.seconds("IPFS_KIT_POOL_MAX_LIFETIME",
      Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofMinutes(5), "a pooled connection older than this is"
          + " closed instead of reused (time to live)");
  public static final Setting<Duration> MAX_IDLE = Setting.seconds("IPFS_KIT_POOL_MAX_IDLE", Duration.ofSeconds(1),
      Duration.ofDays(1), Duration.ofSeconds(60), "a pooled connection unused this long is closed (idle eviction)");

  /** Every {@code IPFS_KIT_POOL_*} setting. */
  public static final List<Setting<?>> SETTINGS = List.of(MAX_CONNECTIONS, MAX_PER_ROUTE, ACQUIRE_TIMEOUT,
      MAX_LIFETIME, MAX_IDLE);

  /** 16 connections (16 per route), 10 s to get one, recycled after 5 minutes, closed after 60 s idle. */
  public static final PoolConfig DEFAULTS = new PoolConfig(16, 16, Duration.ofSeconds(10), Duration.ofMinutes(5),
      Duration.ofSeconds(60));

  public PoolConfig {
    requireNonNull(acquireTimeout, "acquireTimeout");
    requireNonNull(maxLifetime, "maxLifetime");
    requireNonNull(maxIdle, "maxIdle");
    if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1, but was " + maxConnections);
    if (maxPerRoute < 1 || maxPerRoute > maxConnections)
      throw new IllegalArgumentException("maxPerRoute must be from 1 to maxConnections (" + maxConnections
          + "), but was " + maxPerRoute);
    positive("acquireTimeout", acquireTimeout);
    positive("maxLifetime", maxLifetime);
    positive("maxIdle", maxIdle);
  }

  /** This configuration with another pool size (both the total and the per-route limit). */
  public PoolConfig withMaxConnections(int max) {
    return new PoolConfig(max, max, acquireTimeout, maxLifetime, maxIdle);
  }

  /**
   * The {@code IPFS_KIT_POOL_*} settings.
   *
   * @throws ConfigException naming the key, its source and the rule for a bad value (also when the
   *     per-route limit exceeds the total)
   */
  public static PoolConfig from(Settings settings) {
    int max = settings.get(MAX_CONNECTIONS, DEFAULTS.maxConnections());
    int perRoute = settings.find(MAX_PER_ROUTE).orElse(Math.min(max, DEFAULTS.maxPerRoute()));
    if (perRoute > max)
      throw new ConfigException(MAX_PER_ROUTE.name(), settings.source(MAX_PER_ROUTE.name()),
          "must be at most " + MAX_CONNECTIONS.name() + " (" + max + "), but was " + perRoute);
    return new PoolConfig(max, perRoute, settings.get(ACQUIRE_TIMEOUT, DEFAULTS.acquireTimeout()),
        settings.get(MAX_LIFETIME, DEFAULTS.maxLifetime()), settings.get(MAX_IDLE, DEFAULTS.maxIdle()));
  }

  private static void positive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(field + " must be > 0, but was " + d);
  }
}
