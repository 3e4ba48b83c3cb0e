package io.ipfskit.core.config;

import static java.util.Objects.requireNonNull;

/**
 * A setting that cannot be used: unknown, or its value breaks a rule. The message names the key,
 * where it came from and the rule, never the value (it may be a secret):
 * {@code IPFS_KIT_WAL_FSYNC_MODE (from environment): must be one of always, batch, periodic}.
 *
 * <p>It is an {@link IllegalArgumentException}, so every command reports it as a configuration
 * error (exit code 2).
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final transient SettingSource source;
  private final String rule;

  public ConfigException(String key, SettingSource source, String rule) {
    super(requireNonNull(key, "key") + " (from " + requireNonNull(source, "source") + "): " + requireNonNull(rule, "rule"));
    this.key = key;
    this.source = source;
    this.rule = rule;
  }

  public String key() {
    return key;
  }

  public SettingSource source() {
    return source;
  }

  public String rule() {
    return rule;
  }
}
