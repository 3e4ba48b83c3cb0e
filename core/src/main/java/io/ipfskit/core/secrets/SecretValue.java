package io.ipfskit.core.secrets;

import java.util.Objects;

/**
 * A secret value. {@link #toString()} is redacted so it cannot leak through logs or string
 * concatenation; call {@link #reveal()} at the one place the plain text is needed.
 */
public final class SecretValue {
  private final String value;

  private SecretValue(String value) {
    this.value = value;
  }

  public static SecretValue of(String value) {
    Objects.requireNonNull(value, "value");
    return new SecretValue(value);
  }

  /** The plain text. */
  public String reveal() {
    return value;
  }

  /** Length in UTF-16 chars (what {@link String#length()} reports). */
  public int length() {
    return value.length();
  }

  /** Constant-time comparison of the two values. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SecretValue other)) {
      return false;
    }
    return java.security.MessageDigest.isEqual(
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // no information about the value
  }

  @Override
  public String toString() {
    return "SecretValue[redacted]";
  }
}
