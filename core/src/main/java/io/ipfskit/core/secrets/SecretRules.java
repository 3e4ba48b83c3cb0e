package io.ipfskit.core.secrets;

import java.time.Duration;

/**
 * Input rules (ARCHITECTURE.md §2, the reference's validator, tightened where it was lax). Every
 * failure names field, rule and the shape of the input — never its content.
 */
final class SecretRules {
  static final int MAX_VALUE_BYTES = 64 * 1024;
  static final int MAX_SERVICE_CHARS = 256;
  static final Duration MAX_DURATION = Duration.ofDays(36_500);

  private SecretRules() {}

  static String service(String service) {
    if (service == null) {
      throw new SecretValidationException("service", "must be 1 to " + MAX_SERVICE_CHARS + " characters", "it was missing");
    }
    int n = service.codePointCount(0, service.length());
    if (service.isBlank() || n > MAX_SERVICE_CHARS) {
      throw new SecretValidationException("service", "must be 1 to " + MAX_SERVICE_CHARS + " characters and not blank",
          "was " + n + " characters long" + (n > 0 && service.isBlank() ? " and blank" : ""));
    }
    if (service.chars().anyMatch(Character::isISOControl)) {
      throw new SecretValidationException("service", "must not contain control characters", "it contains some");
    }
    wellFormed("service", service);
    for (int i = 0; i < service.length(); i++) {
      char c = service.charAt(i);
      if (isInvisibleFormatting(c)) {
        // Naming the code point is safe (the service name is listed anyway) and tells the caller what to remove.
        throw new SecretValidationException("service", INVISIBLE_RULE,
            String.format(java.util.Locale.ROOT, "it contains U+%04X at character %d", (int) c,
                service.codePointCount(0, i) + 1));
      }
    }
    return service;
  }

  static final String INVISIBLE_RULE = "must not contain bidirectional controls (U+061C, U+200E, U+200F,"
      + " U+202A to U+202E, U+2066 to U+2069) or zero-width characters (U+200B to U+200D, U+2060, U+FEFF),"
      + " which make what 'secrets list' shows differ from the stored name";

  /**
   * Bidi controls and zero-width characters: they reorder or hide text, so a service name holding
   * them can display as another one.
   */
  static boolean isInvisibleFormatting(char c) {
    return c == '\u061C' || c == '\u200E' || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069')
        || (c >= '\u200B' && c <= '\u200D')
        || c == '\u2060' || c == '\uFEFF';
  }

  /**
   * Refuses a lone UTF-16 surrogate: UTF-8 cannot encode it, and the encoder would silently store
   * {@code ?} instead, so the value read back would differ from the value given.
   */
  static void wellFormed(String field, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new SecretValidationException(field,
            "must be valid Unicode text (a UTF-16 surrogate must be paired: UTF-8 cannot store a lone one)",
            "it contains an unpaired surrogate");
      }
    }
  }

  static void value(String field, SecretType type, SecretValue value) {
    if (value == null) {
      throw new SecretValidationException(field, "is required", "it was missing");
    }
    String v = value.reveal();
    wellFormed(field, v);
    int bytes = utf8Length(v);
    if (bytes > MAX_VALUE_BYTES) {
      throw new SecretValidationException(field, "must be at most " + MAX_VALUE_BYTES + " bytes in UTF-8", "was " + bytes + " bytes");
    }
    int chars = v.codePointCount(0, v.length());
    String ofType = field + " of type " + type.wireName();
    switch (type) {
      case API_KEY -> {
        if (v.startsWith("AKIA") && chars != 20) {
          throw new SecretValidationException(ofType, "starting with AKIA (an AWS access key id) must be exactly 20 characters long",
              "was " + chars + " characters long");
        }
        if (chars < 10 || chars > 256) {
          throw new SecretValidationException(ofType, "must be 10 to 256 characters long", "was " + chars + " characters long");
        }
      }
      case TOKEN -> {
        if (chars < 10 || chars > 2048) {
          throw new SecretValidationException(ofType, "must be 10 to 2048 characters long", "was " + chars + " characters long");
        }
      }
      case CONNECTION_STRING -> {
        if (!(v.contains("://") || v.contains("=") || v.contains("@"))) {
          throw new SecretValidationException(ofType,
              "must contain '://', '=' or '@' (e.g. postgres://user@host/db or Server=host;Database=db)",
              "none of them occurs in the " + chars + " characters given");
        }
      }
      default -> {
        if (chars == 0) {
          throw new SecretValidationException(ofType, "must not be empty", "was 0 characters long");
        }
      }
    }
  }

  static void positive(String field, Duration d) {
    if (d == null) {
      return;
    }
    if (d.isNegative() || d.isZero()) {
      throw new SecretValidationException(field, "must be a positive number of seconds (omit it for none)", "was " + seconds(d));
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      throw new SecretValidationException(field, "must be at most " + MAX_DURATION.getSeconds() + " seconds (100 years)",
          "was " + seconds(d));
    }
  }

  private static String seconds(Duration d) {
    return d.getNano() == 0 ? Long.toString(d.getSeconds())
        : new java.math.BigDecimal(d.getSeconds()).add(java.math.BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros().toPlainString();
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
