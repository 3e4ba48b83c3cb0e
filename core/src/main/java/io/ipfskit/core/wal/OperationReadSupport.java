package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.OperationParquetSchema.JSON;
import static io.ipfskit.core.wal.OperationParquetSchema.fromMicros;

import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads rows of {@link OperationParquetSchema#SCHEMA} back into {@link Operation}s. Converters are
 * bound by column name, so a file whose columns come in another order still reads correctly.
 */
final class OperationReadSupport extends ReadSupport<Operation> {

  @Override
  public ReadContext init(InitContext context) {
    return new ReadContext(OperationParquetSchema.SCHEMA);
  }

  /** Abstract in Parquet; with a {@code PlainParquetConfiguration} only the overload below runs. */
  @Override
  @SuppressWarnings("deprecation")
  public RecordMaterializer<Operation> prepareForRead(Configuration configuration,
      Map<String, String> keyValueMetaData, MessageType fileSchema, ReadContext readContext) {
    return new Materializer(readContext.getRequestedSchema());
  }

  @Override
  public RecordMaterializer<Operation> prepareForRead(ParquetConfiguration configuration,
      Map<String, String> keyValueMetaData, MessageType fileSchema, ReadContext readContext) {
    return new Materializer(readContext.getRequestedSchema());
  }

  /** Collects one row's columns, then builds the immutable {@link Operation}. */
  private static final class Row {
    String operationId, operationType, backend, status;
    ObjectNode parameters;
    Instant timestamp, updatedAt, completedAt, nextRetryAt;
    String resultCid, resultDestination, error, errorType;
    Long resultSize;
    int retryCount, maxRetries, priority;

    void reset() {
      operationId = operationType = backend = status = null;
      parameters = JSON.createObjectNode();
      timestamp = updatedAt = completedAt = nextRetryAt = null;
      resultCid = resultDestination = error = errorType = null;
      resultSize = null;
      retryCount = maxRetries = priority = 0;
    }

    Operation build() {
      OperationResult result = resultCid == null && resultSize == null && resultDestination == null
          ? null : new OperationResult(resultCid, resultSize, resultDestination);
      return new Operation(operationId, OperationType.parse("operation_type", operationType), backend,
          parameters, OperationStatus.parse("status", status), priority, timestamp, updatedAt,
          completedAt, result, error, errorType, retryCount, maxRetries, nextRetryAt);
    }
  }

  private static final class Materializer extends RecordMaterializer<Operation> {
    private final Row row = new Row();
    private final GroupConverter root;
    private Operation current;

    Materializer(MessageType schema) {
      Converter[] converters = new Converter[schema.getFieldCount()];
      for (int i = 0; i < converters.length; i++) {
        converters[i] = converterFor(schema.getFieldName(i));
      }
      root = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return converters[fieldIndex];
        }

        @Override
        public void start() {
          row.reset();
        }

        @Override
        public void end() {
          current = row.build();
        }
      };
    }

    private Converter converterFor(String column) {
      return switch (column) {
        case "operation_id" -> text(v -> row.operationId = v);
        case "operation_type" -> text(v -> row.operationType = v);
        case "backend" -> text(v -> row.backend = v);
        case "status" -> text(v -> row.status = v);
        case "parameters" -> new ParametersConverter(row);
        case "timestamp" -> micros(v -> row.timestamp = v);
        case "updated_at" -> micros(v -> row.updatedAt = v);
        case "completed_at" -> micros(v -> row.completedAt = v);
        case "next_retry_at" -> micros(v -> row.nextRetryAt = v);
        case "result_cid" -> text(v -> row.resultCid = v);
        case "result_destination" -> text(v -> row.resultDestination = v);
        case "error" -> text(v -> row.error = v);
        case "error_type" -> text(v -> row.errorType = v);
        case "result_size" -> new PrimitiveConverter() {
          @Override
          public void addLong(long value) {
            row.resultSize = value;
          }
        };
        case "retry_count" -> int32(v -> row.retryCount = v);
        case "max_retries" -> int32(v -> row.maxRetries = v);
        case "priority" -> int32(v -> row.priority = v);
        default -> throw new ParquetDecodingException("unknown column '" + column + "' in WAL archive schema");
      };
    }

    @Override
    public Operation getCurrentRecord() {
      return current;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  private interface StringSink { void accept(String v); }
  private interface InstantSink { void accept(Instant v); }
  private interface IntSink { void accept(int v); }

  private static PrimitiveConverter text(StringSink sink) {
    return new PrimitiveConverter() {
      @Override
      public void addBinary(Binary value) {
        sink.accept(value.toStringUsingUTF8());
      }
    };
  }

  private static PrimitiveConverter micros(InstantSink sink) {
    return new PrimitiveConverter() {
      @Override
      public void addLong(long value) {
        sink.accept(fromMicros(value));
      }
    };
  }

  private static PrimitiveConverter int32(IntSink sink) {
    return new PrimitiveConverter() {
      @Override
      public void addInt(int value) {
        sink.accept(value);
      }
    };
  }

  /** parameters (MAP) → key_value (repeated group) → key, value (JSON text). */
  private static final class ParametersConverter extends GroupConverter {
    private final GroupConverter entry;

    ParametersConverter(Row row) {
      String[] kv = new String[2];
      PrimitiveConverter key = text(v -> kv[0] = v);
      PrimitiveConverter value = text(v -> kv[1] = v);
      entry = new GroupConverter() {
        @Override
        public Converter getConverter(int fieldIndex) {
          return fieldIndex == 0 ? key : value;
        }

        @Override
        public void start() {
          kv[0] = kv[1] = null;
        }

        @Override
        public void end() {
          try {
            row.parameters.set(kv[0], JSON.readTree(kv[1]));
          } catch (JacksonException e) {
            throw new ParquetDecodingException("parameters['" + kv[0] + "'] is not JSON text", e);
          }
        }
      };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return entry;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
