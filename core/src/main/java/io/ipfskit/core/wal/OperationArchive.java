package io.ipfskit.core.wal;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where terminal operations go once they leave the log (Parquet partitions in production, see
 * {@code ParquetArchive}). Called by the log's maintenance thread and by readers; implementations
 * are thread-safe. {@link #archive} must be durable when it returns: the log drops the operations
 * from its own records right after.
 */
interface OperationArchive extends AutoCloseable {
  void archive(List<Operation> terminal) throws IOException;

  Optional<Operation> find(String operationId) throws IOException;

  /** Newest first; applies status and backend; returns up to offset + limit rows. */
  List<Operation> query(OperationQuery q) throws IOException;

  int deleteOlderThan(Instant cutoff, OperationStatus statusOrNull) throws IOException;

  long count();

  /** Rows per status; statuses with no rows may be absent. */
  Map<OperationStatus, Long> countByStatus();

  int partitionCount();

  @Override
  void close() throws IOException;
}
