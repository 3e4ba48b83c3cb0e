package io.ipfskit.core.wal;

/**
 * A filter over operations, newest first.
 *
 * @param status null for any status
 * @param backend null for any backend
 * @param operationType null for any operation type
 * @param limit at most this many results, 1..10000
 * @param offset skip this many matches first, >= 0
 */
public record OperationQuery(OperationStatus status, String backend, OperationType operationType, int limit,
    int offset) {
  public static final int MAX_LIMIT = 10_000;

  public OperationQuery {
    if (limit < 1 || limit > MAX_LIMIT)
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
    if (offset < 0)
      throw new IllegalArgumentException("offset must be >= 0, but was " + offset);
  }

  /** Any operation type. */
  public OperationQuery(OperationStatus status, String backend, int limit, int offset) {
    this(status, backend, null, limit, offset);
  }

  public boolean matches(Operation op) {
    return (status == null || op.status() == status) && (backend == null || op.backend().equals(backend))
        && (operationType == null || op.operationType() == operationType);
  }
}
