package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits failed authentications per remote address: after {@code maxFailures} failures within one
 * window of {@code window}, that address is refused (429) until the window ends, whatever token it
 * sends. A success does not reset the count (a guesser that also holds the token gains nothing).
 *
 * <p>Thread-safe: every method synchronises on this object, which guards {@code windows}. Memory is
 * bounded: at most {@code maxTracked} addresses are kept; expired windows are dropped on each
 * failure, and when the map is still full the oldest entry goes.
 */
final class FailedAuthLimiter {

  private record Window(Instant start, int failures) {}

  private final int maxFailures;
  private final Duration window;
  private final int maxTracked;
  private final Clock clock;
  private final Map<String, Window> windows = new LinkedHashMap<>(); // guarded by this
  private volatile int trackedCount; // windows.size(), written under this

  FailedAuthLimiter(int maxFailures, Duration window, int maxTracked, Clock clock) {
    if (maxFailures < 1) throw new IllegalArgumentException("maxFailures must be >= 1, but was " + maxFailures);
    requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be > 0, but was " + window);
    if (maxTracked < 1) throw new IllegalArgumentException("maxTracked must be >= 1, but was " + maxTracked);
    this.maxFailures = maxFailures;
    this.window = window;
    this.maxTracked = maxTracked;
    this.clock = requireNonNull(clock, "clock");
  }

  /** How long {@code address} must wait before its next attempt, or empty when it may try now. */
  Optional<Duration> blockedFor(String address) {
    // Every authenticated request asks: without any failure on record it need not take the lock.
    if (trackedCount == 0) return Optional.empty();
    return blockedForLocked(address);
  }

  private synchronized Optional<Duration> blockedForLocked(String address) {
    Window w = windows.get(address);
    if (w == null || w.failures() < maxFailures) return Optional.empty();
    Instant now = clock.instant();
    Instant end = w.start().plus(window);
    if (!now.isBefore(end)) {
      windows.remove(address);
      trackedCount = windows.size();
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, end));
  }

  /** Counts one failed attempt from {@code address}. */
  synchronized void recordFailure(String address) {
    Instant now = clock.instant();
    Window w = windows.get(address);
    if (w == null || !now.isBefore(w.start().plus(window))) {
      windows.remove(address);
      evict(now);
      windows.put(address, new Window(now, 1));
    } else {
      windows.put(address, new Window(w.start(), w.failures() + 1));
    }
    trackedCount = windows.size();
  }

  /** Addresses tracked now (tests). */
  synchronized int tracked() {
    return windows.size();
  }

  private void evict(Instant now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().start().plus(window))) it.remove();
    }
    while (windows.size() >= maxTracked) {
      Iterator<String> oldest = windows.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }
}
