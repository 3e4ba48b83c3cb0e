package io.ipfskit.core.wal;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the log.
 *
 * @param totalOperations operations in the log plus archived operations
 * @param byStatus operations per status, in the log and in the archive; every status is a key
 * @param lastSequence sequence number of the newest record
 * @param segmentCount segment files on disk
 * @param archivedOperations rows in the archive
 * @param partitionCount archive partition files
 * @param lastCheckpointOrNull when this process last wrote a checkpoint, null if it has not
 * @param failedClosed true after an fsync or write failure: appends are refused until reopen
 */
public record WalStatus(
    long totalOperations,
    Map<OperationStatus, Long> byStatus,
    long lastSequence,
    FsyncMode fsyncMode,
    int segmentCount,
    long archivedOperations,
    int partitionCount,
    Instant lastCheckpointOrNull,
    boolean failedClosed) {

  public WalStatus {
    byStatus = Map.copyOf(byStatus);
  }
}
