package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * The last health probe of each backend, refreshed on its own schedule so that readers ({@code
 * wal_metrics}, {@code wal_health}) never probe a backend themselves.
 *
 * <p>Time is a parameter: {@link #probeDue(long)} probes every backend whose last probe is at least
 * one interval old at {@code nowNanos} and returns how long until the next one is due (OkHttp's
 * {@code cleanup(now)} idiom), so tests drive it with explicit times and production drives it from
 * one daemon thread ({@link BackendRegistry#startHealthProbes()}).
 *
 * <p>Locks and visibility: {@code probeDue} is synchronized, so one probe round runs at a time and
 * {@link #probedAtNanos} is only touched under that lock. Results are immutable {@link
 * CheckedHealth} values published through a {@link ConcurrentHashMap}; {@link #health} reads it
 * without locking and so never waits for a probe in progress (it sees the previous result until the
 * new one is stored). A probe that throws is recorded as UNHEALTHY naming the exception type, never
 * propagated. A status change is told to the {@link HealthChangeListener} (if set) on the probing
 * thread, after the new result is visible, still under the lock (so changes arrive in order).
 */
final class HealthCache {
  private final Map<String, StorageBackend> backends;
  private final long intervalNanos;
  private final Clock clock;
  private final ConcurrentHashMap<String, CheckedHealth> last = new ConcurrentHashMap<>();
  /** Guarded by {@code this}: nanoTime of each backend's last probe; absent before the first. */
  private final Map<String, Long> probedAtNanos = new HashMap<>();
  private volatile HealthChangeListener listener; // null: nobody listens

  /**
   * @param backends by name; probed in this map's iteration order
   * @param interval how old a probe may get before the next one is due (> 0)
   * @param clock gives {@link CheckedHealth#checkedAt()}
   */
  HealthCache(Map<String, StorageBackend> backends, Duration interval, Clock clock) {
    requireNonNull(backends, "backends");
    requireNonNull(interval, "interval");
    requireNonNull(clock, "clock");
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("health probe interval must be > 0, but was " + interval);
    this.backends = backends;
    this.intervalNanos = interval.toNanos();
    this.clock = clock;
  }

  /**
   * Probes each backend whose last probe is older than the interval (or that was never probed).
   *
   * @param nowNanos the current {@link System#nanoTime()} reading (any monotonic ticker)
   * @return nanoseconds until the next probe is due; the interval when there is no backend
   */
  synchronized long probeDue(long nowNanos) {
    long next = intervalNanos;
    for (Map.Entry<String, StorageBackend> e : backends.entrySet()) {
      Long at = probedAtNanos.get(e.getKey());
      long age = at == null ? Long.MAX_VALUE : nowNanos - at;
      if (age >= intervalNanos) {
        CheckedHealth current = new CheckedHealth(probe(e.getKey(), e.getValue()), clock.instant());
        CheckedHealth previous = last.put(e.getKey(), current);
        probedAtNanos.put(e.getKey(), nowNanos);
        tellIfChanged(e.getKey(), previous == null ? CheckedHealth.notYetProbed() : previous, current);
      } else {
        next = Math.min(next, intervalNanos - age);
      }
    }
    return next;
  }

  /** Sets the one listener told of status changes (null: none); see {@link HealthChangeListener}. */
  void onChange(HealthChangeListener listenerOrNull) {
    listener = listenerOrNull;
  }

  /**
   * Whether going from {@code before} to {@code after} is a change to tell: the status differs, except
   * that a first probe finding the backend HEALTHY is no news.
   */
  static boolean isChange(BackendHealth.Status before, BackendHealth.Status after) {
    if (before == after) return false;
    return !(before == BackendHealth.Status.UNKNOWN && after == BackendHealth.Status.HEALTHY);
  }

  private void tellIfChanged(String name, CheckedHealth previous, CheckedHealth current) {
    HealthChangeListener l = listener;
    if (l == null || !isChange(previous.health().status(), current.health().status())) return;
    try {
      l.healthChanged(name, previous, current);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(HealthCache.class).warn("the health change listener failed: {}", e.toString());
    }
  }

  /** The last probe of {@code name}; {@link CheckedHealth#notYetProbed()} before the first. */
  CheckedHealth health(String name) {
    return last.getOrDefault(name, CheckedHealth.notYetProbed());
  }

  private static BackendHealth probe(String name, StorageBackend backend) {
    try {
      BackendHealth h = backend.health();
      if (h != null) return h;
      return BackendHealth.unhealthy("the " + name + " backend's health probe returned nothing");
    } catch (RuntimeException e) {
      // The message may be long or carry the backend's answer; the type says what happened.
      return BackendHealth.unhealthy("the " + name + " backend's health probe failed with "
          + e.getClass().getSimpleName());
    }
  }
}
