package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

/**
 * An operation or argument breaks a rule. The message names the field and the rule, never the
 * rejected value.
 */
public class InvalidOperationException extends WalException {
  private static final long serialVersionUID = 1L;
  private final String field;

  /**
   * @param field the argument's name as the caller wrote it, e.g. {@code params.cid}
   * @param rule what a valid value looks like, e.g. "must be a CIDv1 string (bafy..., bafk...)"
   */
  public InvalidOperationException(String field, String rule) {
    super(Kind.INVALID_OPERATION, requireNonNull(field, "field") + " " + requireNonNull(rule, "rule"), null);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
