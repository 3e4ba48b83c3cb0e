package io.ipfskit.server.wal;

import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationNotFoundException;
import io.ipfskit.core.wal.WriteAheadLog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A wait for an operation that holds no thread while it waits: it reads the operation, and reads
 * again each time the log publishes a state ({@link WriteAheadLog#nextVisibleChange()}), once a
 * second as a safety net, and at the deadline. All re-reads run on one shared timer thread, so any
 * number of waits cost one thread in total. Cancelling the returned future stops the wait and its
 * timer tasks at once.
 */
final class ParkedWait implements Runnable {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "wal-wait-timer");
    t.setDaemon(true);
    return t;
  });
  private static final long SAFETY_POLL_MILLIS = 1000;

  private final WriteAheadLog wal;
  private final String operationId;
  private final long deadlineNanos;
  private final CompletableFuture<Operation> result = new CompletableFuture<>();

  private ParkedWait(WriteAheadLog wal, String operationId, Duration timeout) {
    this.wal = wal;
    this.operationId = operationId;
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
  }

  /** Starts a wait; the future completes with the operation when it is finished or the timeout passed. */
  static CompletableFuture<Operation> start(WriteAheadLog wal, String operationId, Duration timeout) {
    ParkedWait w = new ParkedWait(wal, operationId, timeout);
    ScheduledFuture<?> poll = TIMER.scheduleWithFixedDelay(w, SAFETY_POLL_MILLIS, SAFETY_POLL_MILLIS, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> deadline = TIMER.schedule(w, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    w.result.whenComplete((op, e) -> {
      poll.cancel(false);
      deadline.cancel(false);
    });
    TIMER.execute(w);
    return w.result;
  }

  @Override
  public void run() {
    if (result.isDone()) return;
    try {
      CompletableFuture<Void> change = wal.nextVisibleChange(); // before reading: no change can slip between
      Operation op = wal.get(operationId).orElseThrow(() -> new OperationNotFoundException(operationId));
      if (op.status().isTerminal() || System.nanoTime() - deadlineNanos >= 0) {
        result.complete(op);
      } else if (!change.isDone()) {
        change.thenRunAsync(this, TIMER);
      } // else: changed meanwhile or the log closed; the safety poll reads again

    } catch (RuntimeException e) {
      result.completeExceptionally(WalErrors.translate(e));
    }
  }
}
