package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.BackendUnavailableException;
import java.time.Duration;

/**
 * The resilience layer refused a call without sending it: the breaker is open, the backend is
 * recovering and this call was not admitted, or the adaptive in-flight limit is reached. It is
 * {@code UNAVAILABLE}: the write-ahead log waits without spending a retry, and {@link
 * Resilience#retrying} does not retry it.
 */
public class CallRejectedException extends BackendUnavailableException {
  private static final long serialVersionUID = 1L;

  /** Why the call was refused. */
  public enum Reason { BREAKER_OPEN, RECOVERING, CONCURRENCY_LIMIT }

  private final Reason reason;
  private final Duration retryAfter;

  public CallRejectedException(String message, Reason reason, Duration retryAfter) {
    super(message, null);
    this.reason = requireNonNull(reason, "reason");
    this.retryAfter = requireNonNull(retryAfter, "retryAfter");
  }

  /** No stack trace: this is the fast-fail path, and where it was thrown says nothing the message does not. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  public Reason reason() {
    return reason;
  }

  /** When trying again may pass (zero when unknown or at once). */
  public Duration retryAfter() {
    return retryAfter;
  }
}
