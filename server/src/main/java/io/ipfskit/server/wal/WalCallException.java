package io.ipfskit.server.wal;

import java.util.Locale;

/**
 * The log could not be reached or failed inside: no owner answers, the connection closed, an
 * owner answered something this version does not understand. Failures of the call itself (bad
 * input, unknown id, illegal transition, log failed closed) are {@link io.ipfskit.core.wal.WalException}s.
 * The message is meant for the caller (an MCP model or a person at the CLI).
 */
public final class WalCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The log cannot serve now (owner unreachable, shutting down, interrupted); try later. */
    UNAVAILABLE,
    /** A bug or an I/O failure around the log. */
    INTERNAL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;

  public WalCallException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public WalCallException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
