package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

/**
 * A write-ahead-log failure whose {@link Kind} tells callers what to do about it: the MCP edge picks
 * its text from it, the CLI its exit code, and a process forwarding a call to the log's owner
 * whether the call may be sent again. Messages name the field or state and the rule; they never
 * repeat a value the caller sent (it may be large, or secret).
 */
public abstract class WalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as a caller needs to know. */
  public enum Kind {
    /** No live or archived operation has the id. */
    OPERATION_NOT_FOUND(false, 1),
    /** The operation is in a status that does not allow the requested move. */
    ILLEGAL_TRANSITION(false, 1),
    /** The operation names a backend this process has not configured. */
    BACKEND_NOT_CONFIGURED(false, 2),
    /** The log hit an I/O error it cannot recover from in place; reopen and replay. */
    LOG_FAILED_CLOSED(true, 1),
    /** The archive hit an I/O error it cannot recover from in place. */
    ARCHIVE_FAILED_CLOSED(true, 1),
    /** The operation or argument breaks a rule; fix the input. */
    INVALID_OPERATION(false, 2);

    private final boolean mayRepeatElsewhere;
    private final int exitCode;

    Kind(boolean mayRepeatElsewhere, int exitCode) {
      this.mayRepeatElsewhere = mayRepeatElsewhere;
      this.exitCode = exitCode;
    }

    /**
     * True when the same call may succeed if sent again to a (new) owner of the log: the failure is
     * the log's state, not the caller's input or the operation's state.
     */
    public boolean mayRepeatElsewhere() {
      return mayRepeatElsewhere;
    }

    /** The CLI exit code: 1 for a failure, 2 for input the user must change (README, CLI). */
    public int exitCode() {
      return exitCode;
    }

    /** The wire name used over the owner socket: lower case. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Kind kind;

  protected WalException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = requireNonNull(kind, "kind");
  }

  public final Kind kind() {
    return kind;
  }
}
