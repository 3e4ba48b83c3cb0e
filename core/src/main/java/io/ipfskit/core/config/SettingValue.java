package io.ipfskit.core.config;

import static java.util.Objects.requireNonNull;

/**
 * One raw setting as it was given, and where it came from. {@link #toString()} never shows the
 * text: some settings are secrets (a master password).
 */
public record SettingValue(String raw, SettingSource source) {
  public SettingValue {
    requireNonNull(raw, "raw");
    requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return "SettingValue[source=" + source + ", " + raw.length() + " characters]";
  }
}
