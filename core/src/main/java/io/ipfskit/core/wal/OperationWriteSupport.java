package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.OperationParquetSchema.JSON;
import static io.ipfskit.core.wal.OperationParquetSchema.toMicros;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import tools.jackson.databind.JsonNode;

/** Writes one {@link Operation} as one row of {@link OperationParquetSchema#SCHEMA}. */
final class OperationWriteSupport extends WriteSupport<Operation> {
  private RecordConsumer out;

  /** Abstract in Parquet; with a {@code PlainParquetConfiguration} only the overload below runs. */
  @Override
  @SuppressWarnings("deprecation")
  public WriteContext init(Configuration configuration) {
    return context();
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return context();
  }

  private static WriteContext context() {
    return new WriteContext(OperationParquetSchema.SCHEMA, Map.of(
        OperationParquetSchema.SCHEMA_VERSION_KEY, OperationParquetSchema.SCHEMA_VERSION,
        OperationParquetSchema.PARAMETERS_KEY, OperationParquetSchema.PARAMETERS_ENCODING));
  }

  @Override
  public String getName() {
    return "ipfs-kit-wal";
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(Operation op) {
    out.startMessage();
    string(0, "operation_id", op.operationId());
    string(1, "operation_type", op.operationType().wireName());
    string(2, "backend", op.backend());
    parameters(op);
    string(4, "status", op.status().wireName());
    timestamp(5, "timestamp", op.timestamp());
    timestamp(6, "updated_at", op.updatedAt());
    timestamp(7, "completed_at", op.completedAt());
    OperationResult result = op.result();
    string(8, "result_cid", result == null ? null : result.cid());
    Long size = result == null ? null : result.size();
    if (size != null) {
      out.startField("result_size", 9);
      out.addLong(size);
      out.endField("result_size", 9);
    }
    string(10, "result_destination", result == null ? null : result.destination());
    string(11, "error", op.error());
    string(12, "error_type", op.errorType());
    integer(13, "retry_count", op.retryCount());
    integer(14, "max_retries", op.maxRetries());
    timestamp(15, "next_retry_at", op.nextRetryAt());
    integer(16, "priority", op.priority());
    string(17, "result_location", result == null ? null : result.location());
    Boolean pinned = result == null ? null : result.pinned();
    if (pinned != null) {
      out.startField("result_pinned", 18);
      out.addBoolean(pinned);
      out.endField("result_pinned", 18);
    }
    out.endMessage();
  }

  private void parameters(Operation op) {
    out.startField("parameters", 3);
    out.startGroup();
    Iterator<Map.Entry<String, JsonNode>> it = op.parameters().properties().iterator();
    if (it.hasNext()) {
      out.startField("key_value", 0);
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        out.startGroup();
        string(0, "key", e.getKey());
        string(1, "value", JSON.writeValueAsString(e.getValue()));
        out.endGroup();
      }
      out.endField("key_value", 0);
    }
    out.endGroup();
    out.endField("parameters", 3);
  }

  private void string(int index, String field, String value) {
    if (value == null) return;
    out.startField(field, index);
    out.addBinary(Binary.fromString(value));
    out.endField(field, index);
  }

  private void timestamp(int index, String field, Instant value) {
    if (value == null) return;
    out.startField(field, index);
    out.addLong(toMicros(value));
    out.endField(field, index);
  }

  private void integer(int index, String field, int value) {
    out.startField(field, index);
    out.addInteger(value);
    out.endField(field, index);
  }
}
