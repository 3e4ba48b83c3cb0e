package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The resilience layer: one circuit breaker (with its recovery ramp) and one adaptive in-flight
 * limit per backend, per-peer breakers in a bounded registry, retry policies per {@link
 * OperationClass} and a retry budget per backend.
 *
 * <ul>
 *   <li>{@link #wrap} puts a backend behind its breaker, ramp and limit; the result is itself a
 *       {@link StorageBackend} (refusals are {@link CallRejectedException}, {@code UNAVAILABLE}).
 *   <li>{@link #retrying} retries one call in process under its class's {@link RetryPolicy} and the
 *       backend's retry budget. The write-ahead log does not use it: it schedules its own durable
 *       retries with the same {@link RetryPolicy} type.
 *   <li>{@link #guardPeer} runs a call under a peer's breaker.
 *   <li>{@link #breakers}, {@link #forceOpen}, {@link #forceClosed}, {@link #reset}: status and control.
 * </ul>
 *
 * <p>Thread-safe. Time comes from the injected {@link Clock} (timestamps, Resilience4j's open wait)
 * and nano ticker (durations, windows, ramp, peer idleness); tests pass a fake of both and a fixed
 * random source, and a sleeper that moves the fake clock.
 */
public final class Resilience {
  /** How {@link #retrying} waits between attempts (tests move a fake clock instead). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final ResilienceConfig config;
  private final Clock clock;
  private final LongSupplier nanos;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private final ConcurrentHashMap<String, Breaker> backendBreakers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AimdLimit> limits = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RetryBudget> budgets = new ConcurrentHashMap<>();
  private final PeerBreakers peers;
  private final ContentCache cache; // null: no content cache
  private final Leases leases; // null: no lease tracking

  /** The production layer: system clock, {@code System.nanoTime}, thread-local random, real sleeps. */
  public static Resilience create(ResilienceConfig config) {
    return create(config, Clock.systemUTC(), System::nanoTime);
  }

  /**
   * The production layer with a read cache and lease tracking: {@link #wrap} puts each backend
   * behind {@code cacheOrNull} (small {@code get}s by CID answered from memory) and registers its
   * streams (and, through {@link #leaseTracker()}, its pooled connections) with {@code leasesOrNull}.
   */
  public static Resilience create(ResilienceConfig config, ContentCache cacheOrNull, Leases leasesOrNull) {
    return new Resilience(config, Clock.systemUTC(), System::nanoTime, threadLocalRandom(), realSleeper(),
        cacheOrNull, leasesOrNull);
  }

  /**
   * A layer on the given time sources (a test's hand-moved clock, whose ticker must move with it):
   * {@code clock} for timestamps and the breaker's open wait, {@code nanoTicker} for durations,
   * windows, the ramp and peer idleness. Random draws and sleeps are the real ones.
   */
  public static Resilience create(ResilienceConfig config, Clock clock, LongSupplier nanoTicker) {
    return new Resilience(config, clock, nanoTicker, threadLocalRandom(), realSleeper());
  }

  private static RandomGenerator threadLocalRandom() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
      }
    };
  }

  private static Sleeper realSleeper() {
    return d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
  }

  Resilience(ResilienceConfig config, Clock clock, LongSupplier nanos, RandomGenerator random, Sleeper sleeper) {
    this(config, clock, nanos, random, sleeper, null, null);
  }

  Resilience(ResilienceConfig config, Clock clock, LongSupplier nanos, RandomGenerator random, Sleeper sleeper,
      ContentCache cacheOrNull, Leases leasesOrNull) {
    this.cache = cacheOrNull;
    this.leases = leasesOrNull;
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.nanos = requireNonNull(nanos, "nanos");
    this.random = requireNonNull(random, "random");
    this.sleeper = requireNonNull(sleeper, "sleeper");
    this.peers = new PeerBreakers(config.peers(), nanos, this::newBreaker);
  }

  public ResilienceConfig config() {
    return config;
  }

  /**
   * {@code backend} behind its breaker, recovery ramp and adaptive limit (created on first use and
   * shared by every wrapper of the same backend name). Closing the result closes {@code backend}.
   *
   * <p>With a content cache, a cache in front of that (a hit never reaches the breaker: the content
   * is in memory, a CID's content never changes); with lease tracking, each stream the backend reads
   * or writes is leased behind the breaker (a refused call opens none).
   */
  public StorageBackend wrap(StorageBackend backend) {
    requireNonNull(backend, "backend");
    StorageBackend inner = leases == null ? backend : leases.track(backend);
    StorageBackend guarded = new ResilientBackend(inner, backendBreaker(backend.name()), limit(backend.name()), nanos);
    return cache == null ? guarded : cache.wrap(guarded);
  }

  /** The read cache {@link #wrap} puts backends behind, if any. */
  public Optional<ContentCache> contentCache() {
    return Optional.ofNullable(cache);
  }

  /** The lease registry of the backends' streams and connections, if leases are tracked. */
  public Optional<Leases> leases() {
    return Optional.ofNullable(leases);
  }

  /** Where backends register their pooled connections: the lease registry, or one that tracks nothing. */
  public io.ipfskit.core.storage.LeaseTracker leaseTracker() {
    return leases == null ? io.ipfskit.core.storage.LeaseTracker.NONE : leases;
  }

  /**
   * Closes every resource still leased (the process is stopping) and returns what was released,
   * oldest first; empty without lease tracking.
   */
  public List<LeaseInfo> releaseLeases() {
    return leases == null ? List.of() : leases.closeAll();
  }

  /** The retry policy of a class of call. */
  public RetryPolicy policy(OperationClass operationClass) {
    return config.retry().get(requireNonNull(operationClass, "operationClass"));
  }

  /**
   * Runs {@code call}, retrying a retryable failure ({@code TRANSIENT}, {@code UNAVAILABLE}) under
   * {@code operationClass}'s policy while {@code backend}'s retry budget has room. A refusal by the
   * resilience layer itself ({@link CallRejectedException}) is not retried: the breaker is open or
   * the backend is at its limit, and waiting out a backoff here would only hold the caller. When
   * the budget is spent the last failure is thrown, with a suppressed exception saying so.
   *
   * @param backend the backend's name (whose retry budget is charged)
   */
  public <T> T retrying(String backend, OperationClass operationClass, StorageCall<T> call) throws StorageException {
    requireNonNull(backend, "backend");
    requireNonNull(call, "call");
    RetryPolicy policy = policy(operationClass);
    RetryBudget budget = budget(backend);
    budget.recordCall(nanos.getAsLong());
    long previous = 0;
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (StorageException e) {
        if (e instanceof CallRejectedException || !e.retryable() || attempt >= policy.maxRetries()) throw e;
        if (!budget.tryAcquireRetry(nanos.getAsLong())) {
          e.addSuppressed(new StorageException("not retried: the retry budget of backend '" + backend + "' is spent ("
              + config.budget().ratio() + " of the calls in the last " + config.budget().window().toSeconds() + " s)",
              e.errorClass()));
          throw e;
        }
        previous = policy.delayMicros(attempt, previous, random);
        try {
          sleeper.sleep(Duration.ofNanos(previous * 1000));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          StorageException stop = new StorageException("interrupted while waiting to retry " + operationClass.wireName()
              + " on " + backend, StorageErrorClass.TRANSIENT, ie);
          stop.addSuppressed(e);
          throw stop;
        }
      }
    }
  }

  /** Why {@link #healthyProbe} moves a breaker, as its transition history shows it. */
  public static final String HEALTHY_PROBE_CAUSE = "health probe succeeded";

  /**
   * Outside evidence that {@code backend} is back (its periodic health probe answered healthy): an
   * OPEN breaker of that backend goes to HALF_OPEN now instead of after its open wait, so its probe
   * calls run and recovery follows the evidence ({@link Breaker#halfOpenEarly}; recorded with cause
   * {@value #HEALTHY_PROBE_CAUSE}). A breaker that is closed, half-open or forced is left alone, and
   * so is a backend never wrapped.
   *
   * @return whether a breaker moved
   */
  public boolean healthyProbe(String backend) {
    Breaker b = backendBreakers.get(requireNonNull(backend, "backend"));
    return b != null && b.halfOpenEarly(HEALTHY_PROBE_CAUSE);
  }

  /**
   * Whether {@code backend}'s breaker is OPEN now (refusing calls until its open wait passes or a
   * healthy probe half-opens it); false for a backend never wrapped and for a breaker forced open by an
   * operator (a probe does not move that one). The registry probes such a backend more often.
   */
  public boolean breakerOpen(String backend) {
    Breaker b = backendBreakers.get(requireNonNull(backend, "backend"));
    return b != null && b.state() == BreakerState.OPEN;
  }

  /**
   * Counts one first attempt against {@code backend} for its retry budget (a call that is not a
   * retry). The write-ahead log calls it when an operation runs for the first time.
   */
  public void recordFirstAttempt(String backend) {
    budget(requireNonNull(backend, "backend")).recordCall(nanos.getAsLong());
  }

  /**
   * Takes one retry from {@code backend}'s retry budget if it has room ({@link
   * ResilienceConfig.Budget}); counted in {@link #retryFigures}. The write-ahead log asks before it
   * schedules a retry and defers the retry (without spending one) when refused.
   */
  public boolean tryAcquireRetry(String backend) {
    return budget(requireNonNull(backend, "backend")).tryAcquireRetry(nanos.getAsLong());
  }

  /**
   * Runs {@code call} under the breaker of {@code peer} of {@code backend} (e.g. one IPFS node). The
   * registry is bounded ({@link ResilienceConfig.Peers}); a peer dropped for idleness starts closed.
   */
  public <T> T guardPeer(String backend, String peer, StorageCall<T> call) throws StorageException {
    Breaker b = peers.get(requireNonNull(backend, "backend"), requireNonNull(peer, "peer"));
    b.acquire();
    long start = nanos.getAsLong();
    Throwable failure = null;
    try {
      return call.call();
    } catch (StorageException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      b.onResult(nanos.getAsLong() - start, failure);
    }
  }

  /** Every breaker (backends first, then peers), by name. */
  public List<BreakerStatus> breakers() {
    List<BreakerStatus> out = new ArrayList<>();
    backendBreakers.values().stream().map(Breaker::status).sorted(Comparator.comparing(BreakerStatus::name))
        .forEach(out::add);
    peers.all().stream().map(Breaker::status).sorted(Comparator.comparing(BreakerStatus::name)).forEach(out::add);
    return out;
  }

  public Optional<BreakerStatus> breaker(String name) {
    return Optional.ofNullable(find(name)).map(Breaker::status);
  }

  /** Opens a breaker until reset or forced closed. @throws IllegalArgumentException naming the known breakers */
  public BreakerStatus forceOpen(String name, String reason) {
    Breaker b = existing(name);
    b.forceOpen(requireNonNull(reason, "reason"));
    return b.status();
  }

  /** Keeps a breaker closed until reset or forced open. @throws IllegalArgumentException naming the known breakers */
  public BreakerStatus forceClosed(String name, String reason) {
    Breaker b = existing(name);
    b.forceClosed(requireNonNull(reason, "reason"));
    return b.status();
  }

  /** Back to closed with an empty window. @throws IllegalArgumentException naming the known breakers */
  public BreakerStatus reset(String name, String reason) {
    Breaker b = existing(name);
    b.reset(requireNonNull(reason, "reason"));
    return b.status();
  }

  /** The adaptive in-flight limit of a backend now, if it was wrapped. */
  public Optional<Integer> concurrencyLimit(String backend) {
    return Optional.ofNullable(limits.get(backend)).map(AimdLimit::limit);
  }

  /**
   * Retry figures of one backend: first attempts and retries in the budget's window, retries granted
   * and denied since start.
   */
  public RetryFigures retryFigures(String backend) {
    long[] f = budget(backend).figures(nanos.getAsLong());
    return new RetryFigures(f[0], f[1], f[2], f[3]);
  }

  /** See {@link #retryFigures}. */
  public record RetryFigures(long callsInWindow, long retriesInWindow, long retriesGranted, long retriesDenied) {}

  // ------------------------------------------------------------------ parts (package-private for tests)

  Breaker backendBreaker(String backend) {
    return backendBreakers.computeIfAbsent(backend, this::newBreaker);
  }

  AimdLimit limit(String backend) {
    return limits.computeIfAbsent(backend, b -> new AimdLimit(config.concurrency()));
  }

  RetryBudget budget(String backend) {
    return budgets.computeIfAbsent(backend, b -> new RetryBudget(config.budget()));
  }

  PeerBreakers peers() {
    return peers;
  }

  private Breaker newBreaker(String name) {
    Breaker b = new Breaker(name, config.breaker(), config.ramp(), clock, nanos);
    b.onTransition((n, t) -> {
      java.util.function.BiConsumer<String, BreakerTransition> l = transitionListener;
      if (l != null) l.accept(n, t);
    });
    return b;
  }

  private volatile java.util.function.BiConsumer<String, BreakerTransition> transitionListener;

  /**
   * Sets the one listener told of every breaker transition (name, transition with time and cause), on
   * the thread that caused it, possibly while the breaker's lock is held: keep it quick and non-blocking.
   * Null: none. A listener that throws is ignored.
   */
  public void onTransition(java.util.function.BiConsumer<String, BreakerTransition> listenerOrNull) {
    transitionListener = listenerOrNull;
  }

  private Breaker find(String name) {
    requireNonNull(name, "name");
    Breaker b = backendBreakers.get(name);
    return b != null ? b : peers.find(name);
  }

  private Breaker existing(String name) {
    Breaker b = find(name);
    if (b == null) {
      TreeSet<String> known = new TreeSet<>(backendBreakers.keySet());
      peers.all().forEach(p -> known.add(p.name()));
      throw new IllegalArgumentException("breaker must be one of " + known + ", but was '" + name + "'");
    }
    return b;
  }
}
