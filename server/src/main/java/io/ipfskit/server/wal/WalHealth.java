package io.ipfskit.server.wal;

import io.ipfskit.core.wal.BackendStats;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.util.Map;

/**
 * Whether the log accepts writes and how its backends do.
 *
 * @param healthy not failed closed and no backend reports {@code offline} or {@code unhealthy}
 */
public record WalHealth(boolean healthy, boolean failedClosed, long pending, long retrying, long failed,
    Map<String, BackendStats> backends) {

  public WalHealth {
    backends = Map.copyOf(backends);
  }

  static WalHealth of(WalStatus status, WalMetrics metrics) {
    boolean backendsHealthy = metrics.backends().values().stream()
        .allMatch(b -> !"offline".equalsIgnoreCase(b.health()) && !"unhealthy".equalsIgnoreCase(b.health()));
    return new WalHealth(!status.failedClosed() && backendsHealthy, status.failedClosed(),
        status.byStatus().getOrDefault(OperationStatus.PENDING, 0L),
        status.byStatus().getOrDefault(OperationStatus.RETRYING, 0L),
        status.byStatus().getOrDefault(OperationStatus.FAILED, 0L),
        metrics.backends());
  }
}
