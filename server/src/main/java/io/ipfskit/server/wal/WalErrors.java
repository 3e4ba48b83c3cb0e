package io.ipfskit.server.wal;

import io.ipfskit.core.wal.WalException;
import java.util.Locale;

/**
 * The one place WAL failures get their kind, and how a kind crosses the owner socket
 * ({@code {kind, message}} with {@link WalException.Kind#wireName()}) and comes back as the same kind.
 */
final class WalErrors {
  private WalErrors() {}

  /**
   * Gives a core failure its kind. Until the core throws only {@link WalException}s, a bare
   * {@link IllegalArgumentException} is an invalid operation and an {@link IllegalStateException}
   * an illegal transition; anything else is not translated.
   */
  static RuntimeException translate(RuntimeException e) {
    if (e instanceof WalException || e instanceof WalCallException) return e;
    // A refused path's message names the argument and the root rule, never the path.
    if (e instanceof io.ipfskit.core.files.PathRefusedException) return new RemoteWalException(WalException.Kind.INVALID_OPERATION, e.getMessage());
    if (e instanceof IllegalArgumentException) return new RemoteWalException(WalException.Kind.INVALID_OPERATION, e.getMessage());
    if (e instanceof IllegalStateException) return new RemoteWalException(WalException.Kind.ILLEGAL_TRANSITION, e.getMessage());
    return e;
  }

  /** The exception a socket error answer stands for: same kind, same message. */
  static RuntimeException fromWire(String kind, String message) {
    String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
    for (WalException.Kind wk : WalException.Kind.values()) {
      if (wk.wireName().equals(k)) return new RemoteWalException(wk, message);
    }
    return switch (k) {
      // names an owner of the previous protocol revision sends
      case "invalid_argument" -> new RemoteWalException(WalException.Kind.INVALID_OPERATION, message);
      case "not_found" -> new RemoteWalException(WalException.Kind.OPERATION_NOT_FOUND, message);
      case "conflict" -> new RemoteWalException(WalException.Kind.ILLEGAL_TRANSITION, message);
      case "unavailable" -> new WalCallException(WalCallException.Kind.UNAVAILABLE, message);
      default -> new WalCallException(WalCallException.Kind.INTERNAL, message);
    };
  }

  /** The wire name of a failure's kind, for the socket error answer. */
  static String wireKind(RuntimeException e) {
    if (e instanceof WalException w) return w.kind().wireName();
    if (e instanceof WalCallException c) return c.kind().wireName();
    return WalCallException.Kind.INTERNAL.wireName();
  }

  /** A {@link WalException} that happened in another process (or was translated here), with its kind. */
  static final class RemoteWalException extends WalException {
    private static final long serialVersionUID = 1L;

    RemoteWalException(Kind kind, String message) {
      super(kind, message, null);
    }
  }
}
