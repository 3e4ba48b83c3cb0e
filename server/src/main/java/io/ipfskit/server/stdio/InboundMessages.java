package io.ipfskit.server.stdio;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Redaction of inbound parameters: the SDK logs every inbound message at debug ("Received request:
 * ..."), so {@link JsonRpcMessages} builds their objects as {@link RedactingMap}s, which print
 * {@code secret_value=[redacted]} (and the same for every {@link #isSensitive sensitive} name) while
 * the tools still get the real values. (The SDK's own {@code McpSchema.deserializeJsonRpcMessage}
 * would also log the raw line at debug; requests and notifications never take it.)
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
