package io.ipfskit.core.secrets;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Kind of secret; the wire names are the reference system's. */
public enum SecretType {
  API_KEY,
  PASSWORD,
  TOKEN,
  CERTIFICATE,
  PRIVATE_KEY,
  CONNECTION_STRING;

  private static final String ALLOWED =
      Arrays.stream(values()).map(SecretType::wireName).collect(Collectors.joining(", "));

  /** The reference name, e.g. {@code api_key}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @param field the input field name used in the error message
   * @throws SecretValidationException naming the allowed values when {@code value} is not one
   */
  public static SecretType parse(String field, String value) {
    if (value == null) {
      throw new SecretValidationException(field, "must be one of " + ALLOWED, "it was missing");
    }
    for (SecretType t : values()) {
      if (t.wireName().equals(value)) {
        return t;
      }
    }
    String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    throw new SecretValidationException(field, "must be one of " + ALLOWED, "was '" + shown + "'");
  }
}
