package io.ipfskit.server.http;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Short JSON-RPC error bodies for HTTP errors: {@code {"jsonrpc":"2.0","id":null,"error":{"code":…,
 * "message":"…"}}}. The MCP SDK 2.1.0 servlet writes a serialized {@code McpError} (with a Java stack
 * trace) into its 400/404 bodies (java-sdk issue #955); {@link #fromSdkBody} keeps only its JSON-RPC
 * code and message. A message is cut to {@value #MAX_MESSAGE_CHARS} characters, and one that looks
 * like a stack frame or names an exception class is replaced by the status's default text.
 */
final class JsonErrors {

  static final int MAX_MESSAGE_CHARS = 200;
  /** JSON-RPC "Invalid Request". */
  static final int INVALID_REQUEST = -32600;
  /** Implementation-defined server error (transport level: auth, origin, limits). */
  static final int SERVER_ERROR = -32000;
  /** Session not found, as the TypeScript SDK answers it. */
  static final int SESSION_NOT_FOUND = -32001;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern JAVA_INTERNALS = Pattern.compile(
      "(?s).*(\\bat [\\w$.]+\\(|[\\w$]+\\.[\\w$.]*(Exception|Error)\\b|\"stackTrace\").*");

  private JsonErrors() {}

  /** The body for {@code status} with {@code message} (sanitised; null or unusable: the status's default). */
  static byte[] body(int status, String message) {
    return withCode(defaultCode(status), sanitize(status, message));
  }

  /** The body with this JSON-RPC {@code code} and {@code message} (used as given). */
  static byte[] withCode(int code, String message) {
    return ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",\"message\":" + quote(message) + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The body replacing what the SDK wrote for {@code status}: its JSON-RPC error's code and message
   * when the text holds a serialized {@code McpError}, else the status's default.
   */
  static byte[] fromSdkBody(int status, byte[] written) {
    int code = defaultCode(status);
    String message = null;
    try {
      JsonNode root = JSON.readTree(written);
      JsonNode err = root.path("jsonRpcError");
      if (err.isMissingNode()) err = root.path("error");
      if (err.path("code").isIntegralNumber()) code = err.path("code").asInt();
      if (err.path("message").isString()) message = err.path("message").asString();
      else if (root.path("message").isString()) message = root.path("message").asString();
    } catch (RuntimeException notJson) {
      // fall back to the default text
    }
    if (status == 404) {
      // The SDK says "Session not found: <the id sent>"; do not echo the client's header back.
      return withCode(SESSION_NOT_FOUND, defaultMessage(404));
    }
    return withCode(code, sanitize(status, message));
  }

  /** True when a body written by a servlet must not reach the client as it is (a Java exception). */
  static boolean leaksJavaInternals(byte[] written) {
    return JAVA_INTERNALS.matcher(new String(written, StandardCharsets.UTF_8)).matches();
  }

  static int defaultCode(int status) {
    return switch (status) {
      case 400, 413, 415 -> INVALID_REQUEST;
      case 404 -> SESSION_NOT_FOUND;
      default -> SERVER_ERROR;
    };
  }

  static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized: send the server's token as 'Authorization: Bearer <token>'";
      case 403 -> "Forbidden: the Origin is not allowed";
      case 404 -> "Not Found: unknown path, or the Mcp-Session-Id is unknown or expired (send initialize to start a"
          + " new session)";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type: Content-Type must be application/json";
      case 421 -> "Misdirected Request: the Host is not allowed";
      case 429 -> "Too Many Requests: too many failed authentications from this address; retry later";
      case 503 -> "Service Unavailable: the server is shutting down";
      default -> status >= 500 ? "Internal Server Error; see the server log" : "HTTP error " + status;
    };
  }

  static String sanitize(int status, String message) {
    if (message == null || message.isBlank() || JAVA_INTERNALS.matcher(message).matches()) {
      return defaultMessage(status);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < message.length() && b.length() < MAX_MESSAGE_CHARS; i++) {
      char c = message.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    return b.toString().trim();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
