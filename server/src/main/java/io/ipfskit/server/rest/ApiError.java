package io.ipfskit.server.rest;

import io.ipfskit.core.wal.InvalidOperationException;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.WalCallException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ObjectNode;

/**
 * One failed request as the client sees it: an HTTP status and the JSON body {@code {"error":
 * {"code", "message", "field"?}}}. {@link #of} is the one place a failure gets its status, so the
 * OpenAPI document ({@link Code}) and the answers cannot disagree. Messages come from the failure
 * (they name the field and the rule and never repeat a rejected value); no stack trace ever
 * reaches a body.
 *
 * @param field the query parameter, path parameter or body field at fault, or null
 */
record ApiError(Code code, String message, String field) {

  /** The error codes, each with its one HTTP status. */
  enum Code {
    /** A query parameter, path parameter or body field breaks a rule (names it and the rule). */
    INVALID_ARGUMENT(400),
    /** The request body is not a JSON object. */
    INVALID_JSON(400),
    /** No endpoint has this path. */
    NOT_FOUND(404),
    /** No live or archived operation has the id. */
    OPERATION_NOT_FOUND(404),
    /** The path exists, the method does not (the {@code Allow} header lists those that do). */
    METHOD_NOT_ALLOWED(405),
    /** The operation's status does not allow the move (e.g. retrying a completed operation). */
    ILLEGAL_TRANSITION(409),
    /** The operation names a backend this server has not configured. */
    BACKEND_NOT_CONFIGURED(409),
    /** The request body is larger than the endpoint accepts. */
    PAYLOAD_TOO_LARGE(413),
    /** The request body is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** A bug or an I/O failure around the log (see the server log). */
    INTERNAL(500),
    /** The log cannot serve now (owner unreachable, shutting down); try again later. */
    UNAVAILABLE(503),
    /** The log hit an fsync/I/O error and accepts nothing until the server restarts. */
    LOG_FAILED_CLOSED(503),
    /** The archive hit an I/O error and is closed until the server restarts. */
    ARCHIVE_FAILED_CLOSED(503);

    final int status;

    Code(int status) {
      this.status = status;
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static List<Code> withStatus(int status) {
      return Arrays.stream(values()).filter(c -> c.status == status).toList();
    }
  }

  ApiError {
    java.util.Objects.requireNonNull(code, "code");
    java.util.Objects.requireNonNull(message, "message");
  }

  int status() {
    return code.status;
  }

  ObjectNode toJson() {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    ObjectNode e = out.putObject("error");
    e.put("code", code.wireName());
    e.put("message", message);
    if (field != null) e.put("field", field);
    return out;
  }

  static ApiError invalid(String field, String rule) {
    return new ApiError(Code.INVALID_ARGUMENT, field + " " + rule, field);
  }

  /**
   * The answer for a failure a route threw, or null when it is not one we expect (a bug: the
   * caller answers 500 and logs it).
   */
  static ApiError of(RuntimeException e) {
    if (e instanceof Failure f) return f.error;
    if (e instanceof InvalidOperationException i) return new ApiError(Code.INVALID_ARGUMENT, i.getMessage(), i.field());
    if (e instanceof WalException w) {
      Code code = switch (w.kind()) {
        case INVALID_OPERATION -> Code.INVALID_ARGUMENT;
        case OPERATION_NOT_FOUND -> Code.OPERATION_NOT_FOUND;
        case ILLEGAL_TRANSITION -> Code.ILLEGAL_TRANSITION;
        case BACKEND_NOT_CONFIGURED -> Code.BACKEND_NOT_CONFIGURED;
        case LOG_FAILED_CLOSED -> Code.LOG_FAILED_CLOSED;
        case ARCHIVE_FAILED_CLOSED -> Code.ARCHIVE_FAILED_CLOSED;
      };
      return new ApiError(code, w.getMessage(), null);
    }
    if (e instanceof WalCallException c) {
      return new ApiError(c.kind() == WalCallException.Kind.UNAVAILABLE ? Code.UNAVAILABLE : Code.INTERNAL,
          c.getMessage(), null);
    }
    return null;
  }

  /** A request the REST layer itself refuses (bad query string, unknown path, wrong method, body). */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ApiError error;
    final String allow; // the Allow header of a 405, else null

    Failure(ApiError error) {
      this(error, null);
    }

    Failure(ApiError error, String allow) {
      super(error.message(), null, false, false); // never logged with a stack: it is the client's mistake
      this.error = error;
      this.allow = allow;
    }
  }
}
