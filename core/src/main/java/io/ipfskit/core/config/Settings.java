package io.ipfskit.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A read-only view of the raw settings a process was started with, each with its source. The owners
 * of typed configurations ({@code WalConfig.from}, {@code VaultConfig.from}) parse from it; nothing
 * below the kit's configuration reads the environment or a file itself.
 */
public final class Settings {
  private static final Settings EMPTY = new Settings(Map.of());

  private final Map<String, SettingValue> values;

  private Settings(Map<String, SettingValue> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings empty() {
    return EMPTY;
  }

  /** The given values, keyed by setting name. */
  public static Settings of(Map<String, SettingValue> values) {
    requireNonNull(values, "values");
    values.forEach((k, v) -> {
      requireNonNull(k, "key");
      requireNonNull(v, "value of " + k);
    });
    return new Settings(values);
  }

  /** Texts that all came from {@code source} (handy for tests and live updates). */
  public static Settings of(Map<String, String> texts, SettingSource source) {
    requireNonNull(source, "source");
    Map<String, SettingValue> values = new TreeMap<>();
    texts.forEach((k, v) -> values.put(k, new SettingValue(v, source)));
    return of(values);
  }

  /** The raw value of {@code name}, if it was given. */
  public Optional<SettingValue> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The value of {@code setting} parsed, if it was given. @throws ConfigException when it breaks the rule */
  public <T> Optional<T> find(Setting<T> setting) {
    SettingValue v = values.get(setting.name());
    return v == null ? Optional.empty() : Optional.of(setting.parse(v));
  }

  /** The value of {@code setting} parsed, else {@code defaultValue}. @throws ConfigException when it breaks the rule */
  public <T> T get(Setting<T> setting, T defaultValue) {
    return find(setting).orElse(defaultValue);
  }

  /** Where {@code name} came from: its source, or {@link SettingSource#defaultValue()} when not given. */
  public SettingSource source(String name) {
    SettingValue v = values.get(name);
    return v == null ? SettingSource.defaultValue() : v.source();
  }

  /** Every given value by name, sorted. */
  public Map<String, SettingValue> asMap() {
    return values;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Settings[");
    values.forEach((k, v) -> b.append(b.length() > 9 ? ", " : "").append(k).append(" from ").append(v.source()));
    return b.append(']').toString();
  }
}
