package io.ipfskit.server.tools;

import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schemas (draft 2020-12 subset) of the WAL tools' inputs and outputs. */
final class WalSchemas {
  private WalSchemas() {}

  static final List<String> OPERATION_TYPES =
      Arrays.stream(OperationType.values()).map(OperationType::wireName).toList();
  static final List<String> STATUSES =
      Arrays.stream(OperationStatus.values()).map(OperationStatus::wireName).toList();
  static final List<String> FINISHED_STATUSES = Arrays.stream(OperationStatus.values())
      .filter(OperationStatus::isTerminal).map(OperationStatus::wireName).toList();

  static Map<String, Object> object(Map<String, Object> properties, String... required) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    s.put("properties", properties);
    if (required.length > 0) s.put("required", List.of(required));
    return s;
  }

  /** An input object: unknown keys are an error the model can see and fix. */
  static Map<String, Object> input(Map<String, Object> properties, String... required) {
    Map<String, Object> s = object(properties, required);
    s.put("additionalProperties", false);
    return s;
  }

  static Map<String, Object> props(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
    return m;
  }

  static Map<String, Object> type(Object type, String description) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", type);
    if (description != null) s.put("description", description);
    return s;
  }

  static Map<String, Object> string(String description, int minLength, int maxLength) {
    Map<String, Object> s = type("string", description);
    s.put("minLength", minLength);
    s.put("maxLength", maxLength);
    return s;
  }

  static Map<String, Object> enumOf(List<String> values, String description) {
    Map<String, Object> s = type("string", description);
    s.put("enum", values);
    return s;
  }

  static Map<String, Object> integer(String description, int min, int max, Integer defaultValue) {
    Map<String, Object> s = type("integer", description);
    s.put("minimum", min);
    s.put("maximum", max);
    if (defaultValue != null) s.put("default", defaultValue);
    return s;
  }

  static Map<String, Object> nullable(String type) {
    return type(List.of(type, "null"), null);
  }

  static Map<String, Object> operation() {
    Map<String, Object> result = type(List.of("object", "null"), "What a completed operation produced");
    result.put("properties", props("cid", nullable("string"), "size", nullable("integer"), "destination", nullable("string")));
    List<String> required = new ArrayList<>();
    Map<String, Object> p = props(
        "operation_id", type("string", null),
        "operation_type", enumOf(OPERATION_TYPES, null),
        "backend", type("string", null),
        "parameters", type("object", null),
        "status", enumOf(STATUSES, null),
        "priority", type("integer", null),
        "timestamp", type("string", "When the operation was added (ISO-8601 UTC)"),
        "updated_at", type("string", null),
        "completed_at", nullable("string"),
        "result", result,
        "error", nullable("string"),
        "error_type", nullable("string"),
        "retry_count", type("integer", null),
        "max_retries", type("integer", null),
        "next_retry_at", nullable("string"));
    required.addAll(p.keySet());
    return object(p, required.toArray(String[]::new));
  }

  static Map<String, Object> backendStats() {
    return object(props(
        "backend", type("string", null),
        "health", type("string", null),
        "completed", type("integer", null),
        "failed", type("integer", null),
        "retries", type("integer", null)), "backend", "health");
  }

  static Map<String, Object> arrayOf(Map<String, Object> items) {
    Map<String, Object> s = type("array", null);
    s.put("items", items);
    return s;
  }
}
