package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

/** An operation was asked to move from a status that does not allow it (e.g. retry a completed one). */
public class IllegalTransitionException extends WalException {
  private static final long serialVersionUID = 1L;
  private final String operationId;
  private final OperationStatus from;
  private final OperationStatus to;

  /**
   * @param rule what the caller can do instead, e.g. "only failed or cancelled operations can be retried"
   */
  public IllegalTransitionException(String operationId, OperationStatus from, OperationStatus to, String rule) {
    super(Kind.ILLEGAL_TRANSITION, "operation " + operationId + " cannot move from " + from.wireName() + " to "
        + to.wireName() + (rule == null ? "" : ": " + rule), null);
    this.operationId = requireNonNull(operationId, "operationId");
    this.from = requireNonNull(from, "from");
    this.to = requireNonNull(to, "to");
  }

  public String operationId() {
    return operationId;
  }

  public OperationStatus from() {
    return from;
  }

  public OperationStatus to() {
    return to;
  }
}
