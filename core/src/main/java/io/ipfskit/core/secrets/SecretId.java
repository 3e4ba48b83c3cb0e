package io.ipfskit.core.secrets;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifier of a secret: 16 lower-case hexadecimal characters (the reference's shape). */
public final class SecretId implements Comparable<SecretId> {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String RULE = "must be 16 hexadecimal characters";

  private final String value;

  private SecretId(String value) {
    this.value = value;
  }

  /**
   * Parses an id; upper-case hex is accepted and normalised to lower case.
   *
   * @param field the input field name used in the error message, e.g. {@code secret_id}
   */
  public static SecretId parse(String field, String value) {
    if (value == null) {
      throw new SecretValidationException(field, RULE, "it was missing");
    }
    if (value.length() != 16) {
      throw new SecretValidationException(field, RULE, "was " + value.length() + " characters long");
    }
    char[] out = new char[16];
    for (int i = 0; i < 16; i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
        out[i] = c;
      } else if (c >= 'A' && c <= 'F') {
        out[i] = (char) (c + ('a' - 'A'));
      } else {
        throw new SecretValidationException(
            field, RULE, "character " + (i + 1) + " is not a hexadecimal digit");
      }
    }
    return new SecretId(new String(out));
  }

  /** A fresh random id (64 bits from {@link SecureRandom}). */
  public static SecretId random() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return new SecretId(HexFormat.of().formatHex(b));
  }

  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretId other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public int compareTo(SecretId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
