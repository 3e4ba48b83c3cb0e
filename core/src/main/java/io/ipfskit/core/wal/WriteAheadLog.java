package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.Dispatcher.Counters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The durable write-ahead log of storage operations: an append-only segment log is the source of
 * truth, a checkpoint bounds recovery, terminal operations move to an archive, and processor threads
 * run due operations against their backends. This class is the one public entry and a thin front;
 * the work lives in package-private parts, each testable alone:
 * <ul>
 *   <li>{@link SegmentLog}: sequencing, group commit, fsync, segments ({@link Checkpoints},
 *       {@link SegmentScanner}, {@link RecordCodec} beside it);
 *   <li>{@link Lifecycle}: the operation state machine (one transition table, named transitions);
 *   <li>{@link Dispatcher}: ready and timer queues, per-backend workers, priorities, retry rules
 *       ({@link WalRetries}: the log's own keys, or the resilience layer's per-class policies and
 *       retry budget; {@link RetryTiming});
 *   <li>{@link Archiver}: the ARCHIVING / archive / ARCHIVED protocol;
 *   <li>{@link Maintenance}: archiving, cleanup (at start, then hourly) and automatic checkpoints,
 *       {@code runOnce(now)} returning when to run next;
 *   <li>{@link DirectoryLock}: the {@code LOCK} file's lock, taken by open and by repair;
 *   <li>{@link Recovery}: checkpoint load and replay, under the continuity rules of
 *       {@link SegmentChain} (no gap in sequence numbers, within or across segments);
 *   <li>{@link Repair}: {@link #repair}; cuts a torn tail, middle damage only when told to.
 * </ul>
 * The parts reach the live operations and the log through {@link Journal}, implemented here.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every state change is a record appended under {@code lock}, so the order of records in the
 *       file is the order of decisions. A change becomes visible to readers ({@link #get},
 *       {@link #list}, {@link #waitFor}) only once durable: {@code add} per the fsync mode (after
 *       its fsync in {@code always}, at once in {@code batch}/{@code periodic}), every later
 *       transition after the fsync covering it.
 *   <li>An operation runs only after its {@code processing} record is on disk; a crash mid-run
 *       leaves it {@code processing} on disk and recovery puts it back to {@code pending}
 *       (at-least-once execution). A cancel of a running operation raises its flag; the worker
 *       records {@code cancelled} once the run stopped, and a cancelled operation never runs again.
 *       A crash between the cancel and that record leaves it {@code processing}, so it runs again.
 *   <li>Host files are read and written only through the grant recorded with the operation
 *       ({@code params.file_access}), re-checked by {@link io.ipfskit.core.files.FileAccessPolicy}
 *       against the recorded roots and {@link WalConfig#home} when it runs (see {@link OperationRunner}).
 *   <li>Parameters are written once, in the creation record, and never rewritten.
 * </ul>
 * Locks: {@code lock} guards {@code entries}, the dispatcher's queues, the archiver's batch and the
 * mutable fields of each {@link Entry}; appenders hold it while a record is sequenced (see
 * {@link SegmentLog} for the flush lock, taken before {@code lock}, never after).
 * {@code maintenance} serialises checkpoints, archiving, cleanup and config changes. Recovery: latest checkpoint,
 * then replay of every record after it; zeros after the last record of the last segment are its
 * preallocated space (a clean end, kept and overwritten by later appends; see {@link SegmentScanner}),
 * any other damage at the end of the last segment is a torn tail and is truncated, corruption
 * anywhere else or a gap in the sequence numbers refuses to open ({@link WalCorruptionException});
 * operations found {@code processing} go back to {@code pending}.
 *
 * <p>Archive: durable terminal operations are handed to the archive (Parquet partitions under
 * {@code <directory>/partitions}) in batches, when {@code partition_size} are waiting, when the
 * oldest has waited 30 s, and on every {@link #checkpoint} (also run on {@link #close} and when
 * three segments exist). Sequence: ARCHIVING record (fsynced), {@code archive()}, ARCHIVED record
 * (drops them from the log); after a crash in between, recovery re-archives only what the archive
 * does not already hold. With {@code archive_completed=false} they stay in the log and checkpoints.
 * A maintenance thread also removes finished operations older than {@code max_age_days}: at start,
 * then hourly.
 *
 * <p>Errors a caller acts on are {@link WalException}s: {@link BackendNotConfiguredException},
 * {@link IllegalTransitionException}, {@link OperationNotFoundException},
 * {@link InvalidOperationException}, and {@link LogFailedClosedException} once the log failed
 * closed or is closed.
 *
 * <p>Callers must {@link #close} the log; it writes a checkpoint and releases the directory lock.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Opens the archive once the directory lock is held (opening it cleans up temp files). */
  interface ArchiveFactory {
    OperationArchive open(WalConfig config) throws IOException;
  }

  /**
   * Package-private wiring for tests and production: a ready archive instance (tests) or a factory
   * called under the directory lock (production); null for neither keeps terminal operations in the log.
   * {@code preallocate}: segments are created full of zeros ahead of time (production; see {@link SegmentLog}).
   * {@code io}: the file layer segments and checkpoints are written through ({@link WalIo#REAL} unless a
   * test models power loss).
   */
  record Options(OperationArchive archive, SegmentLog.ForceHook forceHook, boolean startPaused, boolean autoCheckpoint,
      ArchiveFactory archiveFactory, boolean preallocate, WalIo io) {
    Options {
      requireNonNull(io, "io");
    }

    Options(OperationArchive archive, SegmentLog.ForceHook forceHook, boolean startPaused, boolean autoCheckpoint,
        ArchiveFactory archiveFactory, boolean preallocate) {
      this(archive, forceHook, startPaused, autoCheckpoint, archiveFactory, preallocate, WalIo.REAL);
    }

    Options(OperationArchive archive, SegmentLog.ForceHook forceHook, boolean startPaused) {
      this(archive, forceHook, startPaused, true, null, false);
    }

    Options(OperationArchive archive, SegmentLog.ForceHook forceHook, boolean startPaused, boolean autoCheckpoint) {
      this(archive, forceHook, startPaused, autoCheckpoint, null, false);
    }

    Options withPreallocation() {
      return new Options(archive, forceHook, startPaused, autoCheckpoint, archiveFactory, true, io);
    }
  }

  private final Path dir;
  private final Clock clock;
  private final Map<String, StorageBackend> backends;
  private final Function<String, BackendHealth> cachedHealth; // never probes: metrics() must stay cheap
  private final OperationArchive archive; // null: terminal operations stay in the log
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition visibleChanged = lock.newCondition();
  private volatile Consumer<Operation> finishedListener;
  private CompletableFuture<Void> nextVisibleChange = new CompletableFuture<>(); // guarded by lock
  private final Condition maintenanceWake = lock.newCondition();
  private final Object maintenance = new Object();
  private final HashMap<String, Entry> entries;
  private final Journal journal = new LiveJournal();
  private final Dispatcher dispatcher;
  private final WalRetries retries;
  private final Archiver archiver;
  private final Maintenance housekeeping;
  private final SegmentLog log;
  private final FsyncMode mode;
  private volatile WalConfig config;
  private volatile boolean closed;
  private volatile Instant lastCheckpoint;
  private Thread maintenanceThread;
  private final ThreadLocal<Bytes> encoders = ThreadLocal.withInitial(() -> new Bytes(1024));
  private final ThreadLocal<Bytes> jsonScratch = ThreadLocal.withInitial(() -> new Bytes(256));
  private final LatencyHistogram appendMicros = new LatencyHistogram();
  private final LatencyHistogram operationMillis = new LatencyHistogram();
  private final Map<String, Counters> counters = new HashMap<>();

  /**
   * Opens (creating if needed) the log in {@code config.directory()}: takes the directory lock,
   * recovers, and starts the processor threads.
   *
   * @param backends by name; operations may only name these
   * @throws WalLockedException if another process owns the directory
   * @throws WalCorruptionException if a record in the middle of the log is damaged
   */
  public static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends, Clock clock)
      throws IOException {
    return open(config, backends, NOT_PROBED, clock);
  }

  /**
   * {@link #open(WalConfig, Map, Clock)} with each backend's health for {@link #metrics()} read from
   * {@code cachedHealth} (e.g. {@code name -> registry.health(name).health()} of a {@link
   * io.ipfskit.core.storage.BackendRegistry}); the log never probes a backend itself.
   */
  public static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends,
      Function<String, BackendHealth> cachedHealth, Clock clock) throws IOException {
    requireNonNull(cachedHealth, "cachedHealth");
    return open(config, backends, clock, new Options(null, null, false, true, WriteAheadLog::defaultArchive, true),
        cachedHealth);
  }

  /**
   * {@link #open(WalConfig, Map, Clock)} watched by {@code monitor} (e.g. {@link
   * io.ipfskit.core.storage.BackendRegistry#monitor()}): {@link #metrics()} shows its current state,
   * every run's outcome is told to it, and a backend it calls UNHEALTHY has its queue paused (no
   * calls, no retries spent) until it recovers.
   */
  public static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends,
      io.ipfskit.core.storage.HealthMonitor monitor, Clock clock) throws IOException {
    return open(config, backends, monitor, WalRetries.walKeys(), clock);
  }

  /**
   * {@link #open(WalConfig, Map, io.ipfskit.core.storage.HealthMonitor, Clock)} with its durable
   * retries ruled by {@code retries} (in a server: {@link WalRetries#perClass}, the resilience layer's
   * per-class policies and retry budget).
   */
  public static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends,
      io.ipfskit.core.storage.HealthMonitor monitor, WalRetries retries, Clock clock) throws IOException {
    requireNonNull(monitor, "monitor");
    requireNonNull(config, "config");
    requireNonNull(backends, "backends");
    requireNonNull(retries, "retries");
    requireNonNull(clock, "clock");
    return new WriteAheadLog(config, backends, clock,
        new Options(null, null, false, true, WriteAheadLog::defaultArchive, true),
        name -> monitor.current(name).health(), monitor, retries);
  }

  /** {@link #open(WalConfig, Map, Clock)} with its durable retries ruled by {@code retries} (tests). */
  static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends, Clock clock, Options options,
      WalRetries retries) throws IOException {
    return new WriteAheadLog(config, backends, clock, options, NOT_PROBED, null, requireNonNull(retries, "retries"));
  }

  /** Health when nobody probes the backends: unknown. */
  private static final Function<String, BackendHealth> NOT_PROBED =
      name -> new BackendHealth(BackendHealth.Status.UNKNOWN, "not probed");

  /** Like {@link #open} but runs no operation until {@link #resumeProcessing()} (benchmarks, maintenance). */
  public static WriteAheadLog openPaused(WalConfig config, Map<String, StorageBackend> backends, Clock clock)
      throws IOException {
    return open(config, backends, clock, new Options(null, null, true, true, WriteAheadLog::defaultArchive, true));
  }

  /** The archive {@link #open} uses: Parquet partitions in {@code <directory>/partitions}. */
  static OperationArchive defaultArchive(WalConfig config) throws IOException {
    return new ParquetArchive(config.directory().resolve("partitions"), config.partitionSize());
  }

  static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends, Clock clock, Options options)
      throws IOException {
    return open(config, backends, clock, options, NOT_PROBED);
  }

  private static WriteAheadLog open(WalConfig config, Map<String, StorageBackend> backends, Clock clock,
      Options options, Function<String, BackendHealth> cachedHealth) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(backends, "backends");
    requireNonNull(clock, "clock");
    return new WriteAheadLog(config, backends, clock, options, cachedHealth, null, WalRetries.walKeys());
  }

  private WriteAheadLog(WalConfig config, Map<String, StorageBackend> backends, Clock clock, Options options,
      Function<String, BackendHealth> cachedHealth, io.ipfskit.core.storage.HealthMonitor monitorOrNull,
      WalRetries retries) throws IOException {
    this.dir = config.directory();
    this.clock = clock;
    this.config = config;
    this.mode = config.fsyncMode();
    this.backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
    this.retries = retries;
    this.dispatcher = new Dispatcher(lock, journal, this.backends, this::config, clock, retries,
        options.startPaused(), counters, operationMillis);
    if (monitorOrNull != null) dispatcher.watchHealth(monitorOrNull);
    this.housekeeping = new Maintenance(new MaintenanceTasks(), this::config, options.autoCheckpoint());
    this.cachedHealth = cachedHealth;
    WalFiles.createPrivateDirectories(options.io(), dir);
    DirectoryLock dirLock = DirectoryLock.acquire(dir);
    this.lockChannel = dirLock.channel();
    this.fileLock = dirLock.fileLock();
    SegmentLog opened = null;
    OperationArchive openedArchive = options.archive();
    try {
      if (options.archiveFactory() != null) openedArchive = options.archiveFactory().open(config);
      long t0 = System.nanoTime();
      Recovery r = Recovery.run(dir);
      this.entries = r.entries;
      opened = new SegmentLog(dir, config, lock, r.segments, r.appendOffset, r.tornTail, r.lastSeq, options.forceHook(),
          options.preallocate(), options.io());
      this.log = opened;
      this.archive = openedArchive;
      this.archiver = new Archiver(lock, journal, openedArchive, this::config, maintenanceWake);
      afterRecovery();
      LOG.info("write-ahead log {} opened: {} operations, last sequence {}, {} segment(s), recovered in {} ms",
          dir, entries.size(), r.lastSeq, log.segmentCount(), (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | RuntimeException | Error e) {
      if (opened != null) {
        try {
          opened.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (openedArchive != null && options.archiveFactory() != null) {
        try {
          openedArchive.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      dirLock.close();
      throw e;
    }
    log.startFlusher();
    dispatcher.start(config.concurrencyPerBackend());
    maintenanceThread = new Thread(this::maintenanceLoop, "wal-maintenance");
    maintenanceThread.setDaemon(true);
    maintenanceThread.start();
  }

  /** Resets interrupted runs, fills the queues. Single-threaded: no other thread runs yet. */
  private void afterRecovery() throws IOException {
    long now = nowMicros();
    long nowNanos = System.nanoTime();
    long last = 0;
    lock.lock();
    try {
      for (Entry e : entries.values()) {
        OpState s = e.latest;
        if (s.status == OperationStatus.PROCESSING) {
          OpState back = Lifecycle.recoverInterrupted(e.id, s, now);
          last = appendStateLocked(e, back);
          e.durable = back;
          s = back;
        }
        if (s.waiting()) dispatcher.restoreLocked(e, now);
        else if (s.status.isTerminal()) archiver.queueLocked(e, nowNanos);
      }
    } finally {
      lock.unlock();
    }
    if (last > 0) log.awaitSynced(last);
  }

  // ================================================================ public API

  /**
   * Logs a new operation. Durable per the fsync mode when this returns; the processor is woken.
   *
   * @throws BackendNotConfiguredException if the backend is not configured
   * @throws LogFailedClosedException if the log failed closed or is closed
   */
  public Operation add(NewOperation op) throws IOException {
    requireNonNull(op, "op");
    StorageBackend b = backends.get(op.backend());
    if (b == null) throw new BackendNotConfiguredException(op.backend(), backends.keySet());
    ensureOpen();
    long t0 = System.nanoTime();
    Instant nowI = clock.instant();
    long now = micros(nowI);
    String id = newId();
    ObjectNode params = op.parametersView();
    byte[] paramBytes = JsonText.toBytes(params, jsonScratch.get());
    String backend = backendKey(op.backend());
    OpState s = Lifecycle.created(now, retries.maxRetries(op.operationType(), config));
    Bytes buf = encoders.get();
    RecordCodec.created(buf, id, op.operationType(), backend, op.priority(), now, 0L, false, paramBytes, s);
    // Built outside the lock (the id's hash too, which String caches): the critical section is the
    // append and the map insert only. Nobody else sees e before entries.put below.
    Entry e = new Entry(id, op.operationType(), backend, paramBytes, op.priority(), now, 0L);
    e.latest = s;
    id.hashCode();
    long seq;
    lock.lock();
    try {
      seq = log.appendLocked(buf);
      s.seq = seq;
      e.createdSeq = seq;
      entries.put(id, e);
      if (mode != FsyncMode.ALWAYS) {
        e.durable = s;
        dispatcher.enqueueLocked(e, now);
      }
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    } finally {
      lock.unlock();
    }
    if (mode == FsyncMode.ALWAYS) {
      try {
        log.awaitSynced(seq);
      } catch (IOException ex) {
        throw failedClosedOr(ex);
      }
      // Publish and schedule only now: were the processor to append "processing" first, readers
      // would find neither a durable state nor a synced latest one and report the id as unknown.
      lock.lock();
      try {
        e.durable = s;
        dispatcher.enqueueLocked(e, now);
        signalVisibleLocked();
      } finally {
        lock.unlock();
      }
    }
    appendMicros.record((System.nanoTime() - t0) / 1000);
    return new Operation(id, op.operationType(), backend, params, OperationStatus.PENDING, op.priority(), nowI, nowI,
        null, null, null, null, 0, s.maxRetries, null);
  }

  /** The operation, live or archived, as last made durable. */
  public Optional<Operation> get(String operationId) {
    requireNonNull(operationId, "operationId");
    Entry e;
    OpState s;
    lock.lock();
    try {
      e = entries.get(operationId);
      s = e == null ? null : visible(e);
    } finally {
      lock.unlock();
    }
    if (s != null) return Optional.of(toOperation(e, s));
    if (e != null) return Optional.empty(); // being created, not yet durable
    return findArchived(operationId);
  }

  /** Operations matching the query, newest first, from the log and the archive. */
  public List<Operation> list(OperationQuery query) {
    requireNonNull(query, "query");
    int need = query.offset() + query.limit();
    List<Entry> es = new ArrayList<>();
    List<OpState> ss = new ArrayList<>();
    lock.lock();
    try {
      for (Entry e : entries.values()) {
        OpState s = visible(e);
        if (s == null) continue;
        if (query.status() != null && s.status != query.status()) continue;
        if (query.backend() != null && !query.backend().equals(e.backend)) continue;
        if (query.operationType() != null && query.operationType() != e.type) continue;
        es.add(e);
        ss.add(s);
      }
    } finally {
      lock.unlock();
    }
    Integer[] order = new Integer[es.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> {
      Entry x = es.get(a);
      Entry y = es.get(b);
      int c = Long.compare(y.timestamp, x.timestamp);
      return c != 0 ? c : Long.compare(y.createdSeq, x.createdSeq);
    });
    List<Operation> out = new ArrayList<>();
    Set<String> liveIds = new HashSet<>();
    for (int i = 0; i < order.length && i < need; i++) {
      out.add(toOperation(es.get(order[i]), ss.get(order[i])));
    }
    for (Entry e : es) liveIds.add(e.id);
    if (archive != null && (query.status() == null || query.status().isTerminal())) {
      try {
        for (Operation a : archive.query(query)) {
          if (liveIds.add(a.operationId())) out.add(a);
        }
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read the operation archive: " + ex.getMessage(), ex);
      }
      out.sort(Comparator.comparing(Operation::timestamp).reversed());
    }
    if (query.offset() >= out.size()) return List.of();
    return List.copyOf(out.subList(query.offset(), Math.min(out.size(), need)));
  }

  /**
   * Waits until the operation is terminal (or the timeout passes) and returns its latest durable
   * snapshot.
   *
   * @throws OperationNotFoundException if no live or archived operation has this id
   * @throws InvalidOperationException if the timeout is negative
   */
  public Operation waitFor(String operationId, Duration timeout) throws InterruptedException {
    requireNonNull(operationId, "operationId");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) throw new InvalidOperationException("timeout", "must be >= 0");
    long deadline = System.nanoTime() + timeout.toNanos();
    Entry e;
    OpState s;
    lock.lock();
    try {
      while (true) {
        e = entries.get(operationId);
        if (e == null) break;
        s = visible(e);
        long left = deadline - System.nanoTime();
        if ((s != null && s.status.isTerminal()) || left <= 0 || closed) {
          if (s == null) throw new OperationNotFoundException(operationId);
          Entry fe = e;
          OpState fs = s;
          lock.unlock();
          try {
            return toOperation(fe, fs);
          } finally {
            lock.lock();
          }
        }
        visibleChanged.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    } finally {
      lock.unlock();
    }
    return findArchived(operationId).orElseThrow(() -> new OperationNotFoundException(operationId));
  }

  /**
   * A future completed the next time a state becomes visible to readers (or the log closes): the
   * non-blocking counterpart of {@link #waitFor}. A waiter takes the future first, then reads the
   * operation, and reads again when it completes. It is completed under the log's lock, so attach
   * only asynchronous stages ({@code thenRunAsync} on an executor of your own).
   */
  public CompletableFuture<Void> nextVisibleChange() {
    lock.lock();
    try {
      return closed ? CompletableFuture.completedFuture(null) : nextVisibleChange;
    } finally {
      lock.unlock();
    }
  }

  private void signalVisibleLocked() {
    visibleChanged.signalAll();
    CompletableFuture<Void> done = nextVisibleChange;
    nextVisibleChange = new CompletableFuture<>();
    done.complete(null);
  }

  /**
   * Puts a failed or cancelled operation back to {@code pending} with {@code retry_count} 0.
   *
   * @throws IllegalTransitionException if the operation is in any other status
   * @throws OperationNotFoundException if unknown
   * @throws BackendNotConfiguredException if an archived operation names a backend not configured here
   * @throws LogFailedClosedException if the log failed closed or is closed
   */
  public Operation retry(String operationId) throws IOException {
    requireNonNull(operationId, "operationId");
    ensureOpen();
    long now = nowMicros();
    Entry e;
    OpState next;
    long seq;
    lock.lock();
    try {
      e = entries.get(operationId);
      if (e != null) {
        next = Lifecycle.retry(operationId, e.latest.status, now, retries.maxRetries(e.type, config));
        seq = appendStateLocked(e, next);
        archiver.forgetLocked(e);
        dispatcher.enqueueLocked(e, now);
      } else {
        seq = -1;
        next = null;
      }
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    } finally {
      lock.unlock();
    }
    if (e == null) return retryArchived(operationId, now);
    commitVisibleOrFailedClosed(e, next, seq);
    return toOperation(e, next);
  }

  private Operation retryArchived(String operationId, long now) throws IOException {
    Operation old = findArchived(operationId).orElseThrow(() -> new OperationNotFoundException(operationId));
    OpState s = Lifecycle.retry(operationId, old.status(), now, retries.maxRetries(old.operationType(), config));
    if (!backends.containsKey(old.backend())) throw new BackendNotConfiguredException(old.backend(), backends.keySet());
    byte[] params = JSON.writeValueAsBytes(old.parameters());
    Bytes buf = encoders.get();
    long ts = micros(old.timestamp());
    Entry e;
    long seq;
    lock.lock();
    try {
      Entry live = entries.get(operationId);
      if (live != null) // retried by a concurrent call since we looked
        throw new IllegalTransitionException(operationId, live.latest.status, OperationStatus.PENDING,
            "it is already being retried");
      RecordCodec.created(buf, operationId, old.operationType(), backendKey(old.backend()), old.priority(), ts,
          log.lastSeqLocked() + 1, false, params, s);
      seq = log.appendLocked(buf);
      s.seq = seq;
      e = new Entry(operationId, old.operationType(), backendKey(old.backend()), params, old.priority(), ts, seq);
      e.latest = s;
      entries.put(operationId, e);
      dispatcher.enqueueLocked(e, now);
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    } finally {
      lock.unlock();
    }
    commitVisibleOrFailedClosed(e, s, seq);
    return toOperation(e, s);
  }

  /**
   * Cancels an operation that has not finished. A pending or retrying one is {@code cancelled} at
   * once. A processing one is asked to stop: its run stops within one chunk of copying (removing a
   * half-written temp file) and the worker records {@code cancelled}; this waits up to {@link
   * #CANCEL_WAIT} for that and returns the operation as it then is ({@code processing} if the run is
   * stuck in one backend call that does not return; it is recorded {@code cancelled} when the call
   * returns). A cancelled operation is finished: nothing runs it again, not even a restart.
   *
   * @throws IllegalTransitionException if it is finished, or completed before the cancel took effect
   * @throws OperationNotFoundException if unknown
   * @throws LogFailedClosedException if the log failed closed or is closed
   */
  public Operation cancel(String operationId) throws IOException {
    requireNonNull(operationId, "operationId");
    ensureOpen();
    long now = nowMicros();
    Entry e;
    OpState next;
    long seq;
    lock.lock();
    try {
      e = entries.get(operationId);
      if (e == null) {
        next = null;
        seq = -1;
      } else if (e.latest.status == OperationStatus.PROCESSING) {
        Lifecycle.check(Lifecycle.Move.CANCEL, operationId, OperationStatus.PROCESSING, OperationStatus.CANCELLED);
        if (!dispatcher.requestCancelLocked(operationId))
          throw new AssertionError("operation " + operationId + " is processing but not being run");
        next = null;
        seq = -1;
      } else {
        next = Lifecycle.cancel(operationId, e.latest, now);
        seq = appendStateLocked(e, next);
      }
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    } finally {
      lock.unlock();
    }
    if (e == null) {
      Operation old = findArchived(operationId).orElseThrow(() -> new OperationNotFoundException(operationId));
      Lifecycle.check(Lifecycle.Move.CANCEL, operationId, old.status(), OperationStatus.CANCELLED);
      throw new AssertionError("an archived operation is finished, so never cancellable: " + old.status());
    }
    if (next == null) return awaitStopped(operationId);
    commitVisibleOrFailedClosed(e, next, seq);
    return toOperation(e, next);
  }

  /** How long {@link #cancel} waits for a running operation to stop. */
  static final Duration CANCEL_WAIT = Duration.ofSeconds(10);

  private Operation awaitStopped(String operationId) throws IOException {
    Operation op;
    try {
      op = awaitVisible(operationId, o -> o.status() != OperationStatus.PROCESSING, CANCEL_WAIT);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return get(operationId).orElseThrow(() -> new OperationNotFoundException(operationId));
    }
    if (op.status() == OperationStatus.COMPLETED)
      throw new IllegalTransitionException(operationId, OperationStatus.COMPLETED, OperationStatus.CANCELLED,
          "it completed before the cancel took effect");
    return op;
  }

  /**
   * Removes finished (completed, failed, cancelled) operations that finished at least
   * {@code ageDays} days ago, from the log and from the archive.
   *
   * @param statusOrNull only this terminal status, or all terminal statuses
   * @return how many operations were removed
   * @throws InvalidOperationException if {@code ageDays} is negative or the status is not terminal
   * @throws LogFailedClosedException if the log failed closed or is closed
   */
  public int cleanup(int ageDays, OperationStatus statusOrNull) throws IOException {
    if (ageDays < 0) throw new InvalidOperationException("age_days", "must be >= 0");
    if (statusOrNull != null && !statusOrNull.isTerminal())
      throw new InvalidOperationException("status", "must be one of [completed, failed, cancelled] (only finished"
          + " operations are cleaned up)");
    ensureOpen();
    try {
      return removeFinished(ageDays, statusOrNull);
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    }
  }

  /** {@link #cleanup} without argument checks (maintenance calls it). */
  private int removeFinished(int ageDays, OperationStatus statusOrNull) throws IOException {
    Instant cutoffI = clock.instant().minus(Duration.ofDays(ageDays));
    long cutoff = micros(cutoffI);
    int removed;
    synchronized (maintenance) {
      long seq = -1;
      List<String> ids = new ArrayList<>();
      lock.lock();
      try {
        for (Entry e : entries.values()) {
          OpState s = visible(e);
          if (s == null || !s.status.isTerminal() || e.latest != s) continue;
          if (statusOrNull != null && s.status != statusOrNull) continue;
          long done = s.completedAt != OpState.NONE ? s.completedAt : s.updatedAt;
          if (done <= cutoff) ids.add(e.id);
        }
        if (!ids.isEmpty()) {
          seq = journal.appendIdsLocked(RecordCodec.REMOVED, ids);
          for (String id : ids) archiver.forgetLocked(entries.remove(id));
        }
      } finally {
        lock.unlock();
      }
      if (seq > 0) log.awaitSynced(seq);
      removed = ids.size();
      if (archive != null) removed += archive.deleteOlderThan(cutoffI, statusOrNull);
    }
    return removed;
  }

  public WalStatus status() {
    Map<OperationStatus, Long> by = new EnumMap<>(OperationStatus.class);
    for (OperationStatus s : OperationStatus.values()) by.put(s, 0L);
    long live = 0;
    long lastSeq;
    lock.lock();
    try {
      for (Entry e : entries.values()) {
        OpState s = visible(e);
        if (s == null) continue;
        by.merge(s.status, 1L, Long::sum);
        live++;
      }
      lastSeq = log.lastSeqLocked();
    } finally {
      lock.unlock();
    }
    long archived = 0;
    if (archive != null) {
      archived = archive.count();
      archive.countByStatus().forEach((status, n) -> by.merge(status, n, Long::sum));
    }
    return new WalStatus(live + archived, by, lastSeq, mode, log.segmentCount(), archived,
        archive == null ? 0 : archive.partitionCount(), lastCheckpoint, log.failedClosed());
  }

  public WalMetrics metrics() {
    long recs = log.records();
    long syncs = log.fsyncs();
    Map<String, BackendStats> stats = new LinkedHashMap<>();
    for (Map.Entry<String, StorageBackend> b : backends.entrySet()) {
      Counters c = counters.get(b.getKey());
      String health;
      try {
        health = cachedHealth.apply(b.getKey()).status().name().toLowerCase(java.util.Locale.ROOT);
      } catch (RuntimeException e) {
        health = "unknown";
      }
      stats.put(b.getKey(), new BackendStats(b.getKey(), c.completed.sum(), c.failed.sum(), c.retries.sum(), health));
    }
    return new WalMetrics(recs, syncs, syncs == 0 ? 0 : (double) recs / syncs, appendMicros.percentile(0.50),
        appendMicros.percentile(0.99), operationMillis.percentile(0.50), operationMillis.percentile(0.99), stats);
  }

  public WalConfig config() {
    return config;
  }

  /**
   * Applies live-updatable settings ({@link WalConfig#LIVE_KEYS}) at once. Runtime only: the change
   * is not written to {@code wal.properties}; edit that file (or the environment) to keep it.
   * {@code max_retries} applies to operations created (or retried) afterwards.
   */
  public WalConfig updateConfig(Map<String, String> changes) throws IOException {
    requireNonNull(changes, "changes");
    WalConfig next;
    synchronized (maintenance) {
      WalConfig before = config;
      next = before.with(changes);
      config = next;
      retries.keysChanged(changes.keySet()); // a retry key set now wins over the class policies
      log.updateConfig(next);
      lock.lock();
      try {
        if (next.archiveCompleted() && !before.archiveCompleted()) {
          long nowNanos = System.nanoTime();
          for (Entry e : entries.values()) if (e.latest.status.isTerminal()) archiver.queueLocked(e, nowNanos);
        }
        dispatcher.signalAllLocked();
      } finally {
        lock.unlock();
      }
    }
    return next;
  }

  /**
   * Archives finished operations (if an archive is configured), then writes a checkpoint of every
   * operation left in the log and deletes the segments it covers.
   */
  public void checkpoint() throws IOException {
    synchronized (maintenance) {
      archiver.archiveDue(true, System.nanoTime());
      List<Entry> es = new ArrayList<>();
      List<OpState> ss = new ArrayList<>();
      long covered = log.cut(() -> {
        es.clear();
        ss.clear();
        for (Entry e : entries.values()) {
          es.add(e);
          ss.add(e.latest);
        }
      });
      Path written = Checkpoints.write(log.io(), dir, covered, es, ss);
      for (Path old : Checkpoints.list(dir)) {
        if (!old.equals(written)) log.io().deleteIfExists(old);
      }
      int deleted = log.deleteCovered(covered);
      lastCheckpoint = clock.instant();
      LOG.debug("checkpoint at sequence {}: {} operations, {} segment(s) deleted", covered, es.size(), deleted);
    }
  }

  /**
   * Forces every record appended so far to stable storage. Useful in {@code batch} and
   * {@code periodic} modes before handing a result to someone who must not lose it.
   */
  public void sync() throws IOException {
    long seq;
    lock.lock();
    try {
      seq = log.lastSeqLocked();
    } finally {
      lock.unlock();
    }
    log.awaitSynced(seq);
  }

  /** Stops running operations until {@link #resumeProcessing()}; appends still work. */
  public void pauseProcessing() {
    dispatcher.pause();
  }

  public void resumeProcessing() {
    dispatcher.resume();
  }

  /** Stops the processor, checkpoints (unless failed closed), closes files and releases the lock. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    lock.lock();
    try {
      dispatcher.signalAllLocked();
      maintenanceWake.signalAll();
      signalVisibleLocked();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Thread> all = new ArrayList<>(dispatcher.workers());
    if (maintenanceThread != null) all.add(maintenanceThread);
    for (Thread t : all) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (t.isAlive()) LOG.warn("{} still busy with a backend call at close; its operation will rerun", t.getName());
    }
    IOException err = null;
    try {
      if (!log.failedClosed()) checkpoint();
    } catch (IOException e) {
      err = e;
    }
    try {
      log.close();
    } catch (IOException e) {
      if (err == null) err = e;
      else err.addSuppressed(e);
    }
    if (archive != null) {
      try {
        archive.close();
      } catch (IOException e) {
        if (err == null) err = e;
        else err.addSuppressed(e);
      }
    }
    try {
      fileLock.release();
    } finally {
      lockChannel.close();
    }
    if (err != null) throw err;
  }

  /**
   * Makes a log that refuses to open because of a torn tail openable: cuts the torn tail of the last
   * segment, keeping a {@code <segment>.broken} copy. Damage in the middle of the log (a bad record
   * with acknowledged records after it, or a gap in the sequence numbers) is not repaired: nothing
   * on disk changes and the one report, {@link RepairReport.Action#REFUSED}, says where the damage is
   * and how many acknowledged records {@link #repair(Path, boolean) repair(dir, true)} would drop.
   * Takes the directory lock, so the log must not be open.
   *
   * @return what was done (or refused), empty if nothing was wrong
   */
  public static List<RepairReport> repair(Path walDirectory) throws IOException {
    return repair(walDirectory, false);
  }

  /**
   * Like {@link #repair(Path)}; with {@code dropAfterDamage} damage in the middle is repaired too:
   * the damaged segment is copied to {@code .broken} and truncated at the damage, every later
   * segment is moved aside as {@code .broken}, and the reports say exactly how many acknowledged
   * records that dropped. See {@link Repair} for a checkpoint that covers records beyond the cut.
   */
  public static List<RepairReport> repair(Path walDirectory, boolean dropAfterDamage) throws IOException {
    return Repair.run(walDirectory, dropAfterDamage);
  }

  // ================================================================ package-private (tests)

  /**
   * Waits until the operation's visible snapshot satisfies {@code condition} or the timeout passes;
   * returns the last visible snapshot. Tests use it to wait for intermediate states without sleeping.
   */
  Operation awaitVisible(String id, java.util.function.Predicate<Operation> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        Entry e = entries.get(id);
        OpState s = e == null ? null : visible(e);
        Operation op = s == null ? null : toOperation(e, s);
        if (e == null) {
          lock.unlock();
          try {
            op = findArchived(id).orElseThrow(() -> new OperationNotFoundException(id));
          } finally {
            lock.lock();
          }
        }
        long left = deadline - System.nanoTime();
        if ((op != null && condition.test(op)) || left <= 0) return op;
        visibleChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close} has begun (tests). */
  boolean isClosedForTest() {
    return closed;
  }

  /** Whether {@link #cancel} raised the flag of the running operation {@code id} and it has not stopped yet. */
  boolean cancelRequested(String id) {
    lock.lock();
    try {
      return dispatcher.cancelRequestedLocked(id);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Simulates a process crash for tests: stops the threads without waiting for backend calls,
   * writes no checkpoint and releases the directory lock. Records already acknowledged stay on disk.
   */
  void abandonForTest() throws IOException {
    synchronized (this) {
      closed = true;
    }
    lock.lock();
    try {
      dispatcher.signalAllLocked();
      maintenanceWake.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      log.close(); // may fail if the test cut the power under it; the lock goes anyway, as in a crash
    } finally {
      fileLock.release();
      lockChannel.close();
    }
  }

  /** Wakes every processor thread now (tests call it after moving a fake clock). */
  void wakeProcessor() {
    lock.lock();
    try {
      dispatcher.signalAllLocked();
    } finally {
      lock.unlock();
    }
  }

  // ================================================================ the journal the parts use

  /** Caller holds lock. Appends a status record and makes it the latest decided state. */
  private long appendStateLocked(Entry e, OpState next) throws IOException {
    Bytes buf = encoders.get();
    RecordCodec.stateRecord(buf, e.id, next);
    long seq = log.appendLocked(buf);
    next.seq = seq;
    e.latest = next;
    return seq;
  }

  /** Waits for the record to be durable, then publishes the state to readers. */
  private void commitVisible(Entry e, OpState s, long seq) throws IOException {
    log.awaitSynced(seq);
    lock.lock();
    try {
      if (e.durable == null || e.durable.seq < s.seq) e.durable = s;
      if (s.status.isTerminal() && e.latest == s) archiver.queueLocked(e, System.nanoTime());
      signalVisibleLocked();
    } finally {
      lock.unlock();
    }
    Consumer<Operation> listener = finishedListener;
    if (listener != null && s.status.isTerminal()) {
      try {
        listener.accept(toOperation(e, s));
      } catch (RuntimeException ex) {
        LOG.warn("the finished-operation listener failed: {}", ex.toString());
      }
    }
  }

  /**
   * Sets the one listener told, on the thread that published it and outside the log's lock, each
   * time an operation that ran reaches a final status (completed or failed); null removes it. It
   * must be quick; what it throws is logged and ignored.
   */
  public void onFinished(Consumer<Operation> listenerOrNull) {
    finishedListener = listenerOrNull;
  }

  private void commitVisibleOrFailedClosed(Entry e, OpState s, long seq) throws IOException {
    try {
      commitVisible(e, s, seq);
    } catch (IOException ex) {
      throw failedClosedOr(ex);
    }
  }

  /** Caller holds lock. The newest durable state, or null if the operation is not yet durable. */
  private OpState visible(Entry e) {
    OpState l = e.latest;
    if (l == e.durable || l.seq <= log.syncedSeq()) return l;
    return e.durable;
  }

  /** {@link Journal} over {@code entries} and {@code log}: what the dispatcher and the archiver use. */
  private final class LiveJournal implements Journal {
    @Override
    public boolean liveLocked(Entry e) {
      return entries.get(e.id) == e;
    }

    @Override
    public OpState visibleLocked(Entry e) {
      return visible(e);
    }

    @Override
    public long appendStateLocked(Entry e, OpState next) throws IOException {
      return WriteAheadLog.this.appendStateLocked(e, next);
    }

    @Override
    public long appendIdsLocked(byte kind, List<String> ids) throws IOException {
      Bytes buf = encoders.get();
      RecordCodec.idList(buf, kind, ids);
      return log.appendLocked(buf);
    }

    @Override
    public void removeLocked(String id) {
      entries.remove(id);
    }

    @Override
    public void awaitSynced(long seq) throws IOException {
      log.awaitSynced(seq);
    }

    @Override
    public void commitVisible(Entry e, OpState s, long seq) throws IOException {
      WriteAheadLog.this.commitVisible(e, s, seq);
    }

    @Override
    public boolean closed() {
      return closed;
    }

    @Override
    public boolean failedClosed() {
      return log.failedClosed();
    }
  }

  // ================================================================ maintenance

  /** Runs {@link Maintenance#runOnce} at once (so cleanup runs at start), then whenever it asks or is woken. */
  private void maintenanceLoop() {
    long next = System.nanoTime();
    while (true) {
      long wait = next - System.nanoTime();
      lock.lock();
      try {
        if (closed) return;
        if (wait > 0) maintenanceWake.awaitNanos(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      if (closed || log.failedClosed()) return;
      next = housekeeping.runOnce(System.nanoTime());
    }
  }

  /** What {@link Maintenance} does to this log. */
  private final class MaintenanceTasks implements Maintenance.Tasks {
    @Override
    public void archiveDue(long nowNanos) throws IOException {
      synchronized (maintenance) {
        archiver.archiveDue(false, nowNanos);
      }
    }

    @Override
    public int cleanup(int maxAgeDays) throws IOException {
      return removeFinished(maxAgeDays, null);
    }

    @Override
    public int segmentCount() {
      return log.segmentCount();
    }

    @Override
    public long recordsSinceCheckpoint() {
      return log.recordsSinceCheckpoint();
    }

    @Override
    public void checkpoint() throws IOException {
      WriteAheadLog.this.checkpoint();
    }
  }

  // ================================================================ helpers

  /** @throws LogFailedClosedException if the log is closed or failed closed */
  private void ensureOpen() {
    if (log.failedClosed()) {
      IOException cause = log.failedClosedException();
      throw new LogFailedClosedException(cause.getMessage(), cause);
    }
    if (closed) throw new LogFailedClosedException("the write-ahead log in " + dir + " is closed; reopen it", null);
  }

  /**
   * The exception a public method throws for an I/O failure of the log: {@link LogFailedClosedException}
   * when the log failed closed or is closed (the caller may reopen or ask another owner), else the
   * I/O error itself, to rethrow.
   */
  private IOException failedClosedOr(IOException e) {
    if (log.failedClosed() || closed) throw new LogFailedClosedException(e.getMessage(), e);
    return e;
  }

  private Optional<Operation> findArchived(String id) {
    if (archive == null) return Optional.empty();
    try {
      return archive.find(id);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the operation archive: " + e.getMessage(), e);
    }
  }

  private String backendKey(String name) {
    for (String k : backends.keySet()) if (k.equals(name)) return k;
    return name;
  }

  private long nowMicros() {
    return micros(clock.instant());
  }

  static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }

  static Instant instant(long micros) {
    return micros == OpState.NONE ? null
        : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  static ObjectNode params(Entry e) {
    return (ObjectNode) JSON.readTree(e.params);
  }

  static Operation toOperation(Entry e, OpState s) {
    OperationResult result = s.result();
    return new Operation(e.id, e.type, e.backend, params(e), s.status, e.priority, instant(e.timestamp),
        instant(s.updatedAt), instant(s.completedAt), result, s.error, s.errorType, s.retryCount, s.maxRetries,
        instant(s.nextRetryAt));
  }

  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }
}
