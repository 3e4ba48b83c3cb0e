package io.ipfskit.core.wal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test stand-in for the Parquet archive: same contract, kept in memory. */
final class InMemoryArchive implements OperationArchive {
  private final List<Operation> rows = new ArrayList<>();
  int archiveCalls;

  @Override
  public synchronized void archive(List<Operation> terminal) {
    archiveCalls++;
    rows.addAll(terminal);
  }

  @Override
  public synchronized Optional<Operation> find(String operationId) {
    for (int i = rows.size() - 1; i >= 0; i--) if (rows.get(i).operationId().equals(operationId)) return Optional.of(rows.get(i));
    return Optional.empty();
  }

  @Override
  public synchronized List<Operation> query(OperationQuery q) {
    return rows.stream().filter(q::matches).sorted(Comparator.comparing(Operation::timestamp).reversed())
        .limit((long) q.offset() + q.limit()).toList();
  }

  @Override
  public synchronized int deleteOlderThan(Instant cutoff, OperationStatus statusOrNull) {
    int before = rows.size();
    rows.removeIf(o -> (statusOrNull == null || o.status() == statusOrNull) && !o.completedAt().isAfter(cutoff));
    return before - rows.size();
  }

  @Override
  public synchronized long count() {
    return rows.size();
  }

  @Override
  public synchronized Map<OperationStatus, Long> countByStatus() {
    Map<OperationStatus, Long> counts = new EnumMap<>(OperationStatus.class);
    for (Operation o : rows) counts.merge(o.status(), 1L, Long::sum);
    return counts;
  }

  @Override
  public int partitionCount() {
    return archiveCalls;
  }

  @Override
  public void close() {}
}
