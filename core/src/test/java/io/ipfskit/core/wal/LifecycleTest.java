package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.OperationStatus.CANCELLED;
import static io.ipfskit.core.wal.OperationStatus.COMPLETED;
import static io.ipfskit.core.wal.OperationStatus.FAILED;
import static io.ipfskit.core.wal.OperationStatus.PENDING;
import static io.ipfskit.core.wal.OperationStatus.PROCESSING;
import static io.ipfskit.core.wal.OperationStatus.RETRYING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipfskit.core.wal.Lifecycle.Move;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {
  static final String ID = "op-1";
  static final long NOW = 1_000_000L;

  /** The expected table, written out independently of the code: from → legal next statuses. */
  static final List<Object[]> LEGAL = List.of(
      new Object[] {PENDING, EnumSet.of(PROCESSING, CANCELLED)},
      new Object[] {PROCESSING, EnumSet.of(COMPLETED, FAILED, RETRYING, PENDING, CANCELLED)},
      new Object[] {RETRYING, EnumSet.of(PROCESSING, CANCELLED)},
      new Object[] {COMPLETED, EnumSet.noneOf(OperationStatus.class)},
      new Object[] {FAILED, EnumSet.of(PENDING)},
      new Object[] {CANCELLED, EnumSet.of(PENDING)});

  @SuppressWarnings("unchecked")
  static Stream<Arguments> everyPair() {
    List<Arguments> out = new ArrayList<>();
    for (Object[] row : LEGAL) {
      for (OperationStatus to : OperationStatus.values())
        out.add(Arguments.of(row[0], to, ((Set<OperationStatus>) row[1]).contains(to)));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPair")
  void allowed_everyFromToPair_matchesTheTable(OperationStatus from, OperationStatus to, boolean legal) {
    assertEquals(legal, Lifecycle.allowed(from, to));
  }

  @Test
  void allowed_table_coversEveryStatus() {
    assertEquals(EnumSet.allOf(OperationStatus.class), Lifecycle.ALLOWED.keySet());
  }

  static OpState state(OperationStatus s, int retryCount) {
    return new OpState(s, 5, s.isTerminal() ? 5 : OpState.NONE, retryCount, 3, OpState.NONE, null, -1, null,
        "earlier error", "Storage");
  }

  /** Every named transition, applied to a state of the given status. */
  static Stream<Arguments> everyMoveFromEveryStatus() {
    List<Arguments> out = new ArrayList<>();
    List<Object[]> moves = List.of(
        new Object[] {Move.CLAIM, PROCESSING, (Function<OpState, OpState>) s -> Lifecycle.claim(ID, s, NOW)},
        new Object[] {Move.COMPLETE, COMPLETED, (Function<OpState, OpState>) s -> Lifecycle.complete(ID, s, NOW,
            new OperationResult("cid", 3L, null))},
        new Object[] {Move.FAIL, FAILED, (Function<OpState, OpState>) s -> Lifecycle.fail(ID, s, NOW, "e", "T")},
        new Object[] {Move.SCHEDULE_RETRY, RETRYING,
            (Function<OpState, OpState>) s -> Lifecycle.scheduleRetry(ID, s, NOW, 10, "e", "T")},
        new Object[] {Move.CANCEL, CANCELLED, (Function<OpState, OpState>) s -> Lifecycle.cancel(ID, s, NOW)},
        new Object[] {Move.RETRY, PENDING, (Function<OpState, OpState>) s -> Lifecycle.retry(ID, s.status, NOW, 4)},
        new Object[] {Move.RECOVER_INTERRUPTED, PENDING,
            (Function<OpState, OpState>) s -> Lifecycle.recoverInterrupted(ID, s, NOW)});
    for (Object[] m : moves) {
      for (OperationStatus from : OperationStatus.values()) out.add(Arguments.of(m[0], from, m[1], m[2]));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("everyMoveFromEveryStatus")
  void move_fromEveryStatus_legalOnlyFromItsStartStatusesAndOnlyAlongTheTable(Move move, OperationStatus from,
      OperationStatus to, Function<OpState, OpState> apply) {
    OpState cur = state(from, 0);
    if (move.from.contains(from)) {
      assertEquals(true, Lifecycle.allowed(from, to), move + " from " + from + " must be in the table");
      assertEquals(to, apply.apply(cur).status);
    } else {
      IllegalTransitionException e = assertThrows(IllegalTransitionException.class, () -> apply.apply(cur));
      assertEquals(ID, e.operationId());
      assertEquals(from, e.from());
      assertEquals(to, e.to());
      assertEquals(WalException.Kind.ILLEGAL_TRANSITION, e.kind());
      assertEquals("operation " + ID + " cannot move from " + from.wireName() + " to " + to.wireName() + ": "
          + move.rule, e.getMessage());
    }
  }

  @Test
  void retry_processingOperation_isIllegalAlthoughProcessingToPendingIsInTheTable() {
    IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
        () -> Lifecycle.retry(ID, PROCESSING, NOW, 3));
    assertEquals("operation op-1 cannot move from processing to pending: only failed or cancelled operations can"
        + " be retried", e.getMessage());
  }

  @Nested
  class NextState {
    @Test
    void claim_retryingOperation_keepsRetryCountAndLastError() {
      OpState s = Lifecycle.claim(ID, state(RETRYING, 2), NOW);
      assertEquals(PROCESSING, s.status);
      assertEquals(NOW, s.updatedAt);
      assertEquals(2, s.retryCount);
      assertEquals("earlier error", s.error);
      assertEquals(OpState.NONE, s.nextRetryAt);
    }

    @Test
    void complete_withResult_setsResultCompletedAtAndClearsError() {
      OpState s = Lifecycle.complete(ID, state(PROCESSING, 1), NOW, new OperationResult("bafy", null, "/tmp/x"));
      assertEquals(NOW, s.completedAt);
      assertEquals("bafy", s.resultCid);
      assertEquals(-1, s.resultSize);
      assertEquals("/tmp/x", s.resultDestination);
      assertNull(s.error);
      assertEquals(1, s.retryCount);
    }

    @Test
    void scheduleRetry_processing_spendsOneRetryAndIsDueAfterTheDelay() {
      OpState s = Lifecycle.scheduleRetry(ID, state(PROCESSING, 1), NOW, 250, "503", "Storage");
      assertEquals(RETRYING, s.status);
      assertEquals(2, s.retryCount);
      assertEquals(NOW + 250, s.nextRetryAt);
      assertEquals("503", s.error);
      assertEquals(OpState.NONE, s.completedAt);
    }

    @Test
    void waitForBackend_noRetrySpent_staysPendingWithoutSpendingOne() {
      OpState s = Lifecycle.waitForBackend(ID, state(PROCESSING, 0), NOW, 5_000_000, "offline", "BackendUnavailable");
      assertEquals(PENDING, s.status);
      assertEquals(0, s.retryCount);
      assertEquals(NOW + 5_000_000, s.nextRetryAt);
    }

    @Test
    void waitForBackend_afterARetry_staysRetryingWithoutSpendingOne() {
      OpState s = Lifecycle.waitForBackend(ID, state(PROCESSING, 2), NOW, 7, "offline", "BackendUnavailable");
      assertEquals(RETRYING, s.status);
      assertEquals(2, s.retryCount);
    }

    @Test
    void waitForBackend_notProcessing_throwsNamingTheTarget() {
      IllegalTransitionException e = assertThrows(IllegalTransitionException.class,
          () -> Lifecycle.waitForBackend(ID, state(PENDING, 0), NOW, 7, "offline", "BackendUnavailable"));
      assertEquals(PENDING, e.to());
      assertEquals(PENDING, e.from());
    }

    @Test
    void fail_processing_isFinishedWithError() {
      OpState s = Lifecycle.fail(ID, state(PROCESSING, 3), NOW, "gave up", "Storage");
      assertEquals(FAILED, s.status);
      assertEquals(NOW, s.completedAt);
      assertEquals(3, s.retryCount);
      assertEquals("gave up", s.error);
    }

    @Test
    void cancel_retrying_isFinishedSayingCancelled() {
      OpState s = Lifecycle.cancel(ID, state(RETRYING, 1), NOW);
      assertEquals(CANCELLED, s.status);
      assertEquals(NOW, s.completedAt);
      assertEquals("cancelled by request", s.error);
      assertEquals("Cancelled", s.errorType);
    }

    @Test
    void cancel_processing_isFinishedSayingCancelledAndKeepsTheRetryCount() {
      OpState s = Lifecycle.cancel(ID, state(PROCESSING, 2), NOW);
      assertEquals(CANCELLED, s.status);
      assertEquals(NOW, s.completedAt);
      assertEquals(2, s.retryCount);
      assertEquals(OpState.NONE, s.nextRetryAt);
      assertEquals("Cancelled", s.errorType);
    }

    @Test
    void retry_failed_resetsRetriesErrorAndTakesTheNewMaxRetries() {
      OpState s = Lifecycle.retry(ID, FAILED, NOW, 9);
      assertEquals(PENDING, s.status);
      assertEquals(0, s.retryCount);
      assertEquals(9, s.maxRetries);
      assertNull(s.error);
      assertEquals(OpState.NONE, s.completedAt);
    }

    @Test
    void recoverInterrupted_processing_goesBackToPendingSayingWhy() {
      OpState s = Lifecycle.recoverInterrupted(ID, state(PROCESSING, 1), NOW);
      assertEquals(PENDING, s.status);
      assertEquals(1, s.retryCount);
      assertEquals("interrupted by a restart while processing; will run again", s.error);
      assertEquals("Interrupted", s.errorType);
    }
  }
}
