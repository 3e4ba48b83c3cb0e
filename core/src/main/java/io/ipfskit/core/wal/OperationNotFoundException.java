package io.ipfskit.core.wal;

/** No live or archived operation has the given id. */
public class OperationNotFoundException extends WalException {
  private static final long serialVersionUID = 1L;
  private final String operationId;

  public OperationNotFoundException(String operationId) {
    super(Kind.OPERATION_NOT_FOUND, "no operation with operation_id '" + operationId + "'", null);
    this.operationId = operationId;
  }

  public String operationId() {
    return operationId;
  }
}
