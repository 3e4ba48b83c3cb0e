package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.OperationParquetSchema.JSON;
import static io.ipfskit.core.wal.OperationParquetSchema.fromMicros;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * Reads rows of {@link OperationParquetSchema#SCHEMA} back: whole {@link Operation}s ({@link
 * #operations()}), or just the columns the archive's index needs ({@link #summaries()}; Parquet
 * then decodes only those column chunks). Converters are bound by column name, so a file whose
 * columns come in another order still reads correctly.
 */
final class OperationReadSupport<T> extends ReadSupport<T> {
  private static final MessageType SUMMARY_SCHEMA = new MessageType("wal_operation",
      List.of("operation_id", "backend", "status", "timestamp", "updated_at", "completed_at").stream()
          .map(OperationParquetSchema.SCHEMA::getType).toList());

  /** What the archive's index keeps of a row. */
  record Summary(String operationId, String backend, OperationStatus status, Instant timestamp, Instant finishedAt) {
    static Summary of(Operation op) {
      return new Summary(op.operationId(), op.backend(), op.status(), op.timestamp(),
          op.completedAt() != null ? op.completedAt() : op.updatedAt());
    }
  }

  private final MessageType requested;
  private final Function<Row, T> build;

  private OperationReadSupport(MessageType requested, Function<Row, T> build) {
    this.requested = requested;
    this.build = build;
  }

  static OperationReadSupport<Operation> operations() {
    return new OperationReadSupport<>(OperationParquetSchema.SCHEMA, Row::build);
  }

  static OperationReadSupport<Summary> summaries() {
    return new OperationReadSupport<>(SUMMARY_SCHEMA, row -> new Summary(row.operationId, row.backend,
        OperationStatus.parse("status", row.status), row.timestamp,
        row.completedAt != null ? row.completedAt : row.updatedAt));
  }

  @Override
  public ReadContext init(InitContext context) {
    return new ReadContext(requested);
  }

  /** Abstract in Parquet; with a {@code PlainParquetConfiguration} only the overload below runs. */
  @Override
  @SuppressWarnings("deprecation")
  public RecordMaterializer<T> prepareForRead(Configuration configuration,
      Map<String, String> keyValueMetaData, MessageType fileSchema, ReadContext readContext) {
    return new Materializer<>(readContext.getRequestedSchema(), build);
  }

  @Override
  public RecordMaterializer<T> prepareForRead(ParquetConfiguration configuration,
      Map<String, String> keyValueMetaData, MessageType fileSchema, ReadContext readContext) {
    return new Materializer<>(readContext.getRequestedSchema(), build);
  }

  /** Collects one row's columns, then builds the immutable {@link Operation}. */
  private static final class Row {
    String operationId, operationType, backend, status;
    final List<String> parameterKeys = new ArrayList<>();
    final List<String> parameterJson = new ArrayList<>();
    Instant timestamp, updatedAt, completedAt, nextRetryAt;
    String resultCid, resultDestination, resultLocation, error, errorType;
    Long resultSize;
    Boolean resultPinned;
    int retryCount, maxRetries, priority;

    void reset() {
      operationId = operationType = backend = status = null;
      parameterKeys.clear();
      parameterJson.clear();
      timestamp = updatedAt = completedAt = nextRetryAt = null;
      resultCid = resultDestination = resultLocation = error = errorType = null;
      resultSize = null;
      resultPinned = null;
      retryCount = maxRetries = priority = 0;
    }

    Operation build() {
      ObjectNode parameters = JSON.createObjectNode();
      for (int i = 0; i < parameterKeys.size(); i++) {
        try {
          parameters.set(parameterKeys.get(i), JSON.readTree(parameterJson.get(i)));
        } catch (JacksonException e) {
          throw new ParquetDecodingException("parameters['" + parameterKeys.get(i) + "'] of operation "
              + operationId + " is not JSON text", e);
        }
      }
      OperationResult result = new OperationResult(resultCid, resultSize, resultDestination, resultLocation,
          resultPinned);
      if (result.isEmpty()) result = null;
      return new Operation(operationId, OperationType.parse("operation_type", operationType), backend,
          parameters, OperationStatus.parse("status", status), priority, timestamp, updatedAt,
          completedAt, result, error, errorType, retryCount, maxRetries, nextRetryAt);
    }
  }

  private static final class Materializer<T> extends RecordMaterializer<T> {
    private final Row row = new Row();
    private final GroupConverter root;
    private final Function<Row, T> build;

    Materializer(MessageType schema, Function<Row, T> build) {
      this.build = build;
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
        public void end() {}
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
        case "result_location" -> text(v -> row.resultLocation = v);
        case "result_pinned" -> new PrimitiveConverter() {
          @Override
          public void addBoolean(boolean value) {
            row.resultPinned = value;
          }
        };
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
    public T getCurrentRecord() {
      return build.apply(row);
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
          row.parameterKeys.add(kv[0]);
          row.parameterJson.add(kv[1]);
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
