package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

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
 * {@link #probedAtNanos} is only touched under that lock. Each result goes to the {@link
 * HealthMonitor}, which combines it with the outcomes of real calls, keeps the history and
 * publishes immutable {@link CheckedHealth} values; {@link #health} reads them without locking and
 * so never waits for a probe in progress (it sees the previous result until the new one is stored). A probe that throws is recorded as UNHEALTHY naming the exception type, never
 * propagated. A status change is told by the monitor to the {@link HealthChangeListener} (if set) on
 * the probing thread, after the new result is visible (so changes arrive in order).
 *
 * <p>Recovery: a backend that is recovering (UNHEALTHY in the monitor, or its circuit breaker OPEN:
 * the {@code recovering} test) is probed every {@code recoveryInterval} instead of every {@code
 * interval}, since its first healthy probe is what resumes its queue and half-opens its breaker; a
 * healthy backend still costs one probe per {@code interval}. A backend can start recovering between
 * rounds (its breaker opens on failed calls), so the prober looks again at least every {@code
 * recoveryInterval}; a look with nothing due probes nothing.
 */
final class HealthCache {
  private final Map<String, StorageBackend> backends;
  private final long intervalNanos;
  private final long recoveryNanos;
  private final Predicate<String> recovering;
  private final HealthMonitor monitor;
  /** Guarded by {@code this}: nanoTime of each backend's last probe; absent before the first. */
  private final Map<String, Long> probedAtNanos = new HashMap<>();

  /**
   * @param backends by name; probed in this map's iteration order
   * @param interval how old a probe may get before the next one is due (> 0)
   * @param clock gives {@link CheckedHealth#checkedAt()}
   */
  HealthCache(Map<String, StorageBackend> backends, Duration interval, Clock clock) {
    this(backends, interval, new HealthMonitor(backends.keySet(), HealthThresholds.defaults(), clock));
  }

  /**
   * @param monitor combines each probe with the calls' outcomes, keeps the history and tells the
   *     listeners; it watches every backend in {@code backends}
   */
  HealthCache(Map<String, StorageBackend> backends, Duration interval, HealthMonitor monitor) {
    this(backends, interval, interval, b -> false, monitor);
  }

  /**
   * @param recoveryInterval how old the probe of a recovering backend may get (> 0, at most {@code interval})
   * @param recovering whether a backend is recovering besides being UNHEALTHY in {@code monitor} (the
   *     registry: its breaker is OPEN); asked once per backend per round, must not block
   */
  HealthCache(Map<String, StorageBackend> backends, Duration interval, Duration recoveryInterval,
      Predicate<String> recovering, HealthMonitor monitor) {
    requireNonNull(backends, "backends");
    requireNonNull(interval, "interval");
    requireNonNull(recoveryInterval, "recoveryInterval");
    requireNonNull(recovering, "recovering");
    requireNonNull(monitor, "monitor");
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("health probe interval must be > 0, but was " + interval);
    if (recoveryInterval.isNegative() || recoveryInterval.isZero() || recoveryInterval.compareTo(interval) > 0)
      throw new IllegalArgumentException("health recovery probe interval must be > 0 and at most the probe interval ("
          + interval + "), but was " + recoveryInterval);
    this.backends = backends;
    this.intervalNanos = interval.toNanos();
    this.recoveryNanos = recoveryInterval.toNanos();
    this.recovering = recovering;
    this.monitor = monitor;
  }

  /**
   * Probes each backend whose last probe is older than its interval (or that was never probed): the
   * recovery interval for a recovering backend, else the interval.
   *
   * @param nowNanos the current {@link System#nanoTime()} reading (any monotonic ticker)
   * @return nanoseconds until the next probe may be due: at most the recovery interval, since a backend
   *     may start recovering (its breaker opens, its calls fail) between rounds without telling the
   *     prober; a round with nothing due probes nothing
   */
  synchronized long probeDue(long nowNanos) {
    long next = intervalNanos;
    for (Map.Entry<String, StorageBackend> e : backends.entrySet()) {
      Long at = probedAtNanos.get(e.getKey());
      long age = at == null ? Long.MAX_VALUE : nowNanos - at;
      long due = isRecovering(e.getKey()) ? recoveryNanos : intervalNanos;
      if (age >= due) {
        long t0 = System.nanoTime();
        BackendHealth probed = probe(e.getKey(), e.getValue());
        Duration latency = Duration.ofNanos(Math.max(0, System.nanoTime() - t0));
        monitor.recordProbe(e.getKey(), probed, latency); // tells the listeners of a change
        probedAtNanos.put(e.getKey(), nowNanos);
      } else {
        next = Math.min(next, due - age);
      }
    }
    return Math.min(next, recoveryNanos);
  }

  private boolean isRecovering(String name) {
    if (monitor.unhealthy(name)) return true;
    try {
      return recovering.test(name);
    } catch (RuntimeException e) {
      return false; // a broken test only loses the faster probing
    }
  }

  /** Sets the one listener told of status changes (null: none); see {@link HealthChangeListener}. */
  void onChange(HealthChangeListener listenerOrNull) {
    monitor.onChange(listenerOrNull);
  }

  HealthMonitor monitor() {
    return monitor;
  }

  /**
   * Whether going from {@code before} to {@code after} is a change to tell: the status differs, except
   * that a first probe finding the backend HEALTHY is no news.
   */
  static boolean isChange(BackendHealth.Status before, BackendHealth.Status after) {
    if (before == after) return false;
    return !(before == BackendHealth.Status.UNKNOWN && after == BackendHealth.Status.HEALTHY);
  }

  /** The last probe of {@code name}; {@link CheckedHealth#notYetProbed()} before the first. */
  CheckedHealth health(String name) {
    return monitor.current(name);
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
