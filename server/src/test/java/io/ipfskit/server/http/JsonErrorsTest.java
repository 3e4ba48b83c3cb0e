package io.ipfskit.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;

class JsonErrorsTest {

  /** What the SDK 2.1.0 servlet writes into a 400 body: the McpError exception, serialized with its stack. */
  static byte[] sdkBody(int code, String message) throws Exception {
    McpError e = McpError.builder(code).message(message).build();
    return McpJsonDefaults.getMapper().writeValueAsString(e).getBytes(UTF_8);
  }

  @Test
  void fromSdkBody_serializedMcpError_keepsCodeAndMessageOnly() throws Exception {
    byte[] written = sdkBody(McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid message format: Failed to read value");
    assertTrue(new String(written, UTF_8).contains("stackTrace"), "the SDK body really holds a stack trace");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid message format:"
        + " Failed to read value\"}}", new String(JsonErrors.fromSdkBody(400, written), UTF_8));
  }

  @Test
  void fromSdkBody_sessionNotFound_doesNotEchoTheSessionId() throws Exception {
    String body = new String(JsonErrors.fromSdkBody(404, sdkBody(-32603, "Session not found: <script>x")), UTF_8);
    assertFalse(body.contains("script"), body);
    assertTrue(body.contains("\"code\":-32001"), body);
  }

  @Test
  void fromSdkBody_notJson_statusDefault() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Bad Request\"}}",
        new String(JsonErrors.fromSdkBody(400, "<html>".getBytes(UTF_8)), UTF_8));
  }

  @Test
  void sanitize_javaInternalsOrControlCharacters_replacedOrBlanked() {
    assertEquals("Bad Request", JsonErrors.sanitize(400, "java.lang.IllegalStateException: x"));
    assertEquals("Bad Request", JsonErrors.sanitize(400, "boom\n\tat io.ipfskit.X.y(X.java:1)"));
    assertEquals("a b", JsonErrors.sanitize(400, "a\u0000b"));
    assertEquals(JsonErrors.MAX_MESSAGE_CHARS, JsonErrors.sanitize(400, "x".repeat(1000)).length());
  }

  @Test
  void quote_escapesQuotesBackslashesAndMarkup() {
    assertEquals("\"a\\\"b\\\\c\\u003c\\u000a\"", JsonErrors.quote("a\"b\\c<\n"));
  }

  @Test
  void leaksJavaInternals_ownJsonErrorNot_stackTraceYes() {
    assertFalse(JsonErrors.leaksJavaInternals("{\"error\":\"no operation with id 'x'\"}".getBytes(UTF_8)));
    assertTrue(JsonErrors.leaksJavaInternals("{\"stackTrace\":[]}".getBytes(UTF_8)));
  }
}
