package io.ipfskit.core.secrets;

/**
 * Input that breaks a rule. The message names the field, the rule and the shape of what was given
 * (its length, never its content), so a caller can fix the input without the value being echoed.
 */
public final class SecretValidationException extends VaultException {
  private final String field;
  private final String rule;

  public SecretValidationException(String field, String rule, String given) {
    super(field + " " + rule + ", but " + given);
    this.field = field;
    this.rule = rule;
  }

  /** The input field that was rejected, e.g. {@code secret_value}. */
  public String field() {
    return field;
  }

  /** The rule text, e.g. {@code must be 10 to 256 characters long}. */
  public String rule() {
    return rule;
  }
}
