package io.ipfskit.server.stdio;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides, line by line, what reaches the SDK's stdio transport. The SDK (2.1.0) stops reading
 * its session at the first line it cannot turn into a JSON-RPC message, so everything it would
 * choke on is answered here with a JSON-RPC error and never passed on.
 *
 * <p>Rules (JSON-RPC 2.0 §5.1): not JSON → -32700 parse error, id null; JSON but not one
 * well-formed JSON-RPC 2.0 message (array/batch, no object, {@code jsonrpc} not "2.0", id neither
 * string nor integer, method not a non-empty string, params not an object, neither method nor
 * result/error) → -32600 invalid request, with the id when it is readable. Messages never echo
 * the offending input. Unknown methods pass: the SDK answers them with -32601.
 */
final class JsonRpcLineFilter {

  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;

  enum Kind { FORWARD_REQUEST, FORWARD_OTHER, REJECT, IGNORE }

  /**
   * What to do with one line: {@code errorResponse} is set for {@link Kind#REJECT}; {@code method}
   * and {@code id} for forwarded requests and notifications (id null for notifications);
   * {@code message} is the parsed line of every forwarded message, so it is parsed only once.
   */
  record Verdict(Kind kind, String errorResponse, String method, JsonNode id, JsonNode message) {}

  private static final Verdict BLANK = new Verdict(Kind.IGNORE, null, null, null, null);

  private final JsonMapper mapper =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  Verdict check(byte[] line) {
    if (isBlank(line)) {
      return BLANK;
    }
    JsonNode message;
    try {
      message = mapper.readTree(line);
    } catch (JacksonException e) {
      return reject(null, PARSE_ERROR, "Parse error: the line is not a complete JSON value"
          + location(e) + "; send one JSON-RPC message per line");
    }
    if (message == null || message.isMissingNode()) {
      return BLANK;
    }
    if (message.isArray()) {
      return reject(null, INVALID_REQUEST,
          "Invalid Request: JSON-RPC batches (arrays) are not supported; send one message per line");
    }
    if (!message.isObject()) {
      return reject(null, INVALID_REQUEST, "Invalid Request: a JSON-RPC message must be a JSON object,"
          + " but the line holds a " + kindOf(message));
    }
    JsonNode id = message.get("id");
    boolean hasId = id != null;
    boolean idReadable = hasId && (id.isString() || (id.isIntegralNumber() && id.canConvertToLong()));
    JsonNode replyId = idReadable ? id : null;
    if (hasId && !idReadable) {
      return reject(null, INVALID_REQUEST,
          "Invalid Request: 'id' must be a string or an integer, but was a " + kindOf(id));
    }
    JsonNode version = message.get("jsonrpc");
    if (version == null || !version.isString() || !"2.0".equals(version.stringValue())) {
      return reject(replyId, INVALID_REQUEST, "Invalid Request: 'jsonrpc' must be the string \"2.0\", but was "
          + (version == null ? "missing" : describeVersion(version)));
    }
    JsonNode method = message.get("method");
    if (method != null) {
      if (!method.isString() || method.stringValue().isEmpty()) {
        return reject(replyId, INVALID_REQUEST,
            "Invalid Request: 'method' must be a non-empty string, but was a " + kindOf(method));
      }
      JsonNode params = message.get("params");
      if (params != null && !params.isObject()) {
        return reject(replyId, INVALID_REQUEST,
            "Invalid Request: 'params' must be an object when present, but was a " + kindOf(params));
      }
      return new Verdict(hasId ? Kind.FORWARD_REQUEST : Kind.FORWARD_OTHER, null, method.stringValue(), id, message);
    }
    if (hasId && (message.has("result") || message.has("error"))) {
      return new Verdict(Kind.FORWARD_OTHER, null, null, null, message); // a response to a server-to-client request
    }
    return reject(replyId, INVALID_REQUEST, "Invalid Request: a message needs 'method' (request or"
        + " notification) or 'id' with 'result' or 'error' (response)");
  }

  /** A JSON-RPC error response line (without the trailing newline). */
  String errorResponse(JsonNode idOrNull, int code, String message) {
    ObjectNode response = mapper.createObjectNode();
    response.put("jsonrpc", "2.0");
    if (idOrNull == null) {
      response.putNull("id");
    } else {
      response.set("id", idOrNull);
    }
    ObjectNode error = response.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return mapper.writeValueAsString(response);
  }

  Verdict reject(JsonNode idOrNull, int code, String message) {
    return new Verdict(Kind.REJECT, errorResponse(idOrNull, code, message), null, null, null);
  }

  private static String describeVersion(JsonNode version) {
    if (version.isString()) {
      String text = version.stringValue();
      // A version string is protocol metadata, not user data; still, cap what we repeat.
      return text.length() <= 16 ? "\"" + text.replace("\"", "'") + "\"" : "a " + text.length() + "-character string";
    }
    return "a " + kindOf(version);
  }

  private static String kindOf(JsonNode node) {
    if (node.isObject()) return "object";
    if (node.isArray()) return "array";
    if (node.isString()) return "string";
    if (node.isBoolean()) return "boolean";
    if (node.isNull()) return "null";
    if (node.isNumber()) return "number";
    return "value";
  }

  private static String location(JacksonException e) {
    if (e.getLocation() == null || e.getLocation().getColumnNr() < 1) {
      return "";
    }
    return " (error at column " + e.getLocation().getColumnNr() + ")";
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
