package io.ipfskit.server.wal;

import io.ipfskit.core.wal.InvalidOperationException;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads typed values out of one call's JSON arguments, strictly: an argument the call does not
 * declare, a value of the wrong JSON type or outside its bounds is an {@link InvalidOperationException}
 * naming the argument and the rule. Messages never repeat the rejected value (it may be 100,000
 * characters, or secret); an unknown argument's name is shown cut to 64 characters. JSON {@code
 * null} counts as absent (also for an undeclared name). Used at the MCP edge and again by the owner for forwarded calls, so both
 * apply the same rules.
 */
final class WalArguments {
  static final int MAX_SHOWN_NAME = 64;

  private final ObjectNode args;
  private final String prefix;

  /**
   * @param call what the arguments belong to, for the unknown-argument message (e.g. {@code wal_list_operations})
   * @param known every argument name the call declares
   * @throws InvalidOperationException naming the first undeclared argument
   */
  WalArguments(String call, ObjectNode args, List<String> known) {
    this(call, args, known, "");
  }

  private WalArguments(String call, ObjectNode args, List<String> known, String prefix) {
    this.args = args == null ? OperationJson.MAPPER.createObjectNode() : args;
    this.prefix = prefix;
    for (String name : this.args.propertyNames()) {
      if (!known.contains(name) && !this.args.get(name).isNull()) {
        throw new InvalidOperationException(prefix + shownName(name), "is not an argument of " + call
            + "; it accepts " + (known.isEmpty() ? "no arguments" : String.join(", ", known)));
      }
    }
  }

  /** The arguments inside the object argument {@code field}, with the same strictness. */
  WalArguments nested(String field, String call, List<String> known) {
    return new WalArguments(call, object(field), known, prefix + field + ".");
  }

  static String shownName(String name) {
    return name.length() <= MAX_SHOWN_NAME ? name : name.substring(0, MAX_SHOWN_NAME) + "…";
  }

  private JsonNode present(String field) {
    JsonNode v = args.get(field);
    return v == null || v.isNull() ? null : v;
  }

  boolean has(String field) {
    return present(field) != null;
  }

  String requiredString(String field, int maxLength) {
    String s = optionalString(field, maxLength);
    if (s == null) throw new InvalidOperationException(prefix + field, "is required");
    return s;
  }

  /** A string of 1..{@code maxLength} characters, or null when absent. */
  String optionalString(String field, int maxLength) {
    return optionalString(field, 1, maxLength);
  }

  /** A string of {@code minLength..maxLength} characters, or null when absent. */
  String optionalString(String field, int minLength, int maxLength) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isString()) throw new InvalidOperationException(prefix + field, "must be a string, but was " + jsonType(v));
    String s = v.stringValue();
    if (s.length() < minLength) throw new InvalidOperationException(prefix + field, "must not be empty");
    if (s.length() > maxLength) {
      throw new InvalidOperationException(prefix + field, "must be at most " + maxLength + " characters, but was "
          + s.length() + " characters long");
    }
    return s;
  }

  /** A JSON boolean, or null when absent. */
  Boolean optionalBoolean(String field) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isBoolean()) throw new InvalidOperationException(prefix + field, "must be true or false, but was " + jsonType(v));
    return v.booleanValue();
  }

  /** One of {@code allowed} (exact, lower case), or null when absent. */
  String optionalChoice(String field, List<String> allowed) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isString() || !allowed.contains(v.stringValue())) {
      throw new InvalidOperationException(prefix + field, "must be one of " + String.join(", ", allowed)
          + (v.isString() ? "" : ", but was " + jsonType(v)));
    }
    return v.stringValue();
  }

  Integer optionalInteger(String field, int min, int max) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
      throw new InvalidOperationException(prefix + field, "must be an integer, but was " + jsonType(v));
    }
    if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
      throw new InvalidOperationException(prefix + field, "must be between " + min + " and " + max);
    }
    return (int) v.longValue();
  }

  int integer(String field, int defaultValue, int min, int max) {
    Integer i = optionalInteger(field, min, max);
    return i == null ? defaultValue : i;
  }

  /** A number of seconds in (0, maxSeconds]. */
  double seconds(String field, double defaultValue, double maxSeconds) {
    JsonNode v = present(field);
    if (v == null) return defaultValue;
    if (!v.isNumber()) {
      throw new InvalidOperationException(prefix + field, "must be a number of seconds, but was " + jsonType(v));
    }
    double d = v.asDouble();
    if (!(d > 0) || d > maxSeconds) {
      throw new InvalidOperationException(prefix + field, "must be > 0 and <= " + fmt(maxSeconds) + " seconds");
    }
    return d;
  }

  ObjectNode object(String field) {
    JsonNode v = present(field);
    if (v == null) return null;
    if (!v.isObject()) throw new InvalidOperationException(prefix + field, "must be an object, but was " + jsonType(v));
    return (ObjectNode) v;
  }

  /** The JSON type of a value ({@code string}, {@code object}, ...), never the value. */
  static String jsonType(JsonNode v) {
    if (v.isIntegralNumber()) return "an integer";
    if (v.isNumber()) return "a number";
    String t = v.getNodeType().name().toLowerCase(Locale.ROOT);
    return (t.startsWith("a") || t.startsWith("o") ? "an " : "a ") + t;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
