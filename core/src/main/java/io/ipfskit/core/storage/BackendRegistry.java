package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.s3.S3Backend;
import io.ipfskit.core.storage.storacha.StorachaBackend;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage backends this process runs, opened from {@link BackendsConfig}: the one public entry
 * for backends. Whoever needs a backend asks the registry by name ({@link #get}, {@link #find}); the
 * write-ahead log receives {@link #backends()}; nothing else constructs a backend.
 *
 * <p><b>Factories.</b> Each backend type ({@code local}, {@code ipfs}, {@code s3}, {@code
 * storacha}) has one {@link Factory}: it reads its own section of {@link BackendsConfig} and
 * opens the backend, or answers empty when that section is absent. A type whose factory answers
 * empty is listed by {@link #notConfigured()}; a name with no backend is reported as not configured
 * by {@link #get} and {@link #health} &mdash; never replaced by a stand-in.
 *
 * <p><b>Health.</b> Each backend's {@link StorageBackend#health()} probe runs on its own schedule
 * and is cached (package-private {@link HealthCache}); {@link #health} returns the cached result
 * with its check time and never probes. {@link #probeHealthDue(long)} runs one round at a given
 * time (tests); {@link #startHealthProbes()} runs the first round now and then one every interval
 * on a daemon thread (production).
 *
 * <p><b>Resilience.</b> Every opened backend is wrapped by {@link Resilience#wrap} (its circuit
 * breaker, recovery ramp and adaptive in-flight limit) before anyone gets it: {@link #backends()},
 * {@link #get} and {@link #find} hand out the wrapped backend, so the write-ahead log's dispatcher
 * calls go through the breaker. The registry owns the {@link Resilience} ({@link #resilience()}:
 * breaker status and control). Health probes do not pass the breaker (a wrapped backend's {@code
 * health()} goes straight to the backend), since they are how recovery is noticed: a healthy probe
 * moves the backend's OPEN breaker to HALF_OPEN at once ({@link Resilience#healthyProbe}).
 *
 * <p><b>Caller's duty.</b> {@link #close()} the registry: it stops the probes, then closes every
 * backend. It is thread-safe; the set of backends is fixed when it is opened.
 */
public final class BackendRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);
  /** How old a cached health probe may get before the next one runs, unless configured otherwise. */
  public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(15);
  /** How long {@link #close()} waits for a probe in progress before closing the backends anyway. */
  private static final long CLOSE_WAIT_FOR_PROBE_MILLIS = 5_000;

  /** Opens one backend type from its section of {@link BackendsConfig}. */
  @FunctionalInterface
  public interface Factory {
    /**
     * @return the opened backend, whose {@link StorageBackend#name()} is this factory's type; empty
     *     when {@code config} does not configure this type
     * @throws IOException if the type is configured but its backend cannot be opened
     */
    Optional<StorageBackend> open(BackendsConfig config) throws IOException;
  }

  private final Map<String, StorageBackend> backends;
  private final Set<String> notConfigured;
  private final HealthCache healthCache;
  private final Resilience resilience;
  private ScheduledExecutorService prober; // guarded by this
  private boolean closed; // guarded by this

  private BackendRegistry(Map<String, StorageBackend> backends, Set<String> notConfigured, HealthThresholds health,
      Clock clock, Resilience resilience) {
    this.resilience = resilience;
    this.backends = backends;
    this.notConfigured = notConfigured;
    // An unhealthy backend, or one whose breaker is open, is probed every recovery interval: its first
    // healthy probe resumes its queue and half-opens the breaker.
    this.healthCache = new HealthCache(backends, health.probeInterval(), health.recoveryProbeInterval(),
        resilience::breakerOpen, new HealthMonitor(backends.keySet(), health, clock));
    // A healthy probe half-opens the backend's open breaker: recovery follows evidence, not the open wait.
    healthCache.monitor().onHealthyProbe(resilience::healthyProbe);
  }

  /**
   * The factory of every backend type this build knows, by type, in the order they are opened, for
   * listing the types; backends opened by them find no vault ({@link SecretLookup#NONE}).
   */
  public static Map<String, Factory> builtInFactories() {
    return builtInFactories(SecretLookup.NONE);
  }

  /**
   * The factory of every backend type this build knows, by type, in the order they are opened.
   *
   * @param secrets reads the vault secrets a backend's configuration refers to (e.g. the S3 secret
   *     key), at use
   */
  public static Map<String, Factory> builtInFactories(SecretLookup secrets) {
    return builtInFactories(secrets, null, LeaseTracker.NONE);
  }

  /**
   * The factory of every backend type this build knows, by type, in the order they are opened, the
   * remote backends' connection pools configured by {@code pool} ({@code IPFS_KIT_POOL_*}) and the
   * IPFS pool's connections registered with {@code leases} while a call holds them.
   *
   * @param poolOrNull null: each client's own pool defaults
   */
  public static Map<String, Factory> builtInFactories(SecretLookup secrets, PoolConfig poolOrNull, LeaseTracker leases) {
    return builtInFactories(secrets, poolOrNull, leases, null);
  }

  /**
   * {@link #builtInFactories(SecretLookup, PoolConfig, LeaseTracker)}, the {@code s3} backend keeping
   * its head answers as {@code s3HeadOrNull} says ({@code IPFS_KIT_CACHE_S3_HEAD_*}; it needs {@code
   * poolOrNull} set).
   *
   * @param s3HeadOrNull null: no head cache
   */
  public static Map<String, Factory> builtInFactories(SecretLookup secrets, PoolConfig poolOrNull, LeaseTracker leases,
      io.ipfskit.core.storage.s3.HeadCacheConfig s3HeadOrNull) {
    requireNonNull(secrets, "secrets");
    requireNonNull(leases, "leases");
    Map<String, Factory> f = new LinkedHashMap<>();
    f.put("local", c -> Optional.of(LocalBlockStore.open(c.localBlocksDirectory())));
    f.put("ipfs", c -> c.ipfsConfig().map(ipfs -> poolOrNull == null ? IpfsBackend.open(ipfs)
        : IpfsBackend.open(ipfs, poolOrNull, leases)));
    f.put("s3", c -> c.s3OrNull() == null ? Optional.empty() : Optional.of(poolOrNull == null
        ? S3Backend.open(c.s3OrNull(), secrets) : s3HeadOrNull == null ? S3Backend.open(c.s3OrNull(), secrets, poolOrNull)
        : S3Backend.open(c.s3OrNull(), secrets, poolOrNull, s3HeadOrNull)));
    f.put("storacha", c -> c.storachaOrNull() == null ? Optional.empty()
        : Optional.of(StorachaBackend.open(c.storachaOrNull(), secrets)));
    return Collections.unmodifiableMap(f);
  }

  /** Opens every backend {@code config} configures, with the built-in factories and default health interval. */
  public static BackendRegistry open(BackendsConfig config) throws IOException {
    return open(config, SecretLookup.NONE);
  }

  /**
   * Opens every backend {@code config} configures, with the built-in factories and default health
   * interval; {@code secrets} reads the vault secrets their configuration refers to, at use.
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets) throws IOException {
    return open(config, secrets, Resilience.create(ResilienceConfig.defaults()));
  }

  /**
   * Opens every backend {@code config} configures, with the built-in factories and default health
   * interval, each behind {@code resilience} (the configured breakers, ramp and limits).
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets, Resilience resilience)
      throws IOException {
    return open(config, builtInFactories(secrets), DEFAULT_HEALTH_INTERVAL, Clock.systemUTC(), resilience);
  }

  /**
   * {@link #open(BackendsConfig, Map, Duration, Clock, Resilience)} with a resilience layer of the
   * default configuration.
   */
  public static BackendRegistry open(BackendsConfig config, Map<String, Factory> factoriesByType,
      Duration healthInterval, Clock clock) throws IOException {
    return open(config, factoriesByType, healthInterval, clock, Resilience.create(ResilienceConfig.defaults()));
  }

  /**
   * Opens every backend {@code config} configures, with the built-in factories, probing and judging
   * their health by {@code health} ({@code IPFS_KIT_HEALTH_*}).
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets, HealthThresholds health)
      throws IOException {
    return open(config, secrets, health, Resilience.create(ResilienceConfig.defaults()));
  }

  /**
   * Opens every backend {@code config} configures, with the built-in factories, judging their health by
   * {@code health} and running each behind {@code resilience}: what a server process does.
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets, HealthThresholds health,
      Resilience resilience) throws IOException {
    return open(config, builtInFactories(secrets), health, Clock.systemUTC(), resilience);
  }

  /**
   * Opens every backend {@code config} configures, with the built-in factories, their connection pools
   * as {@code pool} says and their pooled connections leased in {@code resilience}'s lease registry;
   * judging their health by {@code health} and running each behind {@code resilience} (breaker, ramp,
   * limit, and its read cache and lease tracking when it has them): what a server process does.
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets, HealthThresholds health,
      Resilience resilience, PoolConfig pool) throws IOException {
    return open(config, secrets, health, resilience, pool, null);
  }

  /**
   * {@link #open(BackendsConfig, SecretLookup, HealthThresholds, Resilience, PoolConfig)}, the {@code s3}
   * backend keeping its head answers as {@code s3HeadOrNull} says (null: none).
   */
  public static BackendRegistry open(BackendsConfig config, SecretLookup secrets, HealthThresholds health,
      Resilience resilience, PoolConfig pool, io.ipfskit.core.storage.s3.HeadCacheConfig s3HeadOrNull) throws IOException {
    requireNonNull(resilience, "resilience");
    return open(config, builtInFactories(secrets, requireNonNull(pool, "pool"), resilience.leaseTracker(), s3HeadOrNull),
        health, Clock.systemUTC(), resilience);
  }

  /**
   * Opens every backend {@code config} configures, one per factory, in the factories' order. If one
   * fails to open, those already opened are closed again.
   *
   * @param factoriesByType type name → factory; the type is the backend's name
   * @param healthInterval how old a cached health probe may get (> 0)
   * @param clock stamps each health probe's check time
   * @param resilience wraps every opened backend ({@link Resilience#wrap}); the registry exposes it
   * @throws IOException if a configured backend cannot be opened
   * @throws IllegalStateException if a factory opens a backend whose name is not its type
   */
  public static BackendRegistry open(BackendsConfig config, Map<String, Factory> factoriesByType,
      Duration healthInterval, Clock clock, Resilience resilience) throws IOException {
    requireNonNull(healthInterval, "healthInterval");
    if (healthInterval.isNegative() || healthInterval.isZero())
      throw new IllegalArgumentException("healthInterval must be > 0, but was " + healthInterval);
    HealthThresholds d = HealthThresholds.defaults();
    return open(config, factoriesByType, new HealthThresholds(healthInterval, d.healthyPercent(), d.degradedPercent(),
        d.maxResponseTime(), d.maxConsecutiveErrors(), d.window(), d.minCalls(), d.historySize()), clock, resilience);
  }

  /**
   * Opens every backend {@code config} configures, one per factory, in the factories' order, probing
   * them every {@link HealthThresholds#probeInterval()} and judging their health by {@code health}.
   */
  public static BackendRegistry open(BackendsConfig config, Map<String, Factory> factoriesByType,
      HealthThresholds health, Clock clock) throws IOException {
    return open(config, factoriesByType, health, clock, Resilience.create(ResilienceConfig.defaults()));
  }

  /**
   * Opens every backend {@code config} configures, one per factory, in the factories' order, probing
   * them every {@link HealthThresholds#probeInterval()}, judging their health by {@code health} and
   * wrapping each in {@code resilience} ({@link Resilience#wrap}; the registry exposes it). If one fails
   * to open, those already opened are closed again.
   */
  public static BackendRegistry open(BackendsConfig config, Map<String, Factory> factoriesByType,
      HealthThresholds health, Clock clock, Resilience resilience) throws IOException {
    return open(config, factoriesByType, health, clock, resilience, true);
  }

  /**
   * {@link #open(BackendsConfig, Map, HealthThresholds, Clock, Resilience)} with every backend handed
   * out bare, not behind a breaker, ramp or limit ({@link #resilience()} is a layer of the default
   * configuration that wraps nothing, so it lists no breakers). Health probes and the monitor work
   * as usual. Only for measuring what the resilience layer costs and saves ({@code ipfs-kit bench
   * resilience}); a server always wraps.
   */
  public static BackendRegistry openUnprotected(BackendsConfig config, Map<String, Factory> factoriesByType,
      HealthThresholds health, Clock clock) throws IOException {
    return open(config, factoriesByType, health, clock, Resilience.create(ResilienceConfig.defaults()), false);
  }

  private static BackendRegistry open(BackendsConfig config, Map<String, Factory> factoriesByType,
      HealthThresholds health, Clock clock, Resilience resilience, boolean wrap) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(resilience, "resilience");
    requireNonNull(factoriesByType, "factoriesByType");
    requireNonNull(health, "health");
    requireNonNull(clock, "clock");
    Map<String, StorageBackend> opened = new LinkedHashMap<>();
    Set<String> absent = new LinkedHashSet<>();
    try {
      for (Map.Entry<String, Factory> f : factoriesByType.entrySet()) {
        String type = requireNonNull(f.getKey(), "factory type");
        Optional<StorageBackend> b = requireNonNull(f.getValue().open(config), "factory result of " + type);
        if (b.isEmpty()) {
          absent.add(type);
          continue;
        }
        opened.put(type, b.get());
        if (!type.equals(b.get().name()))
          throw new IllegalStateException("the factory of backend type '" + type + "' opened a backend named '"
              + b.get().name() + "'; a backend's name must be its type");
      }
    } catch (IOException | RuntimeException e) {
      for (StorageBackend b : opened.values()) closeInto(b, e);
      throw e;
    }
    LOG.info("storage backends configured: {}; not configured: {}", opened.keySet(), absent);
    Map<String, StorageBackend> wrapped = new LinkedHashMap<>();
    opened.forEach((name, b) -> wrapped.put(name, wrap ? resilience.wrap(b) : b));
    return new BackendRegistry(Collections.unmodifiableMap(wrapped), Collections.unmodifiableSet(absent),
        health, clock, resilience);
  }

  /** The resilience layer every backend of this registry runs behind: breaker status and control. */
  public Resilience resilience() {
    return resilience;
  }

  /** Names of the configured backends, in the order they were opened. */
  public Set<String> names() {
    return backends.keySet();
  }

  /** Backend types this registry has a factory for whose configuration is absent. */
  public Set<String> notConfigured() {
    return notConfigured;
  }

  /** The configured backend named {@code name}, if there is one. */
  public Optional<StorageBackend> find(String name) {
    return Optional.ofNullable(backends.get(name));
  }

  /**
   * The configured backend named {@code name}.
   *
   * @throws NoSuchElementException naming the backend and the configured ones when there is none
   */
  public StorageBackend get(String name) {
    StorageBackend b = backends.get(name);
    if (b == null) throw notConfigured(name);
    return b;
  }

  /** Every configured backend by name (unmodifiable, opening order), e.g. for {@code WriteAheadLog.open}. */
  public Map<String, StorageBackend> backends() {
    return backends;
  }

  /**
   * The last cached health probe of {@code name}, with when it ran; UNKNOWN before the first
   * probe. Never probes the backend.
   *
   * @throws NoSuchElementException naming the backend and the configured ones when there is none
   */
  public CheckedHealth health(String name) {
    if (!backends.containsKey(name)) throw notConfigured(name);
    return healthCache.health(name);
  }

  /**
   * The health monitor of the configured backends: probes plus real calls' outcomes, with history
   * (what {@link #health} returns is its current state). The WAL records its calls' outcomes here.
   */
  public HealthMonitor monitor() {
    return healthCache.monitor();
  }

  /**
   * Sets the one listener told when a backend's cached health changes status (null: none); see
   * {@link HealthChangeListener}. Set it before {@link #startHealthProbes()} to hear the first round.
   */
  public void onHealthChange(HealthChangeListener listenerOrNull) {
    healthCache.onChange(listenerOrNull);
  }

  /**
   * Probes every backend whose cached health is at least one interval old at {@code nowNanos}.
   *
   * @param nowNanos the current {@link System#nanoTime()} reading
   * @return nanoseconds until the next probe is due
   */
  public long probeHealthDue(long nowNanos) {
    return healthCache.probeDue(nowNanos);
  }

  /**
   * Runs the first health round now, on the caller's thread (so {@link #health} is known when this
   * returns), then keeps the cache fresh from one daemon thread until {@link #close()}. Calling it
   * again does nothing.
   *
   * @throws IllegalStateException if the registry is closed
   */
  public synchronized void startHealthProbes() {
    if (closed) throw new IllegalStateException("the backend registry is closed; open a new one");
    if (prober != null) return;
    long firstWait = healthCache.probeDue(System.nanoTime());
    prober = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "backend-health-probe");
      t.setDaemon(true);
      return t;
    });
    schedule(prober, firstWait);
  }

  private void probeAndReschedule(ScheduledExecutorService on) {
    long wait;
    try {
      wait = healthCache.probeDue(System.nanoTime());
    } catch (RuntimeException e) {
      // HealthCache turns a failing probe into UNHEALTHY; reaching here is a bug: keep probing.
      LOG.error("backend health round failed", e);
      wait = TimeUnit.SECONDS.toNanos(1);
    }
    schedule(on, wait);
  }

  private void schedule(ScheduledExecutorService on, long waitNanos) {
    try {
      on.schedule(() -> probeAndReschedule(on), Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // close() shut the prober down: nothing more to probe.
    }
  }

  /**
   * Stops the health probes (waiting a bounded time for one in progress), then closes every
   * backend, even if some fail. Idempotent.
   *
   * @throws RuntimeException the first backend's close failure, the others suppressed in it
   */
  @Override
  public void close() {
    ScheduledExecutorService p;
    synchronized (this) {
      if (closed) return;
      closed = true;
      p = prober;
    }
    if (p != null) {
      p.shutdownNow();
      try {
        if (!p.awaitTermination(CLOSE_WAIT_FOR_PROBE_MILLIS, TimeUnit.MILLISECONDS))
          LOG.warn("a backend health probe still runs after {} ms; closing the backends anyway",
              CLOSE_WAIT_FOR_PROBE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    releaseLeases();
    RuntimeException first = null;
    for (StorageBackend b : backends.values()) {
      try {
        b.close();
      } catch (RuntimeException e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first != null) throw first;
  }

  /**
   * Closes every stream and pooled connection still leased (a call still running fails instead of
   * holding a backend that is about to close) and logs how many, by owner; never what they carried.
   */
  private void releaseLeases() {
    java.util.List<io.ipfskit.core.resilience.LeaseInfo> released;
    try {
      released = resilience.releaseLeases();
    } catch (RuntimeException e) {
      LOG.warn("releasing the leased streams and connections failed: {}", e.toString());
      return;
    }
    if (resilience.leases().isEmpty()) return;
    Map<String, Integer> byOwner = new java.util.TreeMap<>();
    for (io.ipfskit.core.resilience.LeaseInfo l : released) byOwner.merge(l.owner(), 1, Integer::sum);
    LOG.info("closing the storage backends: released {} leased stream(s) and connection(s){}", released.size(),
        byOwner.isEmpty() ? "" : " held by " + byOwner);
  }

  private NoSuchElementException notConfigured(String name) {
    return new NoSuchElementException("backend '" + name + "' is not configured; configured: " + backends.keySet());
  }

  private static void closeInto(StorageBackend b, Exception failure) {
    try {
      b.close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
