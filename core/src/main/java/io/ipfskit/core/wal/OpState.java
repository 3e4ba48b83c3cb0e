package io.ipfskit.core.wal;

/**
 * The mutable-status part of an operation after one record: immutable once published. Times are
 * epoch microseconds, {@link #NONE} for absent. {@code seq} is the record that produced this state
 * (set once, under the log's state lock, before anyone else can see the object).
 */
final class OpState {
  static final long NONE = Long.MIN_VALUE;

  final OperationStatus status;
  final long updatedAt;
  final long completedAt;
  final int retryCount;
  final int maxRetries;
  final long nextRetryAt;
  final String resultCid;
  final long resultSize; // -1 when absent
  final String resultDestination;
  final String resultLocation;
  final byte resultPinned; // PIN_ABSENT, 0 or 1
  final String error;
  final String errorType;
  long seq;

  static final byte PIN_ABSENT = -1;

  OpState(OperationStatus status, long updatedAt, long completedAt, int retryCount, int maxRetries, long nextRetryAt,
      String resultCid, long resultSize, String resultDestination, String error, String errorType) {
    this(status, updatedAt, completedAt, retryCount, maxRetries, nextRetryAt, resultCid, resultSize, resultDestination,
        null, PIN_ABSENT, error, errorType);
  }

  OpState(OperationStatus status, long updatedAt, long completedAt, int retryCount, int maxRetries, long nextRetryAt,
      String resultCid, long resultSize, String resultDestination, String resultLocation, byte resultPinned,
      String error, String errorType) {
    this.status = status;
    this.updatedAt = updatedAt;
    this.completedAt = completedAt;
    this.retryCount = retryCount;
    this.maxRetries = maxRetries;
    this.nextRetryAt = nextRetryAt;
    this.resultCid = resultCid;
    this.resultSize = resultSize;
    this.resultDestination = resultDestination;
    this.resultLocation = resultLocation;
    this.resultPinned = resultPinned;
    this.error = error;
    this.errorType = errorType;
  }

  static OpState pending(long now, int maxRetries) {
    return new OpState(OperationStatus.PENDING, now, NONE, 0, maxRetries, NONE, null, -1, null, null, null);
  }

  static byte pinByte(Boolean pinned) {
    return pinned == null ? PIN_ABSENT : pinned ? (byte) 1 : (byte) 0;
  }

  static Boolean pinFlag(byte pinned) {
    return pinned == PIN_ABSENT ? null : pinned == 1;
  }

  /** The result this state carries, or null when it has none. */
  OperationResult result() {
    OperationResult r = new OperationResult(resultCid, resultSize < 0 ? null : resultSize, resultDestination,
        resultLocation, pinFlag(resultPinned));
    return r.isEmpty() ? null : r;
  }

  boolean waiting() {
    return status == OperationStatus.PENDING || status == OperationStatus.RETRYING;
  }
}
