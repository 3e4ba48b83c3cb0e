package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.ResilienceConfig.Concurrency;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Adaptive in-flight limit for one backend, additive increase / multiplicative decrease (the AIMD
 * limit of Netflix's {@code concurrency-limits}, written out here in a few lines so it takes our
 * time readings and needs no extra jar): a call that finished under {@code latencyThreshold} while
 * at least half the limit was in use raises the limit by one; a slower or failed call multiplies it
 * by {@code backoffRatio} (at least one less). The limit stays within [{@code minLimit}, {@code
 * maxLimit}]. A call over the limit is refused at once, never queued.
 *
 * <p>Concurrency: {@code inFlight} is an atomic counter taken with a CAS against the volatile limit,
 * so the number in flight never exceeds the limit seen at acquire time; a limit lowered while calls
 * run lets the excess finish. Limit changes are {@code synchronized}; a release that changes nothing
 * (a fast call while less than half the limit is in use) takes no lock.
 */
final class AimdLimit {
  private final Concurrency config;
  private final long thresholdNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder rejected = new LongAdder();
  private volatile int limit;

  AimdLimit(Concurrency config) {
    this.config = requireNonNull(config, "config");
    this.thresholdNanos = config.latencyThreshold().toNanos();
    this.limit = config.initialLimit();
  }

  /** Takes a slot if fewer than the limit are in flight. The caller must {@link #release} it. */
  boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (n >= limit) {
        rejected.increment();
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) return true;
    }
  }

  /**
   * Gives the slot back and adapts the limit.
   *
   * @param rttNanos how long the call took
   * @param dropped whether the call failed in a way that says the backend is overloaded or down
   */
  void release(long rttNanos, boolean dropped) {
    int inFlightBefore = inFlight.getAndDecrement();
    if (dropped || rttNanos > thresholdNanos) {
      synchronized (this) {
        limit = Math.max(config.minLimit(), Math.min(limit - 1, (int) (limit * config.backoffRatio())));
      }
    } else if (inFlightBefore * 2 >= limit) { // otherwise (the common case) nothing changes and no lock is taken
      synchronized (this) {
        if (inFlightBefore * 2 >= limit) limit = Math.min(config.maxLimit(), limit + 1);
      }
    }
  }

  /** Gives back a slot taken for a call that was never made; the limit does not change. */
  void cancel() {
    inFlight.decrementAndGet();
  }

  int limit() {
    return limit;
  }

  int inFlight() {
    return inFlight.get();
  }

  long rejected() {
    return rejected.sum();
  }
}
