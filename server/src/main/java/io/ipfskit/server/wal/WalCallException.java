package io.ipfskit.server.wal;

import java.util.Locale;

/**
 * An expected failure of a WAL call, with a message meant for the caller (an MCP model or a person
 * at the CLI): it names the field, the rule and the value, and the fix where there is one. Crosses
 * the owner socket as {@code {kind, message}}.
 */
public final class WalCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public enum Kind {
    /** The caller's input breaks a rule; fix the input. */
    INVALID_ARGUMENT,
    /** No operation with that id. */
    NOT_FOUND,
    /** The operation is in a status that does not allow the call (e.g. retry a pending one). */
    CONFLICT,
    /** The log cannot serve now (owner unreachable, failed closed, interrupted); try later. */
    UNAVAILABLE,
    /** A bug or an I/O failure inside the log. */
    INTERNAL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String value) {
      for (Kind k : values()) {
        if (k.wireName().equals(value)) return k;
      }
      return INTERNAL;
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
