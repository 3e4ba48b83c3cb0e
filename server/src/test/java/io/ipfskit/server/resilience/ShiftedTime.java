package io.ipfskit.server.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real time that a test can move forward: a nano ticker ({@code System.nanoTime} plus an offset)
 * and a clock that moves with it. Durations of real calls are measured for real (slow-call
 * detection sees a delayed proxy), while waits of the resilience layer (the breaker's open wait, the
 * ramp's intervals, the retry budget's window) are skipped by {@link #advance}. Thread-safe.
 */
final class ShiftedTime extends Clock {
  private static final Instant START = Instant.parse("2026-12-04T12:00:00Z");
  private final long base = System.nanoTime();
  private final AtomicLong offset = new AtomicLong();

  void advance(Duration d) {
    offset.addAndGet(d.toNanos());
  }

  long nanos() {
    return System.nanoTime() + offset.get();
  }

  @Override
  public Instant instant() {
    return START.plusNanos(nanos() - base);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
