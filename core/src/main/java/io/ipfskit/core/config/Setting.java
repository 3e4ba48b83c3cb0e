package io.ipfskit.core.config;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One known setting: its name, the rule a value must follow (type and bounds), the default and a
 * doc line. The owner of a configuration (the WAL, the vault) declares its settings; the kit's
 * configuration gathers them into the one list of known keys.
 *
 * <p>{@link #parse} checks the rule at the edge and fails with a {@link ConfigException} naming the
 * key, the source and the rule; it never clamps, and never repeats the value.
 *
 * @param name the key, e.g. {@code IPFS_KIT_WAL_PERIODIC_INTERVAL_MS}
 * @param rule what a value must be, completing "must be …", e.g. {@code an integer from 1 to 3600000 (milliseconds)}
 * @param defaultText the default as documented (e.g. {@code 100}, {@code unset})
 * @param doc one line saying what the setting does
 * @param parser turns the raw text (untrimmed) into the value; throws {@link IllegalArgumentException} (any
 *     text, it is not shown) when the rule is broken. The factories trim and refuse empty text.
 * @param <T> the parsed type
 */
public record Setting<T>(String name, String rule, String defaultText, String doc, Function<String, T> parser) {

  public Setting {
    requireNonNull(name, "name");
    requireNonNull(rule, "rule");
    requireNonNull(defaultText, "defaultText");
    requireNonNull(doc, "doc");
    requireNonNull(parser, "parser");
    if (name.isBlank()) throw new IllegalArgumentException("name must not be blank");
  }

  /**
   * Parses {@code value} under this setting's rule.
   *
   * @throws ConfigException naming {@link #name}, the value's source and the rule
   */
  public T parse(SettingValue value) {
    return parse(name, value);
  }

  /** {@link #parse(SettingValue)}, naming the key as the caller knows it (e.g. {@code periodic_interval_ms}). */
  public T parse(String key, SettingValue value) {
    try {
      return parser.apply(value.raw());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ConfigException(key, value.source(), "must be " + rule);
    }
  }

  // ------------------------------------------------------------------ factories

  /** An integer from {@code min} to {@code max}, both included. */
  public static Setting<Integer> integer(String name, int min, int max, String unit, int defaultValue, String doc) {
    Setting<Long> asLong = longInteger(name, min, max, unit, defaultValue, doc);
    return new Setting<>(name, asLong.rule(), asLong.defaultText(), doc, raw -> Math.toIntExact(asLong.parser().apply(raw)));
  }

  /** A long integer from {@code min} to {@code max}, both included. */
  public static Setting<Long> longInteger(String name, long min, long max, String unit, long defaultValue, String doc) {
    checkBounds(name, min, max, defaultValue);
    String rule = "an integer from " + min + " to " + max + (unit == null ? "" : " (" + unit + ")");
    return new Setting<>(name, rule, Long.toString(defaultValue), doc, raw -> {
      long v = Long.parseLong(trimmed(raw));
      if (v < min || v > max) throw new IllegalArgumentException("out of bounds");
      return v;
    });
  }

  /** A whole number of milliseconds from {@code min} to {@code max}. */
  public static Setting<Duration> millis(String name, Duration min, Duration max, Duration defaultValue, String doc) {
    Setting<Long> ms = longInteger(name, min.toMillis(), max.toMillis(), "milliseconds", defaultValue.toMillis(), doc);
    return new Setting<>(name, ms.rule(), ms.defaultText(), doc, raw -> Duration.ofMillis(ms.parser().apply(raw)));
  }

  /** A number of seconds, fractions allowed ({@code 0.5}), from {@code min} to {@code max}. */
  public static Setting<Duration> seconds(String name, Duration min, Duration max, Duration defaultValue, String doc) {
    if (min.compareTo(max) > 0 || defaultValue.compareTo(min) < 0 || defaultValue.compareTo(max) > 0) {
      throw new IllegalArgumentException(name + ": bounds must hold the default, min <= default <= max");
    }
    String rule = "a number of seconds from " + secondsText(min) + " to " + secondsText(max);
    return new Setting<>(name, rule, secondsText(defaultValue), doc, raw -> {
      BigDecimal s = new BigDecimal(trimmed(raw));
      // Compare before converting: a huge value must not overflow into range.
      if (s.compareTo(seconds(min)) < 0 || s.compareTo(seconds(max)) > 0) throw new IllegalArgumentException("out of bounds");
      return Duration.ofNanos(s.movePointRight(9).longValueExact());
    });
  }

  /** {@code true}/{@code false} (also {@code yes}/{@code no}, {@code 1}/{@code 0}), any case. */
  public static Setting<Boolean> bool(String name, boolean defaultValue, String doc) {
    return new Setting<>(name, "true or false", Boolean.toString(defaultValue), doc,
        raw -> switch (trimmed(raw).toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes" -> true;
          case "false", "0", "no" -> false;
          default -> throw new IllegalArgumentException("not a boolean");
        });
  }

  /** One of the keys of {@code choices} (any case). */
  public static <E> Setting<E> choice(String name, Map<String, E> choices, String defaultText, String doc) {
    Map<String, E> copy = new LinkedHashMap<>(choices);
    if (!copy.containsKey(defaultText)) throw new IllegalArgumentException(name + ": the default must be one of the choices");
    return new Setting<>(name, "one of " + String.join(", ", copy.keySet()), defaultText, doc, raw -> {
      E e = copy.get(trimmed(raw).toLowerCase(Locale.ROOT));
      if (e == null) throw new IllegalArgumentException("not a choice");
      return e;
    });
  }

  /** Any non-empty text, trimmed ({@code rule} completes "must be …", e.g. {@code a non-empty path}). */
  public static Setting<String> text(String name, String rule, String defaultText, String doc) {
    return new Setting<>(name, rule, defaultText, doc, Setting::trimmed);
  }

  /** Any non-empty text kept exactly as given (a password: spaces count). */
  public static Setting<String> exactText(String name, String rule, String defaultText, String doc) {
    return new Setting<>(name, rule, defaultText, doc, raw -> {
      if (raw.isEmpty()) throw new IllegalArgumentException("empty");
      return raw;
    });
  }

  private static String trimmed(String raw) {
    String t = raw.trim();
    if (t.isEmpty()) throw new IllegalArgumentException("empty");
    return t;
  }

  private static void checkBounds(String name, long min, long max, long defaultValue) {
    if (min > max || defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(name + ": bounds must hold the default, min <= default <= max");
    }
  }

  private static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos()).movePointLeft(9);
  }

  /** Seconds as plain text without trailing zeros: {@code 0.001}, {@code 60}. */
  public static String secondsText(Duration d) {
    return seconds(d).stripTrailingZeros().toPlainString();
  }
}
