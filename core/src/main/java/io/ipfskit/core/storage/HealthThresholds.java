package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * When {@link HealthMonitor} calls a backend healthy, degraded or unhealthy, and how often it probes.
 *
 * @param probeInterval how old a backend's last probe may get before the next one runs
 * @param healthyPercent success rate of real calls in the window at or above which a backend is
 *     healthy (the reference's 95 %)
 * @param degradedPercent success rate at or above which it is degraded; below it is unhealthy (80 %);
 *     at most {@code healthyPercent}
 * @param maxResponseTime a probe or call slower than this makes the backend degraded
 * @param maxConsecutiveErrors this many failed calls in a row (with no healthy probe since) make it unhealthy
 * @param window how far back call outcomes count towards the success rate
 * @param minCalls fewer calls than this in the window say nothing about the success rate
 * @param historySize how many entries each backend's history keeps (oldest dropped first)
 * @param recoveryProbeInterval how often a backend is probed while it is UNHEALTHY or its circuit
 *     breaker is OPEN (at most {@code probeInterval}): a healthy probe is what ends the queue's pause
 *     and half-opens the breaker, so recovery is noticed within this interval of the backend's return
 *     instead of within {@code probeInterval}
 */
public record HealthThresholds(Duration probeInterval, int healthyPercent, int degradedPercent, Duration maxResponseTime,
    int maxConsecutiveErrors, Duration window, int minCalls, int historySize, Duration recoveryProbeInterval) {

  /** The recovery probe interval unless configured: 1 s, or the probe interval when that is shorter. */
  public static final Duration DEFAULT_RECOVERY_PROBE_INTERVAL = Duration.ofSeconds(1);

  public static final Setting<Duration> INTERVAL = Setting.seconds("IPFS_KIT_HEALTH_INTERVAL", Duration.ofMillis(100),
      Duration.ofHours(1), Duration.ofSeconds(15), "how often each backend's health probe runs (IPFS id/version, "
          + "S3 head-bucket, local write probe, Storacha upload/list through its bridge)");
  public static final Setting<Integer> HEALTHY_PERCENT = Setting.integer("IPFS_KIT_HEALTH_HEALTHY_PERCENT", 1, 100,
      "percent", 95, "success rate of real calls in the window at or above which a backend is healthy");
  public static final Setting<Integer> DEGRADED_PERCENT = Setting.integer("IPFS_KIT_HEALTH_DEGRADED_PERCENT", 0, 100,
      "percent", 80, "success rate at or above which a backend is degraded (below: unhealthy, its WAL queue pauses); "
          + "at most IPFS_KIT_HEALTH_HEALTHY_PERCENT");
  public static final Setting<Duration> MAX_RESPONSE_TIME = Setting.seconds("IPFS_KIT_HEALTH_MAX_RESPONSE_TIME",
      Duration.ofMillis(1), Duration.ofMinutes(10), Duration.ofSeconds(5),
      "a probe or call slower than this makes the backend degraded");
  public static final Setting<Integer> MAX_CONSECUTIVE_ERRORS = Setting.integer("IPFS_KIT_HEALTH_MAX_CONSECUTIVE_ERRORS",
      1, 1_000_000, "calls", 5, "failed calls in a row that make a backend unhealthy until a probe finds it healthy");
  public static final Setting<Duration> WINDOW = Setting.seconds("IPFS_KIT_HEALTH_WINDOW", Duration.ofSeconds(1),
      Duration.ofHours(24), Duration.ofSeconds(60), "how far back call outcomes count towards the success rate");
  public static final Setting<Integer> MIN_CALLS = Setting.integer("IPFS_KIT_HEALTH_MIN_CALLS", 1, 1_000_000, "calls", 10,
      "fewer calls than this in the window leave the success rate out of the health state");
  public static final Setting<Duration> RECOVERY_INTERVAL = Setting.seconds("IPFS_KIT_HEALTH_RECOVERY_INTERVAL",
      Duration.ofMillis(100), Duration.ofHours(1), DEFAULT_RECOVERY_PROBE_INTERVAL, "how often a backend is probed while "
          + "it is unhealthy or its circuit breaker is open (at most IPFS_KIT_HEALTH_INTERVAL; unset: 1 s or that "
          + "interval if shorter): recovery is noticed within it");
  public static final Setting<Integer> HISTORY = Setting.integer("IPFS_KIT_HEALTH_HISTORY", 1, 10_000, "entries", 50,
      "how many health entries (probes and changes) each backend keeps");

  /** Every {@code IPFS_KIT_HEALTH_*} setting. */
  public static final List<Setting<?>> SETTINGS = List.of(INTERVAL, HEALTHY_PERCENT, DEGRADED_PERCENT,
      MAX_RESPONSE_TIME, MAX_CONSECUTIVE_ERRORS, WINDOW, MIN_CALLS, HISTORY, RECOVERY_INTERVAL);

  public HealthThresholds {
    requireNonNull(probeInterval, "probeInterval");
    requireNonNull(maxResponseTime, "maxResponseTime");
    requireNonNull(window, "window");
    requireNonNull(recoveryProbeInterval, "recoveryProbeInterval");
    positive("probeInterval", probeInterval);
    positive("recoveryProbeInterval", recoveryProbeInterval);
    if (recoveryProbeInterval.compareTo(probeInterval) > 0)
      throw new IllegalArgumentException("recoveryProbeInterval must be at most probeInterval (" + probeInterval
          + "), but was " + recoveryProbeInterval);
    positive("maxResponseTime", maxResponseTime);
    positive("window", window);
    if (healthyPercent < 1 || healthyPercent > 100)
      throw new IllegalArgumentException("healthyPercent must be from 1 to 100, but was " + healthyPercent);
    if (degradedPercent < 0 || degradedPercent > healthyPercent)
      throw new IllegalArgumentException("degradedPercent must be from 0 to healthyPercent (" + healthyPercent
          + "), but was " + degradedPercent);
    if (maxConsecutiveErrors < 1)
      throw new IllegalArgumentException("maxConsecutiveErrors must be >= 1, but was " + maxConsecutiveErrors);
    if (minCalls < 1) throw new IllegalArgumentException("minCalls must be >= 1, but was " + minCalls);
    if (historySize < 1) throw new IllegalArgumentException("historySize must be >= 1, but was " + historySize);
  }

  /**
   * Thresholds with the default recovery probe interval: 1 s, or {@code probeInterval} when that is shorter.
   */
  public HealthThresholds(Duration probeInterval, int healthyPercent, int degradedPercent, Duration maxResponseTime,
      int maxConsecutiveErrors, Duration window, int minCalls, int historySize) {
    this(probeInterval, healthyPercent, degradedPercent, maxResponseTime, maxConsecutiveErrors, window, minCalls,
        historySize, defaultRecovery(probeInterval));
  }

  /**
   * The defaults: probe every 15 s (every 1 s while unhealthy or the breaker is open), 95 % / 80 %, 5 s,
   * 5 errors in a row, 60 s window, 10 calls, 50 entries.
   */
  public static HealthThresholds defaults() {
    return from(Settings.empty());
  }

  /**
   * The {@code IPFS_KIT_HEALTH_*} settings.
   *
   * @throws io.ipfskit.core.config.ConfigException naming the key, its source and the rule for a bad value
   *     (also when the degraded percent exceeds the healthy one)
   */
  public static HealthThresholds from(Settings settings) {
    int healthy = settings.get(HEALTHY_PERCENT, 95);
    int degraded = settings.get(DEGRADED_PERCENT, 80);
    if (degraded > healthy)
      throw new ConfigException(DEGRADED_PERCENT.name(), settings.source(DEGRADED_PERCENT.name()),
          "must be at most " + HEALTHY_PERCENT.name() + " (" + healthy + "), but was " + degraded);
    Duration interval = settings.get(INTERVAL, Duration.ofSeconds(15));
    Duration recovery = settings.find(RECOVERY_INTERVAL).orElse(defaultRecovery(interval));
    if (recovery.compareTo(interval) > 0)
      throw new ConfigException(RECOVERY_INTERVAL.name(), settings.source(RECOVERY_INTERVAL.name()),
          "must be at most " + INTERVAL.name() + " (" + interval.toMillis() + " ms), but was " + recovery.toMillis() + " ms");
    return new HealthThresholds(interval, healthy, degraded,
        settings.get(MAX_RESPONSE_TIME, Duration.ofSeconds(5)), settings.get(MAX_CONSECUTIVE_ERRORS, 5),
        settings.get(WINDOW, Duration.ofSeconds(60)), settings.get(MIN_CALLS, 10), settings.get(HISTORY, 50), recovery);
  }

  private static Duration defaultRecovery(Duration probeInterval) {
    requireNonNull(probeInterval, "probeInterval");
    return probeInterval.compareTo(DEFAULT_RECOVERY_PROBE_INTERVAL) < 0 ? probeInterval : DEFAULT_RECOVERY_PROBE_INTERVAL;
  }

  private static void positive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(field + " must be > 0, but was " + d);
  }
}
