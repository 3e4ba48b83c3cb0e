package io.ipfskit.server.wal;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import io.ipfskit.core.wal.WalLockedException;
import io.ipfskit.core.wal.WalRetries;
import io.ipfskit.core.wal.WriteAheadLog;
import io.ipfskit.server.KitConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import io.ipfskit.server.log.ClientLog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A home directory's write-ahead log as one process sees it when several processes (two agent
 * hosts each spawning {@code ipfs-kit serve}, a CLI next to a server) use the same home. Exactly one
 * process owns the log: it holds the WAL lock ({@link WriteAheadLog#open} refuses everyone else
 * with {@link WalLockedException}), runs it, and answers the others over a Unix domain socket
 * ({@link OwnerSocketServer}). Every other process forwards each call of {@link #service()} to the owner.
 *
 * <p>Invariants: never two writers, because only the lock holder opens the log and only the lock
 * holder binds the socket; the owner deletes its socket file before it releases the lock. When a
 * call finds no owner answering, this process tries to take the lock (recovering the log and
 * starting to listen); if another process wins that race, the call keeps forwarding, polling with
 * a bounded backoff until the new owner listens. A call whose request reached an owner that then
 * died is not repeated unless it is read-only, since the owner may have applied it.
 *
 * <p>Locks: {@code this} guards taking and releasing ownership; {@link #owned} is volatile so calls
 * read it without locking. Optionally a watcher pings the owner every interval and takes over when
 * it is gone, so pending operations keep running even when nobody calls.
 *
 * <p>Callers must {@link #close} it: that stops listening, deletes the socket, then closes the log.
 */
public final class SharedWal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedWal.class);
  /** How long a call waits for a new owner to appear after the old one went away. */
  static final Duration OWNER_HANDOVER_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Opens the registry of storage backends the owner runs operations on; called each time ownership
   * is taken. The owner starts its health probes and closes it when it lets go of the log.
   */
  @FunctionalInterface
  public interface RegistryFactory {
    BackendRegistry open() throws IOException;

    /**
     * The rules of the log's durable retries with {@code registry}'s backends: by default the log's own
     * {@code IPFS_KIT_WAL_*} retry keys; {@link #forHome} uses the registry's per-class retry policies
     * and retry budget ({@link WalRetries#perClass}).
     */
    default WalRetries retries(BackendRegistry registry) {
      return WalRetries.walKeys();
    }
  }

  private record Owned(WriteAheadLog wal, BackendRegistry backends, OwnerSocketServer server,
      InProcessWalService service) {}

  private final WalConfig config;
  private final Path walDir;
  private final Path socketPath;
  private final RegistryFactory backendsFactory;
  private final Clock clock;
  private final ScheduledExecutorService watcher;
  private final SocketWalService remote;
  private final WalService routed = new Routed();
  /** Re-checks the grants forwarded operations carry: only its home is used (a grant carries its roots). */
  private final FileAccessPolicy ownerPolicy;
  private volatile Owned owned;
  /** Set after the first attempt to own the log: owning it later is a change the client hears of. */
  private volatile boolean joined;
  private volatile boolean closed;

  private SharedWal(Path home, WalConfig config, RegistryFactory backendsFactory, Clock clock, Duration watchInterval) {
    this.config = config;
    this.walDir = config.directory().toAbsolutePath().normalize();
    this.socketPath = OwnerSocketPath.forHome(home);
    this.ownerPolicy = new FileAccessPolicy(AllowedRoots.none(), home.toAbsolutePath(), Path.of("").toAbsolutePath());
    this.remote = new SocketWalService(socketPath, walDir);
    this.backendsFactory = backendsFactory;
    this.clock = clock;
    if (watchInterval == null) {
      this.watcher = null;
    } else {
      this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wal-owner-watch");
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * Joins the home's WAL: owns it if nobody does, else forwards to the owner.
   *
   * @param ownerWatchInterval null for none; else how often to check that the owner is alive and
   *     take over when it is not (servers pass a few seconds; one-shot CLI commands pass null)
   * @throws WalCallException if the log exists but cannot be opened (corruption: run {@code ipfs-kit
   *     wal repair}) or the socket cannot be created
   */
  public static SharedWal open(Path home, WalConfig config, RegistryFactory backends, Clock clock,
      Duration ownerWatchInterval) {
    if (ownerWatchInterval != null && (ownerWatchInterval.isNegative() || ownerWatchInterval.isZero())) {
      throw new IllegalArgumentException("ownerWatchInterval must be > 0, but was " + ownerWatchInterval);
    }
    SharedWal shared = new SharedWal(home, config, backends, clock, ownerWatchInterval);
    shared.tryTakeOwnership();
    shared.joined = true;
    if (shared.watcher != null) {
      long ms = ownerWatchInterval.toMillis();
      shared.watcher.scheduleWithFixedDelay(shared::watchOwner, ms, ms, TimeUnit.MILLISECONDS);
    }
    return shared;
  }

  /**
   * {@link #open} with the home's WAL configuration and the backends of its {@link BackendsConfig},
   * both parsed once at start by {@link KitConfig} (today the {@code local} block store under
   * {@code <home>/blocks}).
   */
  public static SharedWal forHome(KitConfig kit, Duration ownerWatchInterval) {
    return forHome(kit, ownerWatchInterval, io.ipfskit.core.secrets.SecretLookup.NONE);
  }

  /**
   * {@link #forHome(KitConfig, Duration)}, with {@code secrets} reading the vault secrets the
   * backends' configuration refers to (the S3 secret key) at use.
   */
  public static SharedWal forHome(KitConfig kit, Duration ownerWatchInterval,
      io.ipfskit.core.secrets.SecretLookup secrets) {
    BackendsConfig backends = kit.backends();
    io.ipfskit.core.resilience.ResilienceConfig resilience = kit.resilience();
    io.ipfskit.core.storage.HealthThresholds health = io.ipfskit.core.storage.HealthThresholds.from(kit.settings());
    io.ipfskit.core.storage.PoolConfig pool = kit.pool();
    io.ipfskit.core.resilience.ContentCacheConfig cache = kit.contentCache();
    io.ipfskit.core.storage.s3.HeadCacheConfig s3Head = kit.s3HeadCache();
    // A new layer each time ownership is taken: breakers, the read cache and the lease registry live in the
    // owning process only (closing its registry releases every lease and says what it released).
    RegistryFactory registries = new RegistryFactory() {
      @Override
      public BackendRegistry open() throws IOException {
        return BackendRegistry.open(backends, secrets, health,
            io.ipfskit.core.resilience.Resilience.create(resilience,
                cache.enabled() ? io.ipfskit.core.resilience.ContentCache.create(cache) : null,
                new io.ipfskit.core.resilience.Leases(Clock.systemUTC())), pool, s3Head);
      }

      @Override
      public WalRetries retries(BackendRegistry registry) { // per-class policies and budget; given WAL keys win
        return WalRetries.perClass(registry.resilience(), kit.settings());
      }
    };
    return open(kit.home(), kit.wal(), registries, Clock.systemUTC(), ownerWatchInterval);
  }

  /**
   * Asks the process that owns the home's WAL who it is, without ever taking ownership.
   *
   * @return {@code pid, wal_dir, owner_since} of a live owner of this WAL directory, or empty when
   *     none answers
   */
  public static Optional<ObjectNode> pingOwner(Path home, WalConfig config) {
    try {
      return Optional.of(OwnerSocketClient.call(OwnerSocketPath.forHome(home),
          config.directory().toAbsolutePath().normalize(), WalMethod.PING, null, PING_TIMEOUT));
    } catch (OwnerSocketClient.OwnerUnreachableException e) {
      return Optional.empty();
    } catch (WalCallException | WalException e) {
      // Someone answers on this home's socket but owns another WAL directory: not ours.
      log.warn("the process on {} does not own {}: {}", OwnerSocketPath.forHome(home), config.directory(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The home's log as a {@link WalService}: each call runs on the in-process log while this process
   * owns it, else over the owner socket; when no owner answers, this process takes over (or waits
   * for whoever won the race) and the call goes on there. A call whose request reached an owner
   * that then died is repeated only if it is read-only, since the owner may have applied it.
   * Stays valid across ownership changes; fails with {@link WalCallException} after {@link #close}.
   */
  public WalService service() {
    return routed;
  }

  /** One call on whichever service is right now; {@code readOnly} says whether a lost reply may be repeated. */
  private <T> T route(WalMethod method, boolean readOnly, java.util.function.Function<WalService, T> call) {
    long giveUpAt = System.nanoTime() + OWNER_HANDOVER_TIMEOUT.toNanos();
    long backoffMillis = 10;
    SocketWalService.Unreachable last = null;
    while (true) {
      Owned o = owned;
      if (o != null) return call.apply(o.service());
      if (closed) throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "the WAL connection is closed (server shutting down)");
      try {
        return call.apply(remote);
      } catch (SocketWalService.Unreachable e) {
        if (e.requestSent() && !mayRepeat(readOnly, null)) {
          throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "the process owning the WAL went away while handling "
              + method.wireName() + "; it may or may not have been applied: check with wal_list_operations before repeating it");
        }
        last = e;
      }
      if (tryTakeOwnership()) continue;
      if (System.nanoTime() - giveUpAt > 0) {
        throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "the WAL at " + walDir
            + " is locked by another process that does not answer on " + socketPath + " (" + last.getMessage()
            + "); wait for that process to finish or stop it, then try again");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMillis));
      backoffMillis = Math.min(backoffMillis * 2, 250);
    }
  }

  /**
   * Whether a call may be sent to a (new) owner after the first one may have seen it: read-only
   * calls always; others only when the failure's kind says so ({@link WalException.Kind#mayRepeatElsewhere()}).
   * An owner that died mid-call left no kind ({@code kindOrNull == null}), so only read-only calls repeat.
   */
  static boolean mayRepeat(boolean readOnly, WalException.Kind kindOrNull) {
    return readOnly || (kindOrNull != null && kindOrNull.mayRepeatElsewhere());
  }

  /** The service {@link #service()} hands out: routes each call by ownership at the time of the call. */
  private final class Routed implements WalService {
    @Override
    public Operation add(NewOperation operation) {
      return route(WalMethod.ADD, false, s -> s.add(operation));
    }

    @Override
    public Operation get(String operationId) {
      return route(WalMethod.GET, true, s -> s.get(operationId));
    }

    @Override
    public List<Operation> list(OperationQuery query) {
      return route(WalMethod.LIST, true, s -> s.list(query));
    }

    @Override
    public Operation waitFor(String operationId, Duration timeout) {
      return route(WalMethod.WAIT, true, s -> s.waitFor(operationId, timeout));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Operation> waitForAsync(String operationId, Duration timeout) {
      Owned o = owned;
      return o != null ? o.service().waitForAsync(operationId, timeout) : WalService.super.waitForAsync(operationId, timeout);
    }

    @Override
    public Operation retry(String operationId) {
      return route(WalMethod.RETRY, false, s -> s.retry(operationId));
    }

    @Override
    public List<io.ipfskit.core.resilience.BreakerStatus> breakers() {
      return route(WalMethod.BREAKERS, true, WalService::breakers);
    }

    @Override
    public List<io.ipfskit.core.storage.HealthMonitor.Report> backendHealth() {
      return route(WalMethod.BACKEND_HEALTH, true, WalService::backendHealth);
    }

    @Override
    public io.ipfskit.core.resilience.PerformanceReport.Sources performance(Duration leakThreshold) {
      return route(WalMethod.PERFORMANCE, true, s -> s.performance(leakThreshold));
    }

    @Override
    public io.ipfskit.core.resilience.BreakerStatus controlBreaker(String breaker, BreakerAction action) {
      return route(WalMethod.BREAKER_CONTROL, false, s -> s.controlBreaker(breaker, action));
    }

    @Override
    public Operation cancel(String operationId) {
      return route(WalMethod.CANCEL, false, s -> s.cancel(operationId));
    }

    @Override
    public CleanupResult cleanup(Integer ageDays, OperationStatus finishedStatusOrNull) {
      return route(WalMethod.CLEANUP, false, s -> s.cleanup(ageDays, finishedStatusOrNull));
    }

    @Override
    public WalStatus status() {
      return route(WalMethod.STATUS, true, WalService::status);
    }

    @Override
    public WalMetrics metrics() {
      return route(WalMethod.METRICS, true, WalService::metrics);
    }

    @Override
    public WalHealth health() {
      return route(WalMethod.HEALTH, true, WalService::health);
    }

    @Override
    public WalConfig config() {
      return route(WalMethod.CONFIG, true, WalService::config);
    }

    @Override
    public WalConfig updateConfig(Map<String, String> changes) {
      return route(WalMethod.CONFIG, changes.isEmpty(), s -> s.updateConfig(changes));
    }
  }

  /** True while this process holds the WAL lock (and serves the others). */
  /**
   * The backend {@code name} when this process owns the log (and so runs the backends), else empty:
   * a forwarding process reads stored content without opening a second copy of a backend.
   */
  public java.util.Optional<io.ipfskit.core.storage.StorageBackend> ownedBackend(String name) {
    Owned o = owned;
    return o == null ? java.util.Optional.empty() : o.backends().find(name);
  }

  /** The backend registry this process runs as the WAL's owner (with its health monitor); empty otherwise. */
  public Optional<BackendRegistry> ownedRegistry() {
    Owned o = owned;
    return o == null ? Optional.empty() : Optional.of(o.backends());
  }

  public boolean isOwner() {
    return owned != null;
  }

  public Path socketPath() {
    return socketPath;
  }

  public Path walDirectory() {
    return walDir;
  }

  /** @return true if this process owns the log now; false if another process holds the lock */
  private synchronized boolean tryTakeOwnership() {
    if (owned != null) return true;
    if (closed) return false;
    BackendRegistry backends;
    try {
      backends = backendsFactory.open();
    } catch (IOException e) {
      throw new WalCallException(WalCallException.Kind.INTERNAL, "cannot open the storage backends: " + e.getMessage(), e);
    }
    WriteAheadLog wal;
    try {
      // The monitor shows in wal_metrics, hears each run's outcome and pauses an unhealthy backend's queue.
      wal = WriteAheadLog.open(config, backends.backends(), backends.monitor(), backendsFactory.retries(backends), clock);
    } catch (WalLockedException e) {
      closeBackends(backends);
      return false;
    } catch (IOException | RuntimeException e) {
      closeBackends(backends);
      throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "cannot open the WAL at " + walDir + ": "
          + e.getMessage() + " (if it reports corruption, stop every ipfs-kit server on this home and run 'ipfs-kit wal repair')", e);
    }
    backends.onHealthChange(new HealthNotices()); // a backend going down or recovering reaches the client
    backends.resilience().onTransition(HealthNotices::breakerChanged); // and so does a breaker's transition
    backends.startHealthProbes(); // before anyone can ask: the first round is done when this returns
    InProcessWalService service = new InProcessWalService(wal, backends.resilience(),
        () -> backends.names().stream().map(backends.monitor()::report).toList(),
        threshold -> PerformanceFigures.collect(backends, wal, threshold));
    WalRequestHandler handler = new WalRequestHandler(service, walDir, clock.instant(), ownerPolicy);
    OwnerSocketServer server;
    try {
      server = OwnerSocketServer.start(socketPath, walDir, handler);
    } catch (IOException e) {
      // Owning without listening would strand every other process: give the lock back.
      closeQuietly(wal);
      closeBackends(backends);
      throw new WalCallException(WalCallException.Kind.INTERNAL, e.getMessage(), e);
    }
    owned = new Owned(wal, backends, server, service);
    wal.onFinished(SharedWal::reportFailure);
    log.info("this process (pid {}) now owns the WAL at {}", ProcessHandle.current().pid(), walDir);
    if (joined) { // at start owning it is routine; a takeover mid-session is news
      ClientLog.notice(ClientLog.WAL, "the process owning the write-ahead log went away; this server (pid "
          + ProcessHandle.current().pid() + ") took it over and now runs its operations");
    }
    return true;
  }

  /** An operation that failed for good goes to the client's log: id, type, backend, error type; never params or content. */
  static void reportFailure(Operation op) {
    if (op.status() != OperationStatus.FAILED) return;
    ClientLog.warning(ClientLog.WAL, "operation " + op.operationId() + " (" + op.operationType().wireName() + " on "
        + op.backend() + ") failed" + (op.errorType() == null ? "" : " with " + op.errorType())
        + " after " + op.retryCount() + " retries; see wal_get_operation");
  }

  private void watchOwner() {
    if (owned != null || closed) return;
    try {
      OwnerSocketClient.call(socketPath, walDir, WalMethod.PING, null, PING_TIMEOUT);
    } catch (OwnerSocketClient.OwnerUnreachableException e) {
      try {
        tryTakeOwnership();
      } catch (WalCallException ex) {
        log.warn("could not take over the WAL after its owner went away: {}", ex.getMessage());
        ClientLog.warning(ClientLog.WAL, "the process owning the write-ahead log went away and this server could not take over");
      }
    } catch (WalCallException | WalException e) {
      log.warn("the WAL owner answered a ping with an error: {}", e.getMessage());
    }
  }

  /** Stops listening and deletes the socket first, then closes the log (releasing the lock). */
  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) watcher.shutdownNow();
    Owned o = owned;
    owned = null;
    if (o == null) return;
    try {
      o.server().close();
    } catch (IOException e) {
      log.warn("closing the WAL owner socket failed: {}", e.toString());
    }
    closeQuietly(o.wal());
    closeBackends(o.backends());
    log.info("released the WAL at {}", walDir);
  }

  private static void closeQuietly(WriteAheadLog wal) {
    try {
      wal.close();
    } catch (IOException e) {
      log.warn("closing the WAL failed: {}", e.toString());
    }
  }

  private static void closeBackends(BackendRegistry backends) {
    try {
      backends.close();
    } catch (RuntimeException e) {
      log.warn("closing the storage backends failed: {}", e.toString());
    }
  }
}
