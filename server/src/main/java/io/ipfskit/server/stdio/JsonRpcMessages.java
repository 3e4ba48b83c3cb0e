package io.ipfskit.server.stdio;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Turns a line the {@link JsonRpcLineFilter} already parsed and vetted into the SDK's message
 * type without parsing it again (the SDK's {@code McpSchema.deserializeJsonRpcMessage} parses the
 * text into a map and converts that map into the record: two more Jackson passes per request).
 *
 * <p>The values are those the SDK's own path produces: ids and params as plain Java values
 * (objects as {@link LinkedHashMap}, arrays as {@link ArrayList}, integers as {@link Integer},
 * {@link Long} or {@link java.math.BigInteger} by size, other numbers as {@link Double}), so
 * every handler downstream sees the same types. Responses to server-to-client requests (rare)
 * take the SDK's path.
 */
final class JsonRpcMessages {

  private JsonRpcMessages() {}

  /** The SDK message for a forwarded verdict ({@code verdict.message()} non-null). */
  static JSONRPCMessage of(JsonRpcLineFilter.Verdict verdict, McpJsonMapper mapper, byte[] line) throws IOException {
    JsonNode message = verdict.message();
    if (verdict.method() == null) {
      return McpSchema.deserializeJsonRpcMessage(mapper, new String(line, java.nio.charset.StandardCharsets.UTF_8));
    }
    JsonNode params = message.get("params");
    Object javaParams = params == null ? null : toJava(params);
    if (verdict.id() == null) {
      return new JSONRPCNotification(McpSchema.JSONRPC_VERSION, verdict.method(), javaParams);
    }
    return new JSONRPCRequest(McpSchema.JSONRPC_VERSION, verdict.method(), toJava(verdict.id()), javaParams);
  }

  /** The plain Java value of a JSON tree, as Jackson's untyped deserialisation would produce it. */
  static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        map.put(field.getKey(), toJava(field.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      for (JsonNode element : node) {
        list.add(toJava(element));
      }
      return list;
    }
    if (node.isString()) {
      return node.stringValue();
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return null; // JSON null (a missing node never reaches here)
  }
}
