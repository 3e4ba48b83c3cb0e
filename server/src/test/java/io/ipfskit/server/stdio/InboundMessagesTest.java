package io.ipfskit.server.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class InboundMessagesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** As the stdio server builds it: the filter's verdict, then {@link JsonRpcMessages#of}. */
  private static JSONRPCMessage message(tools.jackson.databind.JsonNode node) throws Exception {
    JsonRpcLineFilter.Verdict v = new JsonRpcLineFilter().check(JSON.writeValueAsBytes(node));
    return JsonRpcMessages.of(v, io.modelcontextprotocol.json.McpJsonDefaults.getMapper(), JSON.writeValueAsBytes(node));
  }

  @Test
  void of_toolsCallWithSecrets_printsThemRedactedButKeepsTheValues() throws Exception {
    JSONRPCMessage m = message(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"secrets_rotate\",\"arguments\":{\"secret_id\":\"abc\",\"new_value\":\"canary-1, x=y}\","
        + "\"nested\":{\"master_password\":\"canary-2\"},\"secret_value\":\"canary-3\"}}}"));
    String printed = m.toString();
    assertFalse(printed.contains("canary"), printed);
    assertTrue(printed.contains("new_value=[redacted]"), printed);
    assertTrue(printed.contains("secret_id=abc"), printed);
    JSONRPCRequest request = (JSONRPCRequest) m;
    assertEquals(3, ((Number) request.id()).intValue());
    @SuppressWarnings("unchecked")
    Map<String, Object> args = (Map<String, Object>) ((Map<String, Object>) request.params()).get("arguments");
    assertEquals("canary-1, x=y}", args.get("new_value"), "the tool still gets the real value");
    assertEquals("{\"name\":\"secrets_rotate\"", JSON.writeValueAsString(request.params()).substring(0, 24));
  }

  @Test
  void of_notification_hasNoId() throws Exception {
    JSONRPCMessage m = message(JSON.readTree("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assertEquals("notifications/initialized", ((io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification) m).method());
  }

  @Test
  void isSensitive_passwordLikeNames_areSensitive() {
    assertTrue(InboundMessages.isSensitive("IPFS_KIT_MASTER_PASSWORD"));
    assertTrue(InboundMessages.isSensitive("secret_value"));
    assertFalse(InboundMessages.isSensitive("secret_id"));
  }
}
