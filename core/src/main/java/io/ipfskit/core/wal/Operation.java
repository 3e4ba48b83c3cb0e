package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One storage operation as the log knows it: an immutable snapshot. Each status change produces a
 * new snapshot. Field names follow the reference model (ARCHITECTURE.md §3).
 *
 * <p>{@code parameters} keeps the JSON values the caller gave through every transition; the
 * record copies it on the way in and out, so a snapshot can never be changed from outside.
 *
 * @param completedAt null until the operation reaches a terminal status
 * @param result null until completed
 * @param error null unless the last attempt failed
 * @param errorType null unless the last attempt failed (e.g. {@code BackendUnavailable})
 * @param nextRetryAt null unless status is {@code RETRYING}
 */
public record Operation(
    String operationId,
    OperationType operationType,
    String backend,
    ObjectNode parameters,
    OperationStatus status,
    int priority,
    Instant timestamp,
    Instant updatedAt,
    Instant completedAt,
    OperationResult result,
    String error,
    String errorType,
    int retryCount,
    int maxRetries,
    Instant nextRetryAt) {

  public Operation {
    requireNonNull(operationId, "operationId");
    requireNonNull(operationType, "operationType");
    requireNonNull(backend, "backend");
    requireNonNull(parameters, "parameters");
    requireNonNull(status, "status");
    requireNonNull(timestamp, "timestamp");
    requireNonNull(updatedAt, "updatedAt");
    parameters = parameters.deepCopy();
  }

  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }
}
