package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.ipfskit.core.files.OperationCancelledException;
import io.ipfskit.core.resilience.ResilienceConfig.WindowType;
import io.ipfskit.core.storage.StorageException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One circuit breaker (a backend's or a peer's): Resilience4j's state machine for the sliding
 * windows, slow calls, half-open probes and forced states, plus what it lacks — a bounded history of
 * transitions with time and cause, the storage error classes deciding what counts, and the {@link
 * RecoveryRamp} on top once the breaker closes again.
 *
 * <p><b>What counts</b> ({@link #classify}): a call that returned, or failed {@code NOT_FOUND} (the
 * backend answered), is a success; {@code UNAVAILABLE} and {@code TRANSIENT} failures, and any
 * unexpected exception, are failures; {@code PERMANENT} failures (bad CID, access denied, missing
 * file) are ignored: the request was wrong, which says nothing either way about the backend, so they
 * neither fill nor empty the window (a half-open probe slot they took is given back). A cancelled
 * call is ignored too.
 *
 * <p><b>Time:</b> Resilience4j is given our {@link Clock} ({@code CircuitBreakerConfig.clock}, which
 * 2.4.0 has): it decides when an open breaker may half-open and rolls time-based windows with it.
 * Automatic open → half-open is off: the first call after the wait half-opens it, so no scheduler
 * thread runs and tests move the clock instead of sleeping. Call durations (slow calls) are measured
 * by the caller with the injected nano ticker and passed in.
 *
 * <p><b>Transitions</b> are observed, not subscribed to: a Resilience4j event consumer would make
 * it allocate an event with a {@code ZonedDateTime.now()} on every call. Every state change happens
 * inside a call this class makes (permission, outcome, control), so each such call compares the
 * state with the last one seen and, when it differs, records the transition under {@code this}.
 * Under concurrency two changes in a row made by different threads may be recorded as one (from the
 * first state to the last); single-threaded, every transition is recorded.
 */
final class Breaker {
  private final String name;
  private final CircuitBreaker cb;
  private final RecoveryRamp ramp;
  private final Clock clock;
  private final LongSupplier nanos;
  private final ResilienceConfig.Breaker config;
  private volatile CircuitBreaker.State seen = CircuitBreaker.State.CLOSED;
  private volatile long openedAt; // nanos when last seen OPEN
  private volatile String lastFailure = "none";
  /** The message of a refused call, rebuilt at each transition (a refusal must stay cheap). */
  private volatile String refusal = "circuit breaker refused the call";
  // guarded by this
  private final ArrayDeque<BreakerTransition> history = new ArrayDeque<>();
  /** Told of every recorded transition (see {@link Resilience#onTransition}); never null. */
  private volatile java.util.function.BiConsumer<String, BreakerTransition> onTransition = (n, t) -> {};
  private long transitions;

  /** What one finished call means for the breaker. */
  enum Outcome { SUCCESS, FAILURE, IGNORED }

  Breaker(String name, ResilienceConfig.Breaker config, ResilienceConfig.Ramp rampConfig, Clock clock,
      LongSupplier nanos) {
    this.name = requireNonNull(name, "name");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.nanos = requireNonNull(nanos, "nanos");
    this.ramp = new RecoveryRamp(rampConfig);
    CircuitBreakerConfig c = CircuitBreakerConfig.custom()
        .failureRateThreshold(config.failureRateThreshold())
        .slowCallRateThreshold(config.slowCallRateThreshold())
        .slowCallDurationThreshold(config.slowCallDuration())
        .slidingWindow(config.windowSize(), config.minimumCalls(),
            config.windowType() == WindowType.COUNT ? SlidingWindowType.COUNT_BASED : SlidingWindowType.TIME_BASED)
        .waitDurationInOpenState(config.waitInOpen())
        .permittedNumberOfCallsInHalfOpenState(config.halfOpenProbes())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .recordException(t -> true) // we classify before calling onError
        .clock(clock)
        .build();
    this.cb = CircuitBreaker.of(name, c);
  }

  String name() {
    return name;
  }

  /** How a finished call counts: see the class comment. */
  static Outcome classify(Throwable failure) {
    if (failure == null) return Outcome.SUCCESS;
    if (failure instanceof StorageException se) {
      return switch (se.errorClass()) {
        case NOT_FOUND -> Outcome.SUCCESS;
        case UNAVAILABLE, TRANSIENT -> Outcome.FAILURE;
        case PERMANENT -> Outcome.IGNORED;
      };
    }
    if (failure instanceof OperationCancelledException || failure instanceof InterruptedIOException) return Outcome.IGNORED;
    return Outcome.FAILURE;
  }

  /**
   * Asks to make one call: the breaker's permission, then the recovery ramp's. A caller that gets
   * through must report the call with {@link #onResult} (or {@link #release} if it never made it).
   *
   * @throws CallRejectedException when the breaker is open or the ramp does not admit the call
   */
  void acquire() throws CallRejectedException {
    boolean permitted = cb.tryAcquirePermission();
    if (cb.getState() != seen) observe(null);
    if (!permitted) {
      throw new CallRejectedException(refusal, CallRejectedException.Reason.BREAKER_OPEN, retryAfter());
    }
    if (ramp.active() && !ramp.admit(nanos.getAsLong())) { // no clock reading unless ramping
      cb.releasePermission();
      throw new CallRejectedException(name + " is recovering: admitting "
          + percent(ramp.rate(nanos.getAsLong())) + " of calls, this one was held back",
          CallRejectedException.Reason.RECOVERING, Duration.ZERO);
    }
  }

  /** Gives back a permission taken by {@link #acquire} for a call that was never made. */
  void release() {
    cb.releasePermission();
  }

  /**
   * Records a finished call.
   *
   * @param durationNanos how long it took (slow-call detection)
   * @param failure what it threw, or null
   */
  void onResult(long durationNanos, Throwable failure) {
    switch (classify(failure)) {
      case SUCCESS -> {
        cb.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
        if (ramp.active()) ramp.onSuccess(nanos.getAsLong());
      }
      case FAILURE -> {
        lastFailure = describe(failure);
        cb.onError(durationNanos, TimeUnit.NANOSECONDS, failure);
        if (ramp.active()) ramp.onFailure(nanos.getAsLong());
      }
      case IGNORED -> cb.releasePermission();
    }
    if (cb.getState() != seen) observe(null);
  }

  /** Refuses every call until {@link #reset} or {@link #forceClosed}. */
  void forceOpen(String reason) {
    cb.transitionToForcedOpenState();
    observe("forced open: " + reason);
  }

  /** Lets every call through (still measuring them) until {@link #reset} or {@link #forceOpen}. */
  void forceClosed(String reason) {
    cb.transitionToMetricsOnlyState();
    observe("forced closed: " + reason);
  }

  /**
   * Lets the half-open probes through now instead of after the open wait, because outside evidence
   * says the backend is back (a healthy health probe): Resilience4j's {@code
   * transitionToHalfOpenState}. Only an {@code OPEN} breaker moves (not a forced one, not one already
   * half-open or closed); the probes then decide, as after the wait. Recorded with {@code cause}.
   *
   * @return whether the breaker moved to half-open
   */
  boolean halfOpenEarly(String cause) {
    requireNonNull(cause, "cause");
    synchronized (this) {
      if (cb.getState() != CircuitBreaker.State.OPEN) return false;
      try {
        cb.transitionToHalfOpenState();
      } catch (io.github.resilience4j.circuitbreaker.IllegalStateTransitionException raced) {
        return false; // another thread moved it first
      }
      observe(cause);
      return true;
    }
  }

  /** Back to closed with an empty window, no ramp. */
  void reset(String reason) {
    cb.reset();
    ramp.stop();
    observe("reset: " + reason);
  }

  BreakerState state() {
    return map(cb.getState());
  }

  BreakerStatus status() {
    CircuitBreaker.Metrics m = cb.getMetrics();
    long now = nanos.getAsLong();
    synchronized (this) {
      return new BreakerStatus(name, state(), m.getFailureRate(), m.getSlowCallRate(), m.getNumberOfBufferedCalls(),
          m.getNumberOfNotPermittedCalls(), ramp.active(), ramp.rate(now), ramp.restarts(), transitions,
          List.copyOf(history));
    }
  }

  RecoveryRamp ramp() {
    return ramp;
  }

  /** Records a change of state if there was one; {@code forcedCause} explains an operator's change. */
  private synchronized void observe(String forcedCause) {
    CircuitBreaker.State now = cb.getState();
    CircuitBreaker.State before = seen;
    if (now == before && forcedCause == null) return;
    if (now == before) { // e.g. a reset of a closed breaker: no transition, but the order is recorded
      record(map(before), map(now), forcedCause);
      return;
    }
    String cause = forcedCause != null ? forcedCause : cause(before, now);
    long t = nanos.getAsLong();
    if (now == CircuitBreaker.State.OPEN) openedAt = t;
    if (now == CircuitBreaker.State.CLOSED && before == CircuitBreaker.State.HALF_OPEN) ramp.start(t);
    else if (now != CircuitBreaker.State.CLOSED) ramp.stop();
    seen = now;
    record(map(before), map(now), cause);
  }

  void onTransition(java.util.function.BiConsumer<String, BreakerTransition> listener) {
    onTransition = java.util.Objects.requireNonNull(listener, "listener");
  }

  private void record(BreakerState from, BreakerState to, String cause) {
    if (history.size() == config.historySize()) history.removeFirst();
    BreakerTransition transition = new BreakerTransition(clock.instant(), from, to, cause);
    history.addLast(transition);
    transitions++;
    try {
      onTransition.accept(name, transition);
    } catch (RuntimeException e) {
      // a listener's failure must not break the breaker
    }
    refusal = name + " circuit breaker is " + to.name().toLowerCase(Locale.ROOT) + " (" + cause
        + "); call refused without contacting the backend";
  }

  private String cause(CircuitBreaker.State from, CircuitBreaker.State to) {
    CircuitBreaker.Metrics m = cb.getMetrics();
    return switch (to) {
      case OPEN -> {
        String rates = m.getFailureRate() >= config.failureRateThreshold()
            ? "failure rate " + rate(m.getFailureRate()) + " >= " + config.failureRateThreshold() + " %"
            : "slow call rate " + rate(m.getSlowCallRate()) + " >= " + config.slowCallRateThreshold()
                + " % (calls of " + config.slowCallDuration().toMillis() + " ms or more)";
        yield rates + " over " + m.getNumberOfBufferedCalls() + (from == CircuitBreaker.State.HALF_OPEN ? " probe" : "")
            + " calls; last failure: " + lastFailure;
      }
      case HALF_OPEN -> "open for " + config.waitInOpen().toMillis() + " ms; letting " + config.halfOpenProbes()
          + " probe calls through";
      case CLOSED -> config.halfOpenProbes() + " probe calls passed: failure and slow call rates under "
          + config.failureRateThreshold() + " % and " + config.slowCallRateThreshold() + " %";
      default -> "changed to " + to;
    };
  }

  private Duration retryAfter() {
    if (seen != CircuitBreaker.State.OPEN) return Duration.ZERO;
    long left = config.waitInOpen().toNanos() - (nanos.getAsLong() - openedAt);
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  private static BreakerState map(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED -> BreakerState.CLOSED;
      case OPEN -> BreakerState.OPEN;
      case HALF_OPEN -> BreakerState.HALF_OPEN;
      case FORCED_OPEN -> BreakerState.FORCED_OPEN;
      case METRICS_ONLY, DISABLED -> BreakerState.FORCED_CLOSED;
    };
  }

  private static String describe(Throwable t) {
    String kind = t instanceof StorageException se ? se.errorClass().name() : t.getClass().getSimpleName();
    return kind + ": " + t.getMessage();
  }

  private static String rate(float percent) {
    return percent < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f %%", percent);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f %%", share * 100);
  }
}
