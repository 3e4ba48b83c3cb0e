package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.BackendHealth.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Each backend's health from two sources: its periodic probe ({@link #recordProbe}, run by {@link
 * HealthCache} on the registry's schedule) and the outcomes of real calls ({@link #recordCall}, told
 * by the write-ahead log's dispatcher). The state is, first match wins:
 *
 * <ol>
 *   <li>{@code UNKNOWN}: never probed and no call in the window;
 *   <li>{@code UNHEALTHY}: the last probe failed; or {@link HealthThresholds#maxConsecutiveErrors}
 *       calls failed in a row with no healthy probe since; or, before any probe, with at least {@link
 *       HealthThresholds#minCalls} calls in the window, their success rate is below {@link
 *       HealthThresholds#degradedPercent};
 *   <li>{@code DEGRADED}: that success rate is below {@link HealthThresholds#healthyPercent} (also
 *       below the degraded percent when the last probe passed: a backend that answers its probe and
 *       most calls fails intermittently, which retries ride out, so its queue keeps running); or the
 *       probe said degraded; or the last probe or a call in the window took longer than {@link
 *       HealthThresholds#maxResponseTime};
 *   <li>{@code HEALTHY} otherwise.
 * </ol>
 *
 * A healthy probe ends an outage: it clears the count of errors in a row, and when the backend was
 * unhealthy it also forgets the window's calls (they were made before it came back), so a paused
 * queue resumes on the first healthy probe instead of waiting for the window to pass.
 *
 * <p>The queue pauses ({@link #pausesQueue}) only when both sources agree the backend is down: calls
 * failed {@link HealthThresholds#maxConsecutiveErrors} times in a row (it does not answer), or the
 * last probe failed while the calls' success rate is below the degraded percent. A low success rate
 * with passing probes is DEGRADED and does not pause.
 *
 * <p>History: every probe and every change of state adds an entry (time, state, reason, latency);
 * each backend keeps the last {@link HealthThresholds#historySize}.
 *
 * <p>Locks and visibility: everything mutable per backend is guarded by {@code this}; the current
 * state of each backend is an immutable {@link CheckedHealth} published through a {@link
 * ConcurrentHashMap}, so {@link #current} and {@link #unhealthy} never take the lock (the WAL
 * dispatcher asks while holding its own lock, and its change listener takes that lock: the two
 * locks are never held in the other order). Listeners are called under {@code this}, so changes
 * arrive in order; they must return quickly and not call {@link #recordProbe}/{@link #recordCall}.
 */
public final class HealthMonitor {
  /** One history entry: when, the state after it, why, and how long the probe or call took (null: unmeasured). */
  public record HistoryEntry(Instant at, Status state, String reason, Duration latency) {
    public HistoryEntry {
      requireNonNull(at, "at");
      requireNonNull(state, "state");
      requireNonNull(reason, "reason");
    }
  }

  /**
   * A backend's health as {@code backend_health} shows it.
   *
   * @param current state, reason and when it was last evaluated
   * @param lastLatency how long the last probe took; null before the first
   * @param successRate successful calls / calls in the window, 0 to 1; null when there was none
   * @param callsInWindow calls in the window
   * @param consecutiveErrors failed calls in a row since the last success or healthy probe
   * @param history oldest first
   */
  public record Report(String backend, CheckedHealth current, Duration lastLatency, Double successRate,
      int callsInWindow, int consecutiveErrors, List<HistoryEntry> history) {
    public Report {
      requireNonNull(backend, "backend");
      requireNonNull(current, "current");
      history = List.copyOf(history);
    }
  }

  private static final int MAX_CALLS_KEPT = 100_000;

  private final HealthThresholds thresholds;
  private final Clock clock;
  private final Map<String, Track> tracks; // guarded by this, as is each Track; a backend first seen later joins
  private final ConcurrentHashMap<String, CheckedHealth> current = new ConcurrentHashMap<>();
  /** Backends whose real calls say they fail (errors in a row, or rate below degraded): their queues pause. */
  private final Set<String> callsFailing = ConcurrentHashMap.newKeySet();
  private volatile HealthChangeListener listener; // the registry's one listener; null: none
  private final CopyOnWriteArrayList<HealthChangeListener> observers = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<java.util.function.Consumer<String>> healthyProbeListeners =
      new CopyOnWriteArrayList<>();

  /** One call outcome: epoch millis, whether it succeeded, its latency. */
  private record Call(long atMillis, boolean ok, long nanos) {}

  private static final class Track {
    BackendHealth probe; // null before the first probe
    Duration probeLatency;
    final ArrayDeque<Call> calls = new ArrayDeque<>();
    int consecutiveErrors;
    String lastErrorType;
    final ArrayDeque<HistoryEntry> history = new ArrayDeque<>();
  }

  /**
   * @param backends the names of the backends to watch (others join when first recorded)
   * @param clock stamps probes, calls and history (tests pass a fixed, movable clock)
   */
  public HealthMonitor(Collection<String> backends, HealthThresholds thresholds, Clock clock) {
    requireNonNull(backends, "backends");
    this.thresholds = requireNonNull(thresholds, "thresholds");
    this.clock = requireNonNull(clock, "clock");
    Map<String, Track> t = new LinkedHashMap<>();
    for (String b : backends) t.put(requireNonNull(b, "backend name"), new Track());
    this.tracks = t;
  }

  public HealthThresholds thresholds() {
    return thresholds;
  }

  /** The current state of {@code backend}; UNKNOWN before anything was recorded. Never blocks. */
  public CheckedHealth current(String backend) {
    requireNonNull(backend, "backend");
    return current.getOrDefault(backend, CheckedHealth.notYetProbed());
  }

  /** Whether {@code backend} is UNHEALTHY now. Never blocks; false for an unknown name. */
  public boolean unhealthy(String backend) {
    CheckedHealth h = current.get(backend);
    return h != null && h.status() == Status.UNHEALTHY;
  }

  /**
   * Whether {@code backend}'s queue should pause: it is UNHEALTHY and its real calls say so ({@link
   * HealthThresholds#maxConsecutiveErrors} in a row, or a success rate below the degraded percent).
   * A failed probe alone does not pause: it may be a misconfiguration (a wrong secret) that a call
   * reports at once as a permanent error, which the operation should then show. Nor does a low
   * success rate while probes pass (that is DEGRADED, see the class comment). Never blocks.
   */
  public boolean pausesQueue(String backend) {
    return unhealthy(backend) && callsFailing.contains(backend);
  }

  /** Records a probe's result and how long it took; adds a history entry. */
  public synchronized void recordProbe(String backend, BackendHealth probe, Duration latency) {
    requireNonNull(probe, "probe");
    requireNonNull(latency, "latency");
    Track t = track(backend);
    Instant at = clock.instant();
    long now = at.toEpochMilli();
    boolean wasUnhealthy = current(backend).status() == Status.UNHEALTHY;
    t.probe = probe;
    t.probeLatency = latency;
    if (probe.status() == Status.HEALTHY) {
      t.consecutiveErrors = 0;
      if (wasUnhealthy) t.calls.clear(); // made during the outage: they say nothing about now
    }
    BackendHealth state = evaluate(t, now);
    markCalls(backend, t, now);
    addHistory(t, new HistoryEntry(at, state.status(), state.detail(), latency));
    // Before the change is published: a resumed queue's first call then finds the breaker half-open.
    if (probe.status() == Status.HEALTHY) for (var l : healthyProbeListeners) tellHealthyProbe(l, backend);
    publish(backend, state, at);
  }

  /**
   * Records the outcome of a real call on {@code backend}.
   *
   * @param errorTypeOrNull null for a call the backend answered (also "not found"); else the type of a
   *     backend failure (unavailable, timeout, transient): no message, it could carry the backend's answer
   */
  public synchronized void recordCall(String backend, Duration latency, String errorTypeOrNull) {
    requireNonNull(latency, "latency");
    Track t = track(backend);
    Instant at = clock.instant();
    long now = at.toEpochMilli();
    boolean ok = errorTypeOrNull == null;
    if (t.calls.size() >= MAX_CALLS_KEPT) t.calls.pollFirst();
    t.calls.addLast(new Call(now, ok, latency.toNanos()));
    if (ok) {
      t.consecutiveErrors = 0;
    } else {
      t.consecutiveErrors++;
      t.lastErrorType = errorTypeOrNull;
    }
    BackendHealth state = evaluate(t, now);
    markCalls(backend, t, now);
    CheckedHealth before = current(backend);
    if (before.status() != state.status()) {
      addHistory(t, new HistoryEntry(at, state.status(), state.detail(), latency));
      publish(backend, state, at);
    }
  }

  /** Sets the one listener {@link BackendRegistry#onHealthChange} sets (null: none). */
  public void onChange(HealthChangeListener listenerOrNull) {
    listener = listenerOrNull;
  }

  /** Adds a listener besides {@link #onChange}'s (the WAL dispatcher, to resume a paused queue). */
  public void addObserver(HealthChangeListener observer) {
    observers.add(requireNonNull(observer, "observer"));
  }

  /**
   * Adds a listener told of every probe that found its backend HEALTHY, whatever the state before
   * (the registry half-opens the backend's open circuit breaker on it: recovery follows evidence
   * instead of a fixed wait). Called under this monitor's lock, before a resulting change of state
   * is published; it must return quickly and not call back into the monitor.
   */
  public void onHealthyProbe(java.util.function.Consumer<String> listener) {
    healthyProbeListeners.add(requireNonNull(listener, "listener"));
  }

  private static void tellHealthyProbe(java.util.function.Consumer<String> l, String backend) {
    try {
      l.accept(backend);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(HealthMonitor.class).warn("a healthy-probe listener failed: {}", e.toString());
    }
  }

  /** The report of {@code backend} at the clock's now (UNKNOWN with no history for a name never recorded). */
  public synchronized Report report(String backend) {
    Track t = track(backend);
    long now = clock.millis();
    trim(t, now);
    int n = t.calls.size();
    long ok = t.calls.stream().filter(Call::ok).count();
    return new Report(backend, current(backend), t.probeLatency, n == 0 ? null : (double) ok / n, n,
        t.consecutiveErrors, new ArrayList<>(t.history));
  }

  // ---------------------------------------------------------------- inside the lock

  private BackendHealth evaluate(Track t, long now) {
    trim(t, now);
    int n = t.calls.size();
    if (t.probe == null && n == 0) return new BackendHealth(Status.UNKNOWN, "not probed yet");
    if (t.probe != null && t.probe.status() == Status.UNHEALTHY) return t.probe;
    if (t.consecutiveErrors >= thresholds.maxConsecutiveErrors())
      return BackendHealth.unhealthy(t.consecutiveErrors + " calls failed in a row (last: " + t.lastErrorType
          + "); the limit is " + thresholds.maxConsecutiveErrors());
    if (n >= thresholds.minCalls()) {
      long ok = t.calls.stream().filter(Call::ok).count();
      double percent = 100.0 * ok / n;
      String rate = String.format(Locale.ROOT, "success rate %.1f%% of %d calls in the last %ds", percent, n,
          thresholds.window().toSeconds());
      if (percent < thresholds.degradedPercent()) {
        // The last probe cannot have failed here (that returned above): passing probes make it intermittent.
        if (t.probe == null) return BackendHealth.unhealthy(rate + " is below " + thresholds.degradedPercent() + "%");
        return new BackendHealth(Status.DEGRADED, rate + " is below " + thresholds.degradedPercent()
            + "%, but the last health probe passed: intermittent failures");
      }
      if (percent < thresholds.healthyPercent())
        return new BackendHealth(Status.DEGRADED, rate + " is below " + thresholds.healthyPercent() + "%");
    }
    if (t.probe != null && t.probe.status() == Status.DEGRADED) return t.probe;
    long maxNanos = thresholds.maxResponseTime().toNanos();
    if (t.probeLatency != null && t.probeLatency.toNanos() > maxNanos)
      return new BackendHealth(Status.DEGRADED, "the last probe took " + t.probeLatency.toMillis()
          + " ms, more than the maximum response time of " + thresholds.maxResponseTime().toMillis() + " ms");
    long slowest = t.calls.stream().mapToLong(Call::nanos).max().orElse(0);
    if (slowest > maxNanos)
      return new BackendHealth(Status.DEGRADED, "a call in the last " + thresholds.window().toSeconds() + "s took "
          + Duration.ofNanos(slowest).toMillis() + " ms, more than the maximum response time of "
          + thresholds.maxResponseTime().toMillis() + " ms");
    if (t.probe != null && t.probe.status() == Status.HEALTHY) return t.probe;
    return BackendHealth.healthy(n + " calls in the last " + thresholds.window().toSeconds() + "s answered"
        + (t.probe == null ? " (not probed yet)" : ""));
  }

  private void markCalls(String backend, Track t, long now) {
    boolean failing = t.consecutiveErrors >= thresholds.maxConsecutiveErrors();
    int n = t.calls.size();
    if (!failing && n >= thresholds.minCalls()) {
      long ok = t.calls.stream().filter(Call::ok).count();
      failing = 100.0 * ok / n < thresholds.degradedPercent();
    }
    if (failing) callsFailing.add(backend);
    else callsFailing.remove(backend);
  }

  private void trim(Track t, long now) {
    long oldest = now - thresholds.window().toMillis();
    while (!t.calls.isEmpty() && t.calls.peekFirst().atMillis() <= oldest) t.calls.pollFirst();
  }

  private void addHistory(Track t, HistoryEntry e) {
    while (t.history.size() >= thresholds.historySize()) t.history.pollFirst();
    t.history.addLast(e);
  }

  private void publish(String backend, BackendHealth state, Instant at) {
    CheckedHealth next = new CheckedHealth(state, at);
    CheckedHealth previous = current.put(backend, next);
    if (previous == null) previous = CheckedHealth.notYetProbed();
    if (!HealthCache.isChange(previous.status(), next.status())) return;
    tell(listener, backend, previous, next);
    for (HealthChangeListener o : observers) tell(o, backend, previous, next);
  }

  private static void tell(HealthChangeListener l, String backend, CheckedHealth previous, CheckedHealth next) {
    if (l == null) return;
    try {
      l.healthChanged(backend, previous, next);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(HealthMonitor.class).warn("a health change listener failed: {}", e.toString());
    }
  }

  /** Needs the lock. */
  private Track track(String backend) {
    return tracks.computeIfAbsent(requireNonNull(backend, "backend"), b -> new Track());
  }
}
