package io.ipfskit.server.wal;

import static io.ipfskit.server.wal.WalCallException.Kind.INVALID_ARGUMENT;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads typed values out of a call's JSON arguments. The owner never trusts the wire: every rule
 * the MCP input schema states is checked again here, with a message naming field, rule and value.
 */
final class WalArguments {
  private final ObjectNode args;

  WalArguments(ObjectNode args) {
    this.args = args == null ? OperationJson.MAPPER.createObjectNode() : args;
  }

  private JsonNode present(String field) {
    JsonNode v = args.get(field);
    return v == null || v.isNull() ? null : v;
  }

  String requiredString(String field, int maxLength) {
    String s = optionalString(field, maxLength);
    if (s == null) throw new WalCallException(INVALID_ARGUMENT, field + " is required");
    return s;
  }

  String optionalString(String field, int maxLength) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isString()) {
      throw new WalCallException(INVALID_ARGUMENT, field + " must be a string, but was " + describe(v));
    }
    String s = v.stringValue();
    if (s.isEmpty()) throw new WalCallException(INVALID_ARGUMENT, field + " must not be empty");
    if (s.length() > maxLength) {
      throw new WalCallException(INVALID_ARGUMENT,
          field + " must be at most " + maxLength + " characters, but was " + s.length());
    }
    return s;
  }

  int integer(String field, int defaultValue, int min, int max) {
    JsonNode v = present(field);
    if (v == null) return defaultValue;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new WalCallException(INVALID_ARGUMENT, field + " must be an integer, but was " + describe(v));
    }
    int i = v.intValue();
    if (i < min || i > max) {
      throw new WalCallException(INVALID_ARGUMENT,
          field + " must be between " + min + " and " + max + ", but was " + i);
    }
    return i;
  }

  /** A positive number of seconds up to {@code maxSeconds}. */
  double seconds(String field, double defaultValue, double maxSeconds) {
    JsonNode v = present(field);
    if (v == null) return defaultValue;
    if (!v.isNumber()) {
      throw new WalCallException(INVALID_ARGUMENT, field + " must be a number of seconds, but was " + describe(v));
    }
    double d = v.asDouble();
    if (!(d > 0) || d > maxSeconds) {
      throw new WalCallException(INVALID_ARGUMENT,
          field + " must be > 0 and <= " + maxSeconds + " seconds, but was " + v);
    }
    return d;
  }

  ObjectNode object(String field) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isObject()) {
      throw new WalCallException(INVALID_ARGUMENT, field + " must be an object, but was " + describe(v));
    }
    return (ObjectNode) v;
  }

  static String describe(JsonNode v) {
    String s = v.toString();
    String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
  }
}
