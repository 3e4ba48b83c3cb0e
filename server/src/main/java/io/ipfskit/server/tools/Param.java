package io.ipfskit.server.tools;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One tool argument: its JSON Schema fragment and the check that enforces the same rule, so the
 * advertised schema and the validation cannot drift. Immutable; the fluent methods return copies.
 */
public final class Param {

  enum Kind { STRING, INTEGER, BOOLEAN }

  final String name;
  final Kind kind;
  final String description;
  final boolean required;
  final int minLength;
  final int maxLength;
  final Pattern pattern;
  final String patternRule;
  final long minimum;
  final long maximum;
  final List<String> allowed;
  final Object defaultValue;

  private Param(String name, Kind kind, String description, boolean required, int minLength,
      int maxLength, Pattern pattern, String patternRule, long minimum, long maximum,
      List<String> allowed, Object defaultValue) {
    this.name = name;
    this.kind = kind;
    this.description = description;
    this.required = required;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.pattern = pattern;
    this.patternRule = patternRule;
    this.minimum = minimum;
    this.maximum = maximum;
    this.allowed = allowed;
    this.defaultValue = defaultValue;
  }

  /** An optional string of 0..{@link Integer#MAX_VALUE} characters. */
  public static Param string(String name, String description) {
    return new Param(name, Kind.STRING, description, false, 0, Integer.MAX_VALUE, null, null, 0, 0, null, null);
  }

  /** An optional integer in the range of {@code long}. */
  public static Param integer(String name, String description) {
    return new Param(name, Kind.INTEGER, description, false, 0, 0, null, null, Long.MIN_VALUE,
        Long.MAX_VALUE, null, null);
  }

  public static Param bool(String name, String description) {
    return new Param(name, Kind.BOOLEAN, description, false, 0, 0, null, null, 0, 0, null, null);
  }

  public Param required() {
    return new Param(name, kind, description, true, minLength, maxLength, pattern, patternRule,
        minimum, maximum, allowed, defaultValue);
  }

  public Param length(int min, int max) {
    requireKind(Kind.STRING);
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("length bounds of '" + name + "' must satisfy 0 <= min <= max, but were "
          + min + ".." + max);
    }
    return new Param(name, kind, description, required, min, max, pattern, patternRule, minimum,
        maximum, allowed, defaultValue);
  }

  /** A full-match regular expression and the rule in words, used in error messages. */
  public Param pattern(String regex, String rule) {
    requireKind(Kind.STRING);
    return new Param(name, kind, description, required, minLength, maxLength, Pattern.compile(regex),
        rule, minimum, maximum, allowed, defaultValue);
  }

  public Param oneOf(List<String> values) {
    requireKind(Kind.STRING);
    return new Param(name, kind, description, required, minLength, maxLength, pattern, patternRule,
        minimum, maximum, List.copyOf(values), defaultValue);
  }

  public Param range(long min, long max) {
    requireKind(Kind.INTEGER);
    if (max < min) {
      throw new IllegalArgumentException("range of '" + name + "' must satisfy min <= max, but was " + min + ".." + max);
    }
    return new Param(name, kind, description, required, minLength, maxLength, pattern, patternRule,
        min, max, allowed, defaultValue);
  }

  /** The value used when the argument is absent; advertised as the schema's {@code default}. */
  public Param defaultValue(Object value) {
    if (required) {
      throw new IllegalStateException("'" + name + "' is required, so it cannot have a default");
    }
    return new Param(name, kind, description, false, minLength, maxLength, pattern, patternRule,
        minimum, maximum, allowed, value);
  }

  public String name() {
    return name;
  }

  Map<String, Object> schema() {
    Map<String, Object> schema = switch (kind) {
      case STRING -> {
        Map<String, Object> str = Schema.string(description, minLength, maxLength);
        if (pattern != null) str.put("pattern", "^" + pattern.pattern() + "$");
        if (allowed != null) str.put("enum", allowed);
        yield str;
      }
      case INTEGER -> Schema.integer(description, minimum, maximum);
      case BOOLEAN -> Schema.bool(description);
    };
    if (defaultValue != null) schema.put("default", defaultValue);
    return schema;
  }

  /**
   * Checks one present value and converts it to String, Long or Boolean.
   *
   * @throws InvalidArgumentException naming the argument, the rule and what was given (its type or
   *     length, never the value itself)
   */
  Object check(Object value) {
    switch (kind) {
      case STRING -> {
        if (!(value instanceof String text)) {
          throw wrongType("a string", value);
        }
        int length = text.codePointCount(0, text.length());
        if (length < minLength || length > maxLength) {
          throw new InvalidArgumentException(name, "'" + name + "' must be " + lengthRule()
              + ", but was " + length + " characters long");
        }
        if (allowed != null && !allowed.contains(text)) {
          throw new InvalidArgumentException(name, "'" + name + "' must be one of " + String.join(", ", allowed)
              + ", but was another " + length + "-character string");
        }
        if (pattern != null && !pattern.matcher(text).matches()) {
          throw new InvalidArgumentException(name, "'" + name + "' must be " + patternRule
              + ", but was a " + length + "-character string that is not");
        }
        return text;
      }
      case INTEGER -> {
        long number = integerValue(value);
        if (number < minimum || number > maximum) {
          throw new InvalidArgumentException(name, "'" + name + "' must be between " + minimum + " and "
              + maximum + ", but was " + number);
        }
        return number;
      }
      case BOOLEAN -> {
        if (!(value instanceof Boolean flag)) {
          throw wrongType("true or false", value);
        }
        return flag;
      }
    }
    throw new AssertionError(kind);
  }

  private long integerValue(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger big) {
      throw new InvalidArgumentException(name, "'" + name + "' must be between " + minimum + " and " + maximum
          + ", but was a " + big.bitLength() + "-bit integer");
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.0e15) {
        return (long) d; // JSON Schema counts 3600.0 as an integer
      }
      throw new InvalidArgumentException(name, "'" + name + "' must be a whole number, but was a fractional number");
    }
    throw wrongType("an integer", value);
  }

  private String lengthRule() {
    if (maxLength == Integer.MAX_VALUE) {
      return "at least " + minLength + " characters long";
    }
    return minLength + " to " + maxLength + " characters long";
  }

  private InvalidArgumentException wrongType(String expected, Object value) {
    return new InvalidArgumentException(name, "'" + name + "' must be " + expected + ", but was " + jsonType(value));
  }

  static String jsonType(Object value) {
    if (value == null) return "null";
    if (value instanceof String) return "a string";
    if (value instanceof Boolean) return "a boolean";
    if (value instanceof Number) return "a number";
    if (value instanceof Map) return "an object";
    if (value instanceof List) return "an array";
    return "a " + value.getClass().getSimpleName();
  }

  private void requireKind(Kind expected) {
    if (kind != expected) {
      throw new IllegalStateException("'" + name + "' is a " + kind + " parameter, not " + expected);
    }
  }
}
