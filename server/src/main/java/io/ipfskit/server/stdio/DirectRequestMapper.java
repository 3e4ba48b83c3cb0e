package io.ipfskit.server.stdio;

import io.ipfskit.server.tools.ForwardingJsonMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.util.Map;

/**
 * The SDK's JSON mapper with one shortcut on the {@code tools/call} path: the SDK turns a request's
 * params into a {@link CallToolRequest} with {@code convertValue} (a Jackson round trip through a
 * token buffer, about a sixth of a quick call's Jackson time). When the params are a map this
 * server built itself ({@link JsonRpcMessages}: already the plain Java values Jackson would
 * produce) holding only {@code name} (a string), {@code arguments} and {@code _meta} (objects or
 * absent), the record is built directly from them; anything else takes Jackson's path unchanged.
 * The arguments map stays the {@link InboundMessages.RedactingMap}, so a logged request still
 * prints secrets as [redacted].
 */
final class DirectRequestMapper extends ForwardingJsonMapper {

  DirectRequestMapper(McpJsonMapper delegate) {
    super(delegate);
  }

  /** The request built directly, or null when {@code params} needs Jackson's conversion. */
  @SuppressWarnings("unchecked")
  static CallToolRequest direct(Object params) {
    if (!(params instanceof InboundMessages.RedactingMap map)) return null;
    Object name = map.get("name");
    Object arguments = map.get("arguments");
    Object meta = map.get("_meta");
    int known = 1 + (map.containsKey("arguments") ? 1 : 0) + (map.containsKey("_meta") ? 1 : 0);
    if (!(name instanceof String) || known != map.size()
        || !(arguments == null || arguments instanceof InboundMessages.RedactingMap)
        || !(meta == null || meta instanceof InboundMessages.RedactingMap)) {
      return null;
    }
    return new CallToolRequest((String) name, (Map<String, Object>) arguments, (Map<String, Object>) meta);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    if (type.getType() == CallToolRequest.class) {
      CallToolRequest request = direct(fromValue);
      if (request != null) return (T) request;
    }
    return delegate.convertValue(fromValue, type);
  }

}
