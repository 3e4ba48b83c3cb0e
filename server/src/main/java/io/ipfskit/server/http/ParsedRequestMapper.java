package io.ipfskit.server.http;

import io.ipfskit.server.tools.ForwardingJsonMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SDK's JSON mapper with two shortcuts on the Streamable HTTP {@code tools/call} path. The SDK's
 * servlet parses a request body into a map and then converts that map into a {@link JSONRPCRequest}
 * with {@code convertValue}; the server converts the params into a {@link CallToolRequest} the same
 * way: two Jackson round trips through a token buffer of values Jackson has just built. Here a map
 * this mapper parsed itself (a {@link Parsed}: nothing but the plain values of a JSON document) is
 * turned into those records directly when its fields already have the types the records take
 * ({@code jsonrpc}, {@code method} and {@code name} strings, an integer or string {@code id},
 * {@code arguments}/{@code _meta} objects or absent); anything else, and every other conversion,
 * takes Jackson's path unchanged, with its checks and its errors.
 */
final class ParsedRequestMapper extends ForwardingJsonMapper {

  /** A JSON object this mapper parsed: string keys, plain JSON values (maps, lists, strings, numbers, booleans, null). */
  public static final class Parsed extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public Parsed() {
      super();
    }

    Parsed(Map<String, Object> m) {
      super(m);
    }
  }

  ParsedRequestMapper(McpJsonMapper delegate) {
    super(delegate);
  }

  /** The request built directly, or null when {@code value} needs Jackson's conversion. */
  static JSONRPCRequest directRequest(Object value) {
    if (!(value instanceof Parsed m)) return null;
    Object jsonrpc = m.get("jsonrpc");
    Object method = m.get("method");
    Object id = m.get("id");
    if (!(jsonrpc instanceof String j) || j.isBlank() || !(method instanceof String)
        || !(id instanceof String || id instanceof Integer || id instanceof Long)) {
      return null;
    }
    Object params = m.get("params");
    if (params instanceof Map<?, ?> p && allStringKeys(p)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) p;
      params = new Parsed(typed); // marks the params as parsed here too (a shallow copy of a few entries)
    }
    return new JSONRPCRequest(j, (String) method, id, params);
  }

  /** The tool call built directly, or null when {@code params} needs Jackson's conversion. */
  @SuppressWarnings("unchecked")
  static CallToolRequest directCall(Object params) {
    if (!(params instanceof Parsed m)) return null;
    Object name = m.get("name");
    Object arguments = m.get("arguments");
    Object meta = m.get("_meta");
    if (!(name instanceof String)
        || !(arguments == null || arguments instanceof Map<?, ?> a && allStringKeys(a))
        || !(meta == null || meta instanceof Map<?, ?> t && allStringKeys(t))) {
      return null;
    }
    return new CallToolRequest((String) name, (Map<String, Object>) arguments, (Map<String, Object>) meta);
  }

  private static boolean allStringKeys(Map<?, ?> m) {
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) return false;
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    if (type.getType() instanceof ParameterizedType p && p.getRawType() == HashMap.class
        && java.util.Arrays.equals(p.getActualTypeArguments(), new java.lang.reflect.Type[] {String.class, Object.class})) {
      // The servlet's message map (a HashMap): a LinkedHashMap, in the order of the JSON text, marked as parsed here.
      return (T) delegate.readValue(content, Parsed.class);
    }
    return delegate.readValue(content, type);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convertValue(Object fromValue, Class<T> type) {
    if (type == JSONRPCRequest.class) {
      JSONRPCRequest request = directRequest(fromValue);
      if (request != null) return (T) request;
    }
    return delegate.convertValue(fromValue, type);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    if (type.getType() == CallToolRequest.class) {
      CallToolRequest request = directCall(fromValue);
      if (request != null) return (T) request;
    }
    return delegate.convertValue(fromValue, type);
  }

}
