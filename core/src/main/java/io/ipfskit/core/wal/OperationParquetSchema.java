package io.ipfskit.core.wal;

import java.time.Instant;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Parquet schema of archived operations: the reference model's field names (ARCHITECTURE.md
 * §3), one row per operation, flat columns so that {@code SELECT status, count(*) ...} in DuckDB
 * and {@code df[df.status == "failed"]} in pandas need no unnesting.
 *
 * <ul>
 *   <li>{@code operation_type}, {@code status}: the lower-case wire names ({@code add},
 *       {@code completed}).
 *   <li>{@code parameters}: a standard Parquet MAP of string to string (DuckDB {@code
 *       MAP(VARCHAR, VARCHAR)}, pandas a list of key/value tuples). <b>Each value is that
 *       parameter's JSON text</b>: the string {@code /tmp/a} is stored as {@code "/tmp/a"} with its
 *       quotes, the number 5 as {@code 5}, an object as its JSON. This is what makes every value
 *       round-trip exactly (a string "5" and a number 5 stay different); in SQL use
 *       {@code json_extract_string(parameters['path'], '$')} or {@code parameters['path']::JSON}.
 *   <li>{@code timestamp}, {@code updated_at}, {@code completed_at}, {@code next_retry_at}: INT64
 *       TIMESTAMP(MICROS, UTC), which DuckDB reads as {@code TIMESTAMP WITH TIME ZONE} and pandas
 *       as {@code datetime64[us, UTC]}. Instants are truncated to whole microseconds.
 *   <li>The result is flattened into {@code result_cid}, {@code result_size}, {@code
 *       result_destination} (a struct would need {@code result.cid} in SQL and yields a column of
 *       dicts in pandas). All three are null when the operation has no result.
 *   <li>{@code result_location} (where the backend keeps the content: an S3 object key, the IPFS
 *       node) and {@code result_pinned} came later and are the last columns. Files written before
 *       have neither; they read as null (columns are bound by name).
 * </ul>
 *
 * Files also carry key/value metadata {@code ipfs-kit.schema = 1} and {@code
 * ipfs-kit.parameters = json-text}.
 */
final class OperationParquetSchema {
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message wal_operation {
        required binary operation_id (STRING);
        required binary operation_type (STRING);
        required binary backend (STRING);
        required group parameters (MAP) {
          repeated group key_value {
            required binary key (STRING);
            required binary value (STRING);
          }
        }
        required binary status (STRING);
        required int64 timestamp (TIMESTAMP(MICROS,true));
        required int64 updated_at (TIMESTAMP(MICROS,true));
        optional int64 completed_at (TIMESTAMP(MICROS,true));
        optional binary result_cid (STRING);
        optional int64 result_size;
        optional binary result_destination (STRING);
        optional binary error (STRING);
        optional binary error_type (STRING);
        required int32 retry_count;
        required int32 max_retries;
        optional int64 next_retry_at (TIMESTAMP(MICROS,true));
        required int32 priority;
        optional binary result_location (STRING);
        optional boolean result_pinned;
      }
      """);

  static final String SCHEMA_VERSION_KEY = "ipfs-kit.schema";
  static final String SCHEMA_VERSION = "1";
  static final String PARAMETERS_KEY = "ipfs-kit.parameters";
  static final String PARAMETERS_ENCODING = "json-text";

  /** Default Jackson settings: the same node types the WAL's own JSON parsing produces. */
  static final JsonMapper JSON = JsonMapper.builder().build();

  private OperationParquetSchema() {}

  static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
