package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how far apart one class of call is retried. The same objects time the write-ahead
 * log's durable retries ({@code next_retry_at}, {@code max_retries}) and the in-process retries of
 * {@link Resilience#call}; only failures whose {@code StorageErrorClass} is retryable are retried.
 *
 * @param maxRetries retries after the first attempt (0 = try once), 0 to {@value #MAX_MAX_RETRIES}
 * @param initialDelay the first retry's delay {@code b} (see {@link Backoff}); at least 1 ms
 * @param maxDelay the cap {@code m}, at least {@code initialDelay}, at most {@link #MAX_DELAY}
 * @param backoff how delays grow
 * @param multiplier growth factor of the exponential backoffs, 1 to 10 (2 doubles)
 * @param jitter for the non-random backoffs: the fraction (0 to 1) of the capped delay that may be
 *     taken off at random; must be 0 for {@link Backoff#randomised()} ones
 */
public record RetryPolicy(
    int maxRetries, Duration initialDelay, Duration maxDelay, Backoff backoff, double multiplier, double jitter) {

  public static final int MAX_MAX_RETRIES = 100;
  public static final Duration MIN_DELAY = Duration.ofMillis(1);
  public static final Duration MAX_DELAY = Duration.ofDays(1);

  public RetryPolicy {
    requireNonNull(initialDelay, "initialDelay");
    requireNonNull(maxDelay, "maxDelay");
    requireNonNull(backoff, "backoff");
    if (maxRetries < 0 || maxRetries > MAX_MAX_RETRIES)
      throw new IllegalArgumentException("maxRetries must be from 0 to " + MAX_MAX_RETRIES + ", but was " + maxRetries);
    if (initialDelay.compareTo(MIN_DELAY) < 0 || initialDelay.compareTo(MAX_DELAY) > 0)
      throw new IllegalArgumentException("initialDelay must be from 1 ms to 1 day, but was " + initialDelay);
    if (maxDelay.compareTo(initialDelay) < 0 || maxDelay.compareTo(MAX_DELAY) > 0)
      throw new IllegalArgumentException("maxDelay must be from initialDelay (" + initialDelay + ") to 1 day, but was "
          + maxDelay);
    if (!(multiplier >= 1 && multiplier <= 10))
      throw new IllegalArgumentException("multiplier must be from 1 to 10, but was " + multiplier);
    if (!(jitter >= 0 && jitter <= 1))
      throw new IllegalArgumentException("jitter must be from 0 to 1, but was " + jitter);
    if (jitter > 0 && backoff.randomised())
      throw new IllegalArgumentException("jitter must be 0 with backoff " + backoff.wireName()
          + " (it draws its own), but was " + jitter);
  }

  /** Exponential (doubling) with full jitter: what the write-ahead log always used. */
  public static RetryPolicy fullJitter(int maxRetries, Duration initialDelay, Duration maxDelay) {
    return new RetryPolicy(maxRetries, initialDelay, maxDelay, Backoff.EXPONENTIAL_FULL_JITTER, 2, 0);
  }

  /**
   * The reference system's policy for a class of call: read 5× from 0.5 s (cap 30 s), write 3× from
   * 2 s (cap 60 s), pin 10× from 5 s (cap 5 min), delete 3× from 1 s linear (cap 30 s), list 3× from
   * 1 s (cap 30 s); exponential ones double, and up to 20 % is taken off each delay at random.
   */
  public static RetryPolicy referenceDefault(OperationClass c) {
    return switch (c) {
      case READ -> new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), Backoff.EXPONENTIAL, 2, 0.2);
      case WRITE -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(60), Backoff.EXPONENTIAL, 2, 0.2);
      case PIN -> new RetryPolicy(10, Duration.ofSeconds(5), Duration.ofMinutes(5), Backoff.EXPONENTIAL, 2, 0.2);
      case DELETE -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.LINEAR, 2, 0.2);
      case LIST -> new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.EXPONENTIAL, 2, 0.2);
    };
  }

  /**
   * The delay before retry {@code attempt}, in microseconds.
   *
   * @param attempt retries spent so far (0 before the first retry), &gt;= 0
   * @param previousMicros the delay before the previous retry (0 if none); only {@link
   *     Backoff#DECORRELATED_JITTER} uses it
   * @param random the jitter source (tests pass a fixed one)
   * @return &gt;= 0, never more than {@code maxDelay}
   */
  public long delayMicros(int attempt, long previousMicros, RandomGenerator random) {
    if (attempt < 0) throw new IllegalArgumentException("attempt must be >= 0, but was " + attempt);
    long base = Math.max(1, initialDelay.toNanos() / 1000);
    long max = maxDelay.toNanos() / 1000;
    return switch (backoff) {
      case FIXED -> jittered(base, random);
      case LINEAR -> jittered(saturate(base * (attempt + 1.0), max), random);
      case EXPONENTIAL -> jittered(exponentialCap(base, max, attempt), random);
      case EXPONENTIAL_FULL_JITTER -> random.nextLong(exponentialCap(base, max, attempt) + 1);
      case DECORRELATED_JITTER -> {
        long upper = saturate(3.0 * Math.max(base, previousMicros), max);
        yield base + random.nextLong(upper - base + 1);
      }
    };
  }

  /** {@link #delayMicros(int, long, RandomGenerator)} as a {@link Duration}. */
  public Duration delay(int attempt, Duration previous, RandomGenerator random) {
    return Duration.ofNanos(delayMicros(attempt, previous.toNanos() / 1000, random) * 1000);
  }

  /** min(max, base × multiplier^attempt); exact for multiplier 2 (powers of two scale doubles exactly). */
  private long exponentialCap(long base, long max, int attempt) {
    return saturate(base * Math.pow(multiplier, attempt), max);
  }

  private static long saturate(double value, long max) {
    return value >= max ? max : (long) value;
  }

  /** The jitter after the cap: up to {@code jitter × capped} taken off, uniformly. */
  private long jittered(long capped, RandomGenerator random) {
    if (jitter == 0) return capped;
    long span = (long) (capped * jitter);
    return capped - random.nextLong(span + 1);
  }
}
