package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.OperationStatus.CANCELLED;
import static io.ipfskit.core.wal.OperationStatus.COMPLETED;
import static io.ipfskit.core.wal.OperationStatus.FAILED;
import static io.ipfskit.core.wal.OperationStatus.PENDING;
import static io.ipfskit.core.wal.OperationStatus.PROCESSING;
import static io.ipfskit.core.wal.OperationStatus.RETRYING;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of an operation as a pure state machine: which status may follow which, and how each
 * move builds the next {@link OpState}. No locks, no I/O, no clock: times are parameters, and the
 * caller (the log, under its state lock) appends the state it gets back.
 *
 * <pre>
 *   PENDING    → PROCESSING (claim), CANCELLED (cancel)
 *   PROCESSING → COMPLETED (complete), FAILED (fail), RETRYING (scheduleRetry, waitForBackend),
 *                PENDING (waitForBackend before any retry, recoverInterrupted)
 *   RETRYING   → PROCESSING (claim), CANCELLED (cancel)
 *   FAILED     → PENDING (retry, by hand)
 *   CANCELLED  → PENDING (retry, by hand)
 *   COMPLETED  → nothing
 * </pre>
 *
 * <p>{@link #ALLOWED} is the one table of legal moves (from → to). Each named transition also states
 * which statuses it starts from (its {@link Move}); both must agree, or the move throws
 * {@link IllegalTransitionException} naming the operation, from, to and the rule (as Resilience4j's
 * breaker state machine does). {@code PROCESSING → PENDING} is legal for
 * {@link #recoverInterrupted} and {@link #waitForBackend}, never for {@link #retry}: that is what the
 * per-move start statuses are for.
 */
final class Lifecycle {
  /** The legal moves: from → the statuses that may follow it. Terminal statuses only go back to pending (retry). */
  static final Map<OperationStatus, Set<OperationStatus>> ALLOWED;

  static {
    EnumMap<OperationStatus, Set<OperationStatus>> t = new EnumMap<>(OperationStatus.class);
    t.put(PENDING, Collections.unmodifiableSet(EnumSet.of(PROCESSING, CANCELLED)));
    t.put(PROCESSING, Collections.unmodifiableSet(EnumSet.of(COMPLETED, FAILED, RETRYING, PENDING, CANCELLED)));
    t.put(RETRYING, Collections.unmodifiableSet(EnumSet.of(PROCESSING, CANCELLED)));
    t.put(COMPLETED, Collections.unmodifiableSet(EnumSet.noneOf(OperationStatus.class)));
    t.put(FAILED, Collections.unmodifiableSet(EnumSet.of(PENDING)));
    t.put(CANCELLED, Collections.unmodifiableSet(EnumSet.of(PENDING)));
    ALLOWED = Collections.unmodifiableMap(t);
  }

  /** The named transitions: the statuses each may start from, and the rule its error states. */
  enum Move {
    CLAIM("only pending or retrying operations can run", PENDING, RETRYING),
    COMPLETE("only a processing operation can complete", PROCESSING),
    FAIL("only a processing operation can fail", PROCESSING),
    SCHEDULE_RETRY("only a processing operation can be scheduled for retry", PROCESSING),
    WAIT_FOR_BACKEND("only a processing operation can wait for its backend", PROCESSING),
    /**
     * pending | retrying → cancelled at once; processing → cancelled is recorded by the worker once
     * the run has stopped (the log only raises the run's cancellation flag).
     */
    CANCEL("only pending, retrying or processing operations can be cancelled", PENDING, RETRYING, PROCESSING),
    RETRY("only failed or cancelled operations can be retried", FAILED, CANCELLED),
    RECOVER_INTERRUPTED("only an operation left processing by a restart is interrupted", PROCESSING);

    final String rule;
    final Set<OperationStatus> from;

    Move(String rule, OperationStatus first, OperationStatus... rest) {
      this.rule = rule;
      this.from = Collections.unmodifiableSet(EnumSet.of(first, rest));
    }
  }

  static final String INTERRUPTED_ERROR = "interrupted by a restart while processing; will run again";
  static final String INTERRUPTED_TYPE = "Interrupted";
  static final String CANCELLED_ERROR = "cancelled by request";
  static final String CANCELLED_TYPE = "Cancelled";

  private Lifecycle() {}

  static boolean allowed(OperationStatus from, OperationStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /**
   * @throws IllegalTransitionException unless {@code move} may start from {@code from} and the table
   *     allows {@code from → to}
   */
  static void check(Move move, String operationId, OperationStatus from, OperationStatus to) {
    if (!move.from.contains(from) || !allowed(from, to))
      throw new IllegalTransitionException(operationId, from, to, move.rule);
  }

  /** A new operation: pending, no retries spent. */
  static OpState created(long now, int maxRetries) {
    return OpState.pending(now, maxRetries);
  }

  /** pending | retrying → processing; keeps the retry count and the last error. */
  static OpState claim(String id, OpState cur, long now) {
    check(Move.CLAIM, id, cur.status, PROCESSING);
    return new OpState(PROCESSING, now, OpState.NONE, cur.retryCount, cur.maxRetries, OpState.NONE, null, -1, null,
        cur.error, cur.errorType);
  }

  /** processing → completed with the backend's result; clears the error. */
  static OpState complete(String id, OpState cur, long now, OperationResult r) {
    check(Move.COMPLETE, id, cur.status, COMPLETED);
    return new OpState(COMPLETED, now, now, cur.retryCount, cur.maxRetries, OpState.NONE, r.cid(),
        r.size() == null ? -1 : r.size(), r.destination(), r.location(), OpState.pinByte(r.pinned()), null, null);
  }

  /** processing → failed: finished, not retried again unless by hand. */
  static OpState fail(String id, OpState cur, long now, String error, String errorType) {
    check(Move.FAIL, id, cur.status, FAILED);
    return new OpState(FAILED, now, now, cur.retryCount, cur.maxRetries, OpState.NONE, null, -1, null, error,
        errorType);
  }

  /** processing → retrying, one more retry spent, due {@code delayMicros} after {@code now}. */
  static OpState scheduleRetry(String id, OpState cur, long now, long delayMicros, String error, String errorType) {
    check(Move.SCHEDULE_RETRY, id, cur.status, RETRYING);
    return new OpState(RETRYING, now, OpState.NONE, cur.retryCount + 1, cur.maxRetries, now + delayMicros, null, -1,
        null, error, errorType);
  }

  /**
   * processing → back to waiting without spending a retry (the backend is offline): pending while no
   * retry was spent yet, else retrying; due {@code waitMicros} after {@code now}.
   */
  static OpState waitForBackend(String id, OpState cur, long now, long waitMicros, String error, String errorType) {
    OperationStatus to = cur.retryCount == 0 ? PENDING : RETRYING;
    check(Move.WAIT_FOR_BACKEND, id, cur.status, to);
    return new OpState(to, now, OpState.NONE, cur.retryCount, cur.maxRetries, now + waitMicros, null, -1, null, error,
        errorType);
  }

  /**
   * pending | retrying | processing → cancelled (finished, never run again, not even after a
   * restart). From processing only once the run has stopped: the worker records it.
   */
  static OpState cancel(String id, OpState cur, long now) {
    check(Move.CANCEL, id, cur.status, CANCELLED);
    return new OpState(CANCELLED, now, now, cur.retryCount, cur.maxRetries, OpState.NONE, null, -1, null,
        CANCELLED_ERROR, CANCELLED_TYPE);
  }

  /** failed | cancelled → pending with retry count 0 and today's {@code maxRetries}; clears error and result. */
  static OpState retry(String id, OperationStatus from, long now, int maxRetries) {
    check(Move.RETRY, id, from, PENDING);
    return new OpState(PENDING, now, OpState.NONE, 0, maxRetries, OpState.NONE, null, -1, null, null, null);
  }

  /** processing found at recovery (the run was cut by a crash) → pending, to run again (at-least-once). */
  static OpState recoverInterrupted(String id, OpState cur, long now) {
    check(Move.RECOVER_INTERRUPTED, id, cur.status, PENDING);
    return new OpState(PENDING, now, OpState.NONE, cur.retryCount, cur.maxRetries, OpState.NONE, null, -1, null,
        INTERRUPTED_ERROR, INTERRUPTED_TYPE);
  }
}
