package io.ipfskit.core.wal;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The production {@link OperationArchive}: delegates to the Parquet partitions of {@link ParquetArchive}. */
final class ParquetOperationArchive implements OperationArchive {
  private final ParquetArchive parquet;

  ParquetOperationArchive(ParquetArchive parquet) {
    this.parquet = parquet;
  }

  @Override
  public void archive(List<Operation> terminal) throws IOException {
    parquet.archive(terminal);
  }

  @Override
  public Optional<Operation> find(String operationId) throws IOException {
    return parquet.find(operationId);
  }

  @Override
  public List<Operation> query(OperationQuery q) throws IOException {
    return parquet.query(q);
  }

  @Override
  public int deleteOlderThan(Instant cutoff, OperationStatus statusOrNull) throws IOException {
    return parquet.deleteOlderThan(cutoff, statusOrNull);
  }

  @Override
  public long count() {
    return parquet.count();
  }

  @Override
  public int partitionCount() {
    return parquet.partitionCount();
  }

  @Override
  public void close() {
    parquet.close();
  }
}
