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
    return service;
  }

  static void value(String field, SecretType type, SecretValue value) {
    if (value == null) {
      throw new SecretValidationException(field, "is required", "it was missing");
    }
    String v = value.reveal();
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
