package io.ipfskit.core.wal;

import java.util.NoSuchElementException;

/** No live or archived operation has the given id. */
public class OperationNotFoundException extends NoSuchElementException {
  private static final long serialVersionUID = 1L;
  private final String operationId;

  public OperationNotFoundException(String operationId) {
    super("no operation with operation_id '" + operationId + "'");
    this.operationId = operationId;
  }

  public String operationId() {
    return operationId;
  }
}
