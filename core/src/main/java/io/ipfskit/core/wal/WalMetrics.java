package io.ipfskit.core.wal;

import java.util.Map;

/**
 * Counters and latency percentiles since the log was opened. Append latency is the time
 * {@link WriteAheadLog#add} took (including the fsync wait in {@code always} mode); operation
 * latency is creation to completion of completed operations.
 */
public record WalMetrics(
    long recordsAppended,
    long fsyncs,
    double recordsPerFsync,
    double appendLatencyP50Micros,
    double appendLatencyP99Micros,
    double operationLatencyP50Millis,
    double operationLatencyP99Millis,
    Map<String, BackendStats> backends) {

  public WalMetrics {
    backends = Map.copyOf(backends);
  }
}
