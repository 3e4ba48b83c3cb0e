package io.ipfskit.core.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock and a nano ticker that move together, only when a test says so. Thread-safe. */
final class FakeTime extends Clock {
  static final Instant START = Instant.parse("2026-12-04T12:00:00Z");
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final long startNanos = nanos.get();

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  long nanos() {
    return nanos.get();
  }

  @Override
  public Instant instant() {
    return START.plusNanos(nanos.get() - startNanos);
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
