package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.OperationClass;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.RetryPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Where the log's durable retries ({@code max_retries}, {@code next_retry_at}) take their rules from.
 *
 * <ul>
 *   <li>{@link #walKeys()}: the log's own keys, as the log always did: {@code max_retries} retries,
 *       full jitter from {@code retry_delay} up to {@code max_retry_delay}; no retry budget. A log
 *       opened without the resilience layer (tests, benchmarks) runs so.
 *   <li>{@link #perClass}: the resilience layer's objects. Each operation type has an {@link
 *       OperationClass} ({@link #classOf}); the class's {@link RetryPolicy} ({@code
 *       IPFS_KIT_RETRY_<CLASS>_*}) gives the retries recorded when the operation is created and the
 *       delay before each one; the backend's retry budget ({@code IPFS_KIT_RETRY_BUDGET_*}) must
 *       grant each retry and each re-run after the backend itself was unreachable. A refused retry is
 *       <em>deferred</em>: the operation waits (one budget bucket at least) without spending a retry,
 *       so an outage is not amplified and no operation fails for want of budget. A WAL key that was
 *       given (at start in {@code settings}, or later through {@link WriteAheadLog#updateConfig})
 *       still wins over the class policy: {@code max_retries} for the retries, {@code retry_delay} /
 *       {@code max_retry_delay} for the delays (full jitter as before), so a configuration that set
 *       them behaves as it did.
 * </ul>
 *
 * <p>An operation keeps the {@code max_retries} recorded when it was created (or retried by hand);
 * operations already in the log keep theirs. Thread-safe: the given keys are a volatile immutable set.
 */
public final class WalRetries {
  /** The WAL keys that can override a class policy. */
  static final List<String> OVERRIDING_KEYS = List.of("max_retries", "retry_delay", "max_retry_delay");

  private final Resilience resilience; // null: WAL keys only, no budget
  private final RetryTiming walTiming; // null: RetryTiming.fullJitter over the live config
  private final RandomGenerator random;
  private volatile Set<String> given;

  private WalRetries(Resilience resilience, RetryTiming walTiming, RandomGenerator random, Set<String> given) {
    this.resilience = resilience;
    this.walTiming = walTiming;
    this.random = requireNonNull(random, "random");
    this.given = Set.copyOf(given);
  }

  /** The log's own {@code IPFS_KIT_WAL_*} retry keys, no budget: what a log without the resilience layer does. */
  public static WalRetries walKeys() {
    return new WalRetries(null, null, RetryTiming.threadLocalRandom(), Set.of());
  }

  /** {@link #walKeys()} with delays from {@code timing} (tests predict them). */
  static WalRetries walKeys(RetryTiming timing) {
    return new WalRetries(null, requireNonNull(timing, "timing"), RetryTiming.threadLocalRandom(), Set.of());
  }

  /**
   * The resilience layer's per-class policies and retry budget, with any of {@link #OVERRIDING_KEYS}
   * that {@code settings} gives as {@code IPFS_KIT_WAL_*} (or the old {@code wal.properties}) winning.
   */
  public static WalRetries perClass(Resilience resilience, Settings settings) {
    requireNonNull(settings, "settings");
    Set<String> given = new HashSet<>();
    for (String k : OVERRIDING_KEYS) if (settings.value(WalConfig.envName(k)).isPresent()) given.add(k);
    return perClass(resilience, given, RetryTiming.threadLocalRandom());
  }

  /**
   * @param givenWalKeys which of {@link #OVERRIDING_KEYS} were set and so win
   * @param random the jitter source (tests pass a fixed one)
   */
  static WalRetries perClass(Resilience resilience, Collection<String> givenWalKeys, RandomGenerator random) {
    requireNonNull(resilience, "resilience");
    for (String k : givenWalKeys)
      if (!OVERRIDING_KEYS.contains(k))
        throw new IllegalArgumentException("givenWalKeys must be among " + OVERRIDING_KEYS + ", but had '" + k + "'");
    return new WalRetries(resilience, null, random, new HashSet<>(givenWalKeys));
  }

  /** The class of call an operation type is: reads, writes, pins, deletes, listings. */
  public static OperationClass classOf(OperationType type) {
    return switch (requireNonNull(type, "type")) {
      case GET, CAT, DOWNLOAD -> OperationClass.READ;
      case ADD, UPLOAD, MKDIR, COPY, MOVE -> OperationClass.WRITE;
      case PIN, UNPIN -> OperationClass.PIN;
      case RM -> OperationClass.DELETE;
      case LIST -> OperationClass.LIST;
    };
  }

  /** Keys of a live change ({@link WriteAheadLog#updateConfig}) that win from now on. */
  void keysChanged(Collection<String> keys) {
    Set<String> next = new HashSet<>(given);
    for (String k : keys) if (OVERRIDING_KEYS.contains(k)) next.add(k);
    if (next.size() != given.size()) given = Set.copyOf(next);
  }

  /** Whether the resilience layer's budget governs retries. */
  boolean budgeted() {
    return resilience != null;
  }

  /** The {@code max_retries} recorded for a new (or hand-retried) operation of {@code type}. */
  int maxRetries(OperationType type, WalConfig c) {
    if (resilience == null || given.contains("max_retries")) return c.maxRetries();
    return resilience.policy(classOf(type)).maxRetries();
  }

  /** The delay before retry {@code attempt} (0 = the first) of an operation of {@code type}, in µs. */
  long delayMicros(OperationType type, int attempt, WalConfig c) {
    if (walDelays()) return walTiming != null ? walTiming.delayMicros(attempt) : walPolicy(c).delayMicros(attempt, 0, random);
    // The log keeps no previous delay: decorrelated jitter draws from [b, 3b] each time.
    return resilience.policy(classOf(type)).delayMicros(attempt, 0, random);
  }

  /** The first delay of the rules in force: what an unreachable backend's operations wait (capped by the caller). */
  Duration firstDelay(OperationType type, WalConfig c) {
    return walDelays() ? c.retryDelay() : resilience.policy(classOf(type)).initialDelay();
  }

  /**
   * How long a retry refused by the budget waits: the delay the retry would have had, and at least
   * one bucket of the budget's window (a tenth of it), when the oldest retries start to fall out.
   */
  long deferMicros(OperationType type, int attempt, WalConfig c) {
    long bucket = resilience.config().budget().window().toNanos() / 10_000;
    return Math.max(bucket, delayMicros(type, attempt, c));
  }

  void recordFirstAttempt(String backend) {
    if (resilience != null) resilience.recordFirstAttempt(backend);
  }

  /** Always true without a budget. */
  boolean tryAcquireRetry(String backend) {
    return resilience == null || resilience.tryAcquireRetry(backend);
  }

  private boolean walDelays() {
    return resilience == null || given.contains("retry_delay") || given.contains("max_retry_delay");
  }

  private static RetryPolicy walPolicy(WalConfig c) {
    return RetryTiming.policy(c);
  }

  @Override
  public String toString() {
    return resilience == null ? "WalRetries[wal keys]" : "WalRetries[per class, wal keys given: " + given + "]";
  }
}
