package io.ipfskit.server.wal;

import io.ipfskit.core.wal.OperationStatus;

/**
 * What {@link WalService#cleanup} did.
 *
 * @param ageDays the age limit applied (the configured default when the caller gave none)
 * @param statusOrNull the final status the cleanup was limited to, null for all finished ones
 */
public record CleanupResult(int removedCount, int ageDays, OperationStatus statusOrNull) {
  public CleanupResult {
    if (removedCount < 0) throw new IllegalArgumentException("removedCount must be >= 0, but was " + removedCount);
    if (ageDays < 0) throw new IllegalArgumentException("ageDays must be >= 0, but was " + ageDays);
  }
}
