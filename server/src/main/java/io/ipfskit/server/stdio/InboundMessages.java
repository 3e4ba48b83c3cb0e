package io.ipfskit.server.stdio;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns a vetted inbound request or notification into the SDK's message type with parameters whose
 * {@code toString()} never shows a secret: the SDK logs every inbound message at debug
 * ("Received request: ..."), so maps here print {@code secret_value=[redacted]} (and the same for
 * {@link #isSensitive sensitive} names) while the tools still get the real values. We also build
 * the message ourselves rather than with {@code McpSchema.deserializeJsonRpcMessage}, which logs
 * the raw line at debug.
 */
final class InboundMessages {

  static final String REDACTED = "[redacted]";
  private static final Set<String> SENSITIVE = Set.of("secret_value", "new_value", "value", "password",
      "master_password", "new_password", "old_password", "passphrase", "api_key", "private_key", "secret_key");

  private InboundMessages() {}

  /** Whether a parameter name holds a secret (value, password and the like): its value is never printed. */
  static boolean isSensitive(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return SENSITIVE.contains(n) || n.contains("password") || n.contains("passphrase") || n.endsWith("_secret");
  }

  /** A request (id present) or notification; null for anything else (responses go the SDK's way). */
  static JSONRPCMessage of(JsonNode message) {
    JsonNode method = message.get("method");
    if (method == null || !method.isString()) return null;
    JsonNode params = message.get("params");
    Object p = params == null || params.isNull() ? null : value(params);
    JsonNode id = message.get("id");
    if (id == null) return new JSONRPCNotification("2.0", method.stringValue(), p);
    Object idValue = id.isString() ? id.stringValue() : (Object) id.asLong();
    return new JSONRPCRequest("2.0", method.stringValue(), idValue, p);
  }

  static Object value(JsonNode node) {
    if (node.isObject()) {
      RedactingMap map = new RedactingMap();
      for (Map.Entry<String, JsonNode> e : node.properties()) map.put(e.getKey(), value(e.getValue()));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode n : node) list.add(value(n));
      return list;
    }
    if (node.isString()) return node.stringValue();
    if (node.isBoolean()) return node.booleanValue();
    if (node.isNull()) return null;
    if (node.isNumber()) return node.numberValue();
    return node.toString();
  }

  /** A map that prints sensitive values as {@value #REDACTED}; otherwise an ordinary LinkedHashMap. */
  static final class RedactingMap extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public String toString() {
      Iterator<Map.Entry<String, Object>> it = entrySet().iterator();
      StringBuilder sb = new StringBuilder("{");
      while (it.hasNext()) {
        Map.Entry<String, Object> e = it.next();
        sb.append(e.getKey()).append('=');
        sb.append(isSensitive(e.getKey()) && e.getValue() != null ? REDACTED : String.valueOf(e.getValue()));
        if (it.hasNext()) sb.append(", ");
      }
      return sb.append('}').toString();
    }
  }
}
