package io.ipfskit.server.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for the JSON Schema maps of tool outputs. Every listed property is required. */
final class OutputSchema {

  private OutputSchema() {}

  /** An object whose properties are given as name, schema, name, schema, ... */
  static Map<String, Object> object(Object... namesAndSchemas) {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      String name = (String) namesAndSchemas[i];
      properties.put(name, namesAndSchemas[i + 1]);
      required.add(name);
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", required);
    return schema;
  }

  static Map<String, Object> string(String description) {
    return typed("string", description);
  }

  static Map<String, Object> nullableString(String description) {
    return typed(List.of("string", "null"), description);
  }

  static Map<String, Object> integer(String description) {
    return typed("integer", description);
  }

  static Map<String, Object> nullableInteger(String description) {
    return typed(List.of("integer", "null"), description);
  }

  static Map<String, Object> bool(String description) {
    return typed("boolean", description);
  }

  static Map<String, Object> array(Map<String, Object> items, String description) {
    Map<String, Object> schema = typed("array", description);
    schema.put("items", items);
    return schema;
  }

  /** An object mapping names to counts. */
  static Map<String, Object> counts(String description) {
    Map<String, Object> schema = typed("object", description);
    schema.put("additionalProperties", Map.of("type", "integer"));
    return schema;
  }

  private static Map<String, Object> typed(Object type, String description) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", type);
    schema.put("description", description);
    return schema;
  }
}
