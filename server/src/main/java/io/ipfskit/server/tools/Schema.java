package io.ipfskit.server.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one builder of the JSON Schemas (draft 2020-12 subset) every tool advertises, inputs and
 * outputs. Each property has exactly one JSON {@code type} (never {@code ["string","null"]}): a
 * value that can be absent is an {@link #optional} property the result leaves out, which every
 * MCP client reads the same way. The maps are fresh and mutable, so a caller may add a keyword.
 */
final class Schema {
  private Schema() {}

  /** Marks a property of {@link #object} or {@link #input} as not required. */
  record Optional(Map<String, Object> schema) {}

  static Optional optional(Map<String, Object> schema) {
    return new Optional(schema);
  }

  /**
   * An object whose properties are given as name, schema, name, schema, ...; every property is
   * required unless wrapped in {@link #optional}. Other properties are allowed (outputs may grow).
   */
  static Map<String, Object> object(Object... namesAndSchemas) {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      String name = (String) namesAndSchemas[i];
      Object schema = namesAndSchemas[i + 1];
      if (schema instanceof Optional o) {
        properties.put(name, o.schema());
      } else {
        properties.put(name, schema);
        required.add(name);
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "object");
    s.put("properties", properties);
    if (!required.isEmpty()) s.put("required", required);
    return s;
  }

  /** Like {@link #object}, but closed: an unknown key is an error the model can see and fix. */
  static Map<String, Object> input(Object... namesAndSchemas) {
    Map<String, Object> s = object(namesAndSchemas);
    s.put("additionalProperties", false);
    return s;
  }

  static Map<String, Object> string(String description) {
    return typed("string", description);
  }

  static Map<String, Object> string(String description, int minLength, int maxLength) {
    Map<String, Object> s = string(description);
    if (minLength > 0) s.put("minLength", minLength);
    if (maxLength < Integer.MAX_VALUE) s.put("maxLength", maxLength);
    return s;
  }

  static Map<String, Object> enumOf(List<String> values, String description) {
    Map<String, Object> s = string(description);
    s.put("enum", values);
    return s;
  }

  static Map<String, Object> integer(String description) {
    return typed("integer", description);
  }

  static Map<String, Object> integer(String description, long minimum, long maximum) {
    Map<String, Object> s = integer(description);
    if (minimum != Long.MIN_VALUE) s.put("minimum", minimum);
    if (maximum != Long.MAX_VALUE) s.put("maximum", maximum);
    return s;
  }

  static Map<String, Object> number(String description) {
    return typed("number", description);
  }

  static Map<String, Object> bool(String description) {
    return typed("boolean", description);
  }

  static Map<String, Object> array(Map<String, Object> items, String description) {
    Map<String, Object> s = typed("array", description);
    s.put("items", items);
    return s;
  }

  /** An object mapping any names to values of {@code values}. */
  static Map<String, Object> mapOf(Map<String, Object> values, String description) {
    Map<String, Object> s = typed("object", description);
    s.put("additionalProperties", values);
    return s;
  }

  /** An object mapping names to counts. */
  static Map<String, Object> counts(String description) {
    return mapOf(typed("integer", null), description);
  }

  /** Adds {@code default} to a schema. */
  static Map<String, Object> withDefault(Map<String, Object> schema, Object value) {
    schema.put("default", value);
    return schema;
  }

  private static Map<String, Object> typed(String type, String description) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", type);
    if (description != null) s.put("description", description);
    return s;
  }
}
