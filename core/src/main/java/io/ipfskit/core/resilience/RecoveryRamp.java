package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.ResilienceConfig.Ramp;

/**
 * Gradual recovery after a breaker closes again: an admission check on top of the breaker that lets
 * a growing share of calls through ({@link RampStrategy}) until the ramp finishes.
 *
 * <p>Admission is by credit, not by sampling, so it is exact and needs no random source: each call
 * adds the current rate to a credit and is admitted when the credit reaches 1 (which it then pays).
 * A ramp starts with a full credit, so the first call after closing is admitted; at rate 0.25 one
 * call in four passes.
 *
 * <p>The ramp finishes when the rate has reached 1 and at least {@code successThreshold} calls
 * succeeded since the last (re)start, or when {@code maxRecoveryTime} has passed since the first
 * start. {@code failureThreshold} failures restart it from the initial rate (counted in {@link
 * #restarts()}); after each (re)start the rate is held at the initial rate for {@code cooldown}.
 *
 * <p>Concurrency: {@code active} is volatile and read without a lock, so the check costs one volatile
 * read when no ramp runs. Everything else is guarded by {@code this}. Times are {@code nanoTime}-style
 * readings passed in by the caller.
 */
final class RecoveryRamp {
  private final Ramp config;
  private volatile boolean active;
  // guarded by this
  private long firstStart;
  private long start;
  private int successes;
  private int failures;
  private double credit;
  private long restarts;

  RecoveryRamp(Ramp config) {
    this.config = requireNonNull(config, "config");
  }

  /** Starts a ramp (a breaker just closed after half-open). No-op for {@link RampStrategy#NONE}. */
  synchronized void start(long now) {
    if (config.strategy() == RampStrategy.NONE) return;
    firstStart = now;
    restartLocked(now);
    active = true;
  }

  /** Ends any ramp at once (the breaker opened, was reset or forced). */
  synchronized void stop() {
    active = false;
  }

  boolean active() {
    return active;
  }

  synchronized long restarts() {
    return restarts;
  }

  /** Whether one call may pass now. */
  boolean admit(long now) {
    if (!active) return true;
    synchronized (this) {
      if (!active) return true;
      double rate = rateLocked(now);
      if (finishedLocked(now, rate)) return true;
      credit += rate;
      if (credit >= 1) {
        credit -= 1;
        return true;
      }
      return false;
    }
  }

  /** Records a call that succeeded (or answered NOT_FOUND) while ramping. */
  void onSuccess(long now) {
    if (!active) return;
    synchronized (this) {
      if (!active) return;
      successes++;
      finishedLocked(now, rateLocked(now));
    }
  }

  /** Records a failed call while ramping; at {@code failureThreshold} failures the ramp starts over. */
  void onFailure(long now) {
    if (!active) return;
    synchronized (this) {
      if (!active) return;
      if (finishedLocked(now, rateLocked(now))) return;
      if (++failures >= config.failureThreshold()) {
        restarts++;
        restartLocked(now);
      }
    }
  }

  /** The share of calls admitted now: 1 when no ramp runs. */
  double rate(long now) {
    if (!active) return 1;
    synchronized (this) {
      return active ? rateLocked(now) : 1;
    }
  }

  private void restartLocked(long now) {
    start = now;
    successes = 0;
    failures = 0;
    credit = 1;
  }

  private double rateLocked(long now) {
    long elapsed = now - start - config.cooldown().toNanos();
    if (elapsed <= 0) return config.initialRate();
    double steps = (double) elapsed / config.interval().toNanos();
    double r = switch (config.strategy()) {
      case NONE -> 1;
      case LINEAR -> config.initialRate() + config.increment() * steps;
      case STEP -> config.initialRate() + config.increment() * Math.floor(steps);
      case EXPONENTIAL -> config.initialRate() * Math.pow(1 + config.increment(), Math.floor(steps));
    };
    return Math.min(1, r);
  }

  /** Ends the ramp when it is done; says whether it is. */
  private boolean finishedLocked(long now, double rate) {
    boolean done = (rate >= 1 && successes >= config.successThreshold())
        || now - firstStart >= config.maxRecoveryTime().toNanos();
    if (done) active = false;
    return done;
  }
}
