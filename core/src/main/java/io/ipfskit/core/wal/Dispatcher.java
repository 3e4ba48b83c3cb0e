package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.files.PathRefusedException;
import io.ipfskit.core.resilience.CallRejectedException;
import io.ipfskit.core.storage.HealthMonitor;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due operations against their backends: one ready queue per backend in scheduling order
 * (higher priority first, then older first: {@link Entry#compareTo}), one timer queue for operations
 * whose next attempt lies ahead, and {@code concurrency_per_backend} worker threads per backend.
 *
 * <p>A worker, holding the state lock: moves due timers to the ready queues, polls its backend's
 * queue and appends the {@code processing} claim ({@link Lifecycle#claim}). Without the lock: waits
 * until the claim is durable (an operation runs only after its {@code processing} record is on
 * disk), runs the operation, then appends the outcome ({@link Lifecycle#complete}, or the failure
 * rules of {@link #afterFailure}, whose retry counts, delays and budget come from the injected {@link
 * WalRetries}) and
 * publishes it once durable.
 *
 * <p><b>Cancelling a running operation:</b> each claimed operation has a cancellation flag ({@link
 * #requestCancelLocked}) that its run asks between chunks ({@link OperationRunner.Context#cancel}).
 * A run that stops while the flag is raised is recorded {@code cancelled} (not failed, never retried);
 * one that completed before it saw the flag is recorded {@code completed}. Closing the log stops
 * running copies as well but records nothing: those operations stay {@code processing} on disk and
 * run again after the restart.
 *
 * <p>Host files are reached through {@link FileAccessPolicy} built on the log's home ({@link
 * WalConfig#home}), which re-checks the grant each operation recorded; the most an {@code add} may read
 * is {@link WalConfig#maxAddBytes}.
 *
 * <p><b>Health:</b> with a {@link HealthMonitor} ({@link #watchHealth}), each run's outcome is told to
 * it ({@link #recordOutcome}), and a backend it calls UNHEALTHY because of real calls ({@link
 * HealthMonitor#pausesQueue}) is paused: its workers claim nothing (no call, no retry spent; due
 * retries wait in the queue) until a healthy probe ends the outage, which wakes them. The monitor is asked without its lock, so asking under ours is safe.
 *
 * <p>Locks: the queues, the running operations' flags, the {@link Entry} scheduling fields ({@code inReady}, {@code inTimer},
 * {@code timerDue}) and the per-backend conditions are guarded by the log's state lock
 * ({@code lock}); methods named {@code ...Locked} need it. {@code paused} is volatile; the worker
 * list is written once by {@link #start}. Queues may hold stale entries (removed, cancelled,
 * re-queued): a poll skips anything that is no longer live and waiting.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** An offline backend is tried again after retry_delay, at most this long, without spending a retry. */
  static final Duration BACKEND_WAIT_MAX = Duration.ofSeconds(5);

  /** Per-backend outcome counts (reported by {@link WriteAheadLog#metrics}). */
  static final class Counters {
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
  }

  private final ReentrantLock lock;
  private final Journal journal;
  private final Map<String, StorageBackend> backends;
  private final Supplier<WalConfig> config;
  private final Clock clock;
  private final WalRetries retries;
  private final Map<String, Counters> counters;
  private final LatencyHistogram operationMillis;
  private final Map<String, Condition> backendWork = new HashMap<>();
  private final Map<String, PriorityQueue<Entry>> ready = new HashMap<>();
  private final Map<String, List<Entry>> deferredReady = new HashMap<>(); // restored waiting ops, not yet heapified
  private final PriorityQueue<Entry> timers = new PriorityQueue<>(Comparator.comparingLong(e -> e.timerDue));
  /** Cancellation flags of the operations being run, by id (an entry exactly while the latest state is processing). */
  private final Map<String, AtomicBoolean> running = new HashMap<>();
  private final FileAccessPolicy filePolicy;
  private volatile boolean paused;
  private volatile HealthMonitor health; // null: no health gate
  /** Times a worker looked for work and found its backend paused as UNHEALTHY (tests, metrics). */
  final LongAdder healthPausedRounds = new LongAdder();
  private final List<Thread> workers = new ArrayList<>();
  private String restoreBackend; // restored records share one String per backend name
  private List<Entry> restoreList;

  /**
   * @param counters filled here with one {@link Counters} per backend
   * @param operationMillis records created → completed times
   */
  Dispatcher(ReentrantLock lock, Journal journal, Map<String, StorageBackend> backends, Supplier<WalConfig> config,
      Clock clock, WalRetries retries, boolean startPaused, Map<String, Counters> counters,
      LatencyHistogram operationMillis) {
    this.lock = requireNonNull(lock, "lock");
    this.journal = requireNonNull(journal, "journal");
    this.backends = requireNonNull(backends, "backends");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.retries = requireNonNull(retries, "retries");
    this.counters = requireNonNull(counters, "counters");
    this.operationMillis = requireNonNull(operationMillis, "operationMillis");
    this.paused = startPaused;
    Path home = config.get().home().toAbsolutePath().normalize();
    this.filePolicy = new FileAccessPolicy(AllowedRoots.none(), home, home); // roots come from each grant
    for (String b : backends.keySet()) {
      backendWork.put(b, lock.newCondition());
      ready.put(b, new PriorityQueue<>());
      counters.put(b, new Counters());
    }
  }

  /**
   * Tells {@code monitor} every run's outcome and pauses a backend while it is UNHEALTHY. Call before
   * {@link #start}; the monitor must watch every backend of this dispatcher.
   */
  void watchHealth(HealthMonitor monitor) {
    requireNonNull(monitor, "monitor");
    this.health = monitor;
    monitor.addObserver((backend, before, after) -> {
      if (!backends.containsKey(backend)) return;
      lock.lock();
      try {
        signalAllLocked(); // a backend that recovered has work waiting; a paused worker recomputes its wait
      } finally {
        lock.unlock();
      }
    });
  }

  /** Whether {@code backend}'s queue is paused because the health monitor calls it UNHEALTHY. */
  boolean healthPaused(String backend) {
    HealthMonitor h = health;
    return h != null && h.pausesQueue(backend);
  }

  /**
   * Tells the health monitor (if any) how a run went: a success, or an answer such as "not found"
   * or a permanent refusal, counts as the backend answering; an UNAVAILABLE or TRANSIENT failure
   * from the backend counts against it; a cancel, a refused path, a problem with a file on this host
   * or a refusal by the resilience layer ({@link CallRejectedException}) says nothing about the
   * backend and is not counted.
   */
  void recordOutcome(String backend, Exception failureOrNull, long nanos) {
    HealthMonitor h = health;
    if (h == null) return;
    Duration latency = Duration.ofNanos(Math.max(0, nanos));
    if (failureOrNull == null) {
      h.recordCall(backend, latency, null);
      return;
    }
    if (OperationRunner.ownFailure(failureOrNull) != null || !(failureOrNull instanceof StorageException se)) return;
    // A refusal by the resilience layer (open breaker, recovery ramp, in-flight limit) never reached the
    // backend: counting it would keep a recovered backend "unhealthy" while its breaker is still open.
    if (se instanceof CallRejectedException) return;
    h.recordCall(backend, latency, se.errorClass().retryable() ? OperationRunner.errorType(se) : null);
  }

  /** Starts {@code perBackend} worker threads for every backend. Call once. */
  void start(int perBackend) {
    for (String b : backends.keySet()) {
      for (int i = 0; i < perBackend; i++) {
        Thread t = new Thread(() -> workerLoop(b), "wal-worker-" + b + "-" + i);
        t.setDaemon(true);
        workers.add(t);
        t.start();
      }
    }
  }

  List<Thread> workers() {
    return List.copyOf(workers);
  }

  /** Stops running operations until {@link #resume()}; queueing still works. */
  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
    lock.lock();
    try {
      signalAllLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every worker (after a close, a config change, or a test moving its clock). */
  void signalAllLocked() {
    for (Condition c : backendWork.values()) c.signalAll();
  }

  // ---------------------------------------------------------------- queues (caller holds lock)

  /**
   * Puts a waiting operation in its backend's ready queue, or in the timer queue while its next
   * attempt lies ahead; ignores anything not waiting. An operation naming an unconfigured backend
   * stays where it is (it runs once a process configures that backend).
   */
  void enqueueLocked(Entry e, long now) {
    OpState s = e.latest;
    if (!s.waiting()) return; // terminal ones are archived once durable, see Journal#commitVisible
    if (s.nextRetryAt != OpState.NONE && s.nextRetryAt > now) {
      if (e.inTimer && e.timerDue > s.nextRetryAt) {
        timers.remove(e);
        e.inTimer = false;
      }
      if (!e.inTimer) {
        e.inTimer = true;
        e.timerDue = s.nextRetryAt;
        timers.add(e);
        signalAllLocked(); // waiting threads recompute their wait
      }
      return;
    }
    PriorityQueue<Entry> q = ready.get(e.backend);
    if (q == null) return;
    if (!e.inReady) {
      e.inReady = true;
      q.add(e);
    }
    if (!paused) backendWork.get(e.backend).signal();
  }

  /**
   * Recovery's bulk form of {@link #enqueueLocked}, before any worker runs: due operations are
   * collected per backend and heapified by the first poll, off the open path.
   */
  void restoreLocked(Entry e, long now) {
    OpState s = e.latest;
    if (!s.waiting()) return;
    if (s.nextRetryAt != OpState.NONE && s.nextRetryAt > now) {
      e.inTimer = true;
      e.timerDue = s.nextRetryAt;
      timers.add(e);
      return;
    }
    if (e.backend != restoreBackend) {
      restoreBackend = e.backend;
      restoreList = ready.containsKey(e.backend) ? deferredReady.computeIfAbsent(e.backend, k -> new ArrayList<>()) : null;
    }
    if (restoreList == null) {
      LOG.warn("operation {} names backend '{}', which is not configured; it waits until it is", e.id, e.backend);
    } else {
      e.inReady = true;
      restoreList.add(e);
    }
  }

  /** The next operation due on {@code backend} at {@code now} (moving due timers first), or null. */
  Entry pollLocked(String backend, long now) {
    moveDueTimersLocked(now);
    return pollReadyLocked(backend, now);
  }

  private void moveDueTimersLocked(long now) {
    Entry t;
    while ((t = timers.peek()) != null && t.timerDue <= now) {
      timers.poll();
      t.inTimer = false;
      if (journal.liveLocked(t)) enqueueLocked(t, now);
    }
  }

  private Entry pollReadyLocked(String backend, long now) {
    PriorityQueue<Entry> q = ready.get(backend);
    List<Entry> recovered = deferredReady.remove(backend);
    if (recovered != null) {
      recovered.addAll(q);
      q = new PriorityQueue<>(recovered); // heapify, O(n)
      ready.put(backend, q);
    }
    Entry e;
    while ((e = q.poll()) != null) {
      e.inReady = false;
      if (!journal.liveLocked(e) || !e.latest.waiting()) continue;
      if (e.latest.nextRetryAt != OpState.NONE && e.latest.nextRetryAt > now) {
        enqueueLocked(e, now);
        continue;
      }
      return e;
    }
    return null;
  }

  /**
   * Raises the cancellation flag of a running operation; its run stops within one chunk and the
   * worker records {@code cancelled}.
   *
   * @return false if the operation is not being run
   */
  boolean requestCancelLocked(String id) {
    AtomicBoolean flag = running.get(id);
    if (flag == null) return false;
    flag.set(true);
    return true;
  }

  /** Whether a cancel was asked for the running operation {@code id} (tests). */
  boolean cancelRequestedLocked(String id) {
    AtomicBoolean flag = running.get(id);
    return flag != null && flag.get();
  }

  /** When the earliest timer is due (epoch micros), or {@link OpState#NONE} when there is none. */
  long nextTimerLocked() {
    Entry t = timers.peek();
    return t == null ? OpState.NONE : t.timerDue;
  }

  // ---------------------------------------------------------------- rules

  /**
   * The state after a failed run of operation {@code id} ({@code opType} on {@code backend}), by the
   * rules of {@link WalRetries}:
   *
   * <ol>
   *   <li>UNAVAILABLE: waits without spending a retry, the rules' first delay capped at {@link
   *       #BACKEND_WAIT_MAX}. A refusal by the resilience layer ({@link CallRejectedException}: open
   *       breaker, recovery ramp, in-flight limit) made no call, so that is all; a backend that was
   *       really unreachable was called, so the next run takes from the retry budget, and waits longer
   *       ({@link WalRetries#deferMicros}) when the budget refuses.
   *   <li>a retryable failure with retries left: the budget must grant the retry; then one retry is
   *       spent and the next attempt is due after {@link WalRetries#delayMicros}. Refused: deferred
   *       (waits {@link WalRetries#deferMicros}, no retry spent, not failed), and when due the worker
   *       asks the budget again before running it ({@link #deferLocked} while it still refuses), so
   *       a deferred operation never reaches the backend without a granted retry.
   *   <li>anything else fails.
   * </ol>
   */
  OpState afterFailure(String id, OperationType opType, String backend, OpState cur, Exception ex, long now) {
    WalConfig c = config.get();
    String msg = OperationRunner.failureMessage(ex);
    Throwable own = OperationRunner.ownFailure(ex);
    String type = OperationRunner.errorType(own != null ? own : ex);
    if (OperationRunner.classify(ex) == StorageErrorClass.UNAVAILABLE) {
      long waitMicros = Math.min(retries.firstDelay(opType, c).toNanos(), BACKEND_WAIT_MAX.toNanos()) / 1000;
      if (ex instanceof CallRejectedException || retries.tryAcquireRetry(backend))
        return Lifecycle.waitForBackend(id, cur, now, waitMicros, msg, type);
      long deferMicros = Math.max(waitMicros, retries.deferMicros(opType, cur.retryCount, c));
      return Lifecycle.waitForBackend(id, cur, now, deferMicros, msg + budgetNote(backend), type);
    }
    if (OperationRunner.retryable(ex) && cur.retryCount < cur.maxRetries) {
      if (!retries.tryAcquireRetry(backend))
        return Lifecycle.waitForBackend(id, cur, now, retries.deferMicros(opType, cur.retryCount, c),
            msg + budgetNote(backend), type);
      return Lifecycle.scheduleRetry(id, cur, now, retries.delayMicros(opType, cur.retryCount, c), msg, type);
    }
    String error = OperationRunner.retryable(ex) ? "gave up after " + cur.retryCount + " retries: " + msg : msg;
    return Lifecycle.fail(id, cur, now, error, type);
  }

  /** Appended to the error of an operation whose retry the budget deferred. */
  static String budgetNote(String backend) {
    return "; retry deferred, no retry spent: the retry budget of backend '" + backend + "' is used up";
  }

  /** Whether {@code s} is a deferral by the budget ({@link #afterFailure}); its next run must ask the budget again. */
  static boolean deferredByBudget(OpState s, String backend) {
    return s.waiting() && s.error != null && s.error.endsWith(budgetNote(backend));
  }

  /**
   * Puts a due operation whose next run the budget refused back in the timer queue until {@code due},
   * in memory only: its recorded {@code next_retry_at} stays the first deferral's (a restart runs it
   * once without asking). Writing a record for each refusal would fill the log during an outage.
   */
  private void deferLocked(Entry e, long due) {
    if (e.inTimer) return;
    e.inTimer = true;
    e.timerDue = due;
    timers.add(e);
  }

  // ---------------------------------------------------------------- workers

  private void workerLoop(String backendName) {
    StorageBackend backend = backends.get(backendName);
    Condition work = backendWork.get(backendName);
    Counters stats = counters.get(backendName);
    while (true) {
      Entry e;
      OpState claimed;
      long seq;
      AtomicBoolean stop;
      boolean firstRun;
      lock.lock();
      try {
        while (true) {
          if (journal.closed() || journal.failedClosed()) return;
          long now = nowMicros();
          boolean unhealthy = !paused && healthPaused(backendName);
          if (unhealthy) healthPausedRounds.increment();
          e = paused || unhealthy ? null : pollLocked(backendName, now);
          if (e != null && e.budgetDeferred && !retries.tryAcquireRetry(backendName)) {
            deferLocked(e, now + retries.deferMicros(e.type, e.latest.retryCount, config.get()));
            continue; // still no budget for it: look at the others
          }
          if (e != null) {
            e.budgetDeferred = false;
            firstRun = e.latest.retryCount == 0 && e.latest.error == null; // not a retry, not a re-run
            claimed = Lifecycle.claim(e.id, e.latest, now);
            seq = journal.appendStateLocked(e, claimed);
            stop = new AtomicBoolean();
            running.put(e.id, stop);
            break;
          }
          long waitNanos = config.get().processInterval().toNanos();
          if (!paused && !timers.isEmpty())
            waitNanos = Math.min(waitNanos, Math.max(TimeUnit.MILLISECONDS.toNanos(1), (timers.peek().timerDue - now) * 1000));
          work.awaitNanos(waitNanos);
        }
      } catch (IOException ex) {
        stopping(backendName, ex);
        return;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      try {
        journal.commitVisible(e, claimed, seq);
      } catch (IOException ex) {
        forget(e.id);
        stopping(backendName, ex);
        return;
      }
      if (firstRun) retries.recordFirstAttempt(backendName); // the traffic the retry budget is a share of
      OperationResult result = null;
      Exception failure = null;
      long started = System.nanoTime();
      try {
        AtomicBoolean flag = stop;
        // A closing log stops the copy too, but that is no cancel: see below.
        OperationRunner.Context ctx = new OperationRunner.Context(filePolicy, config.get().maxAddBytes(),
            () -> flag.get() || journal.closed());
        if (!flag.get()) result = OperationRunner.run(e.type, WriteAheadLog.params(e), backend, ctx); // else: cancelled before it ran
      } catch (Exception ex) {
        failure = ex;
      }
      if (failure != null && !stop.get() && journal.closed() && OperationRunner.cancelled(failure)) {
        // Stopped because the log closes: nothing is recorded, the operation stays processing on disk
        // and runs again after the restart (as a crash mid-run would).
        forget(e.id);
        LOG.debug("operation {} stopped by close; it runs again after the restart", e.id);
        return;
      }
      if (!stop.get()) recordOutcome(backendName, failure, System.nanoTime() - started); // outside our lock
      if (failure != null && OperationRunner.ownFailure(failure) instanceof PathRefusedException refused)
        LOG.warn("operation {}: {}", e.id, refused.auditLine()); // audit: the path, never file content
      OpState next;
      long s2;
      lock.lock();
      try {
        // Decided under the lock, where a cancel raises the flag: a run that did not complete while
        // the flag was up is cancelled, whatever made it stop.
        long now = nowMicros();
        if (failure == null && result != null) next = Lifecycle.complete(e.id, claimed, now, result);
        else if (stop.get() || OperationRunner.cancelled(failure)) next = Lifecycle.cancel(e.id, claimed, now);
        else next = afterFailure(e.id, e.type, backendName, claimed, failure, now);
        running.remove(e.id);
        e.budgetDeferred = deferredByBudget(next, backendName);
        s2 = journal.appendStateLocked(e, next);
        enqueueLocked(e, next.updatedAt);
      } catch (IOException ex) {
        stopping(backendName, ex);
        return;
      } finally {
        lock.unlock();
      }
      switch (next.status) {
        case COMPLETED -> {
          stats.completed.increment();
          operationMillis.record((next.completedAt - e.timestamp) / 1000);
        }
        case FAILED -> stats.failed.increment();
        case CANCELLED -> { } // asked for: neither a failure nor a retry
        default -> stats.retries.increment();
      }
      try {
        journal.commitVisible(e, next, s2);
      } catch (IOException ex) {
        stopping(backendName, ex);
        return;
      }
    }
  }

  private void forget(String id) {
    lock.lock();
    try {
      running.remove(id);
    } finally {
      lock.unlock();
    }
  }

  private void stopping(String backendName, IOException ex) {
    if (journal.closed()) LOG.debug("processor for backend '{}' stops: {}", backendName, ex.getMessage());
    else LOG.error("processor for backend '{}' stops: {}", backendName, ex.getMessage());
  }

  private long nowMicros() {
    return WriteAheadLog.micros(clock.instant());
  }
}
