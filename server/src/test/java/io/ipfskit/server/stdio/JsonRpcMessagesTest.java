package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The single-parse path gives the SDK exactly what its own deserialisation would. */
class JsonRpcMessagesTest {

  private final JsonRpcLineFilter filter = new JsonRpcLineFilter();
  private final McpJsonMapper mapper = McpJsonDefaults.getMapper();

  private JSONRPCMessage convert(String line) throws Exception {
    byte[] bytes = line.getBytes(UTF_8);
    return JsonRpcMessages.of(filter.check(bytes), mapper, bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_statistics\",\"arguments\":{}}}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"tools/list\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\",\"params\":{}}",
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"wal_list_operations\","
          + "\"arguments\":{\"limit\":10,\"ratio\":0.5,\"flag\":true,\"none\":null,\"tags\":[\"a\",1,{\"b\":[]}],"
          + "\"big\":123456789012345678901234567890},\"_meta\":{\"progressToken\":\"p-1\"}}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3,\"reason\":\"x\"}}",
      "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"roots\":[]}}"})
  void of_anyForwardedMessage_equalsTheSdksOwnDeserialisation(String line) throws Exception {
    assertEquals(McpSchema.deserializeJsonRpcMessage(mapper, line), convert(line));
  }

  @Test
  void of_request_keepsMethodIdAndParamTypes() throws Exception {
    JSONRPCRequest request = assertInstanceOf(JSONRPCRequest.class, convert(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"n\",\"arguments\":{\"limit\":5}}}"));
    assertEquals("tools/call", request.method());
    assertEquals(Integer.valueOf(7), request.id());
    assertEquals(java.util.Map.of("name", "n", "arguments", java.util.Map.of("limit", 5)), request.params());
  }

  @Test
  void of_notificationWithoutParams_hasNullParams() throws Exception {
    JSONRPCNotification notification = assertInstanceOf(JSONRPCNotification.class,
        convert("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
    assertNull(notification.params());
  }

  @Test
  void of_responseToAServerRequest_isAResponse() throws Exception {
    assertInstanceOf(JSONRPCResponse.class, convert("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"name\":\"secrets_statistics\",\"arguments\":{}}",
      "{\"name\":\"secrets_statistics\"}",
      "{\"name\":\"wal_list_operations\",\"arguments\":{\"limit\":10,\"ratio\":0.5,\"flag\":true,\"none\":null,"
          + "\"tags\":[\"a\",1,{\"b\":[]}],\"big\":123456789012345678901234567890},\"_meta\":{\"progressToken\":\"p-1\"}}",
      "{\"name\":\"x\",\"arguments\":null,\"_meta\":null}"})
  void directRequestMapper_callToolParams_equalsJacksonsConversion(String params) throws Exception {
    Object javaParams = JsonRpcMessages.toJava(tools.jackson.databind.json.JsonMapper.builder().build().readTree(params));
    io.modelcontextprotocol.json.TypeRef<McpSchema.CallToolRequest> type = new io.modelcontextprotocol.json.TypeRef<>() {};
    assertEquals(mapper.convertValue(javaParams, type), new DirectRequestMapper(mapper).convertValue(javaParams, type));
    assertInstanceOf(McpSchema.CallToolRequest.class, DirectRequestMapper.direct(javaParams), "built directly");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"name\":7}", "{\"name\":\"x\",\"task\":{}}", "{\"name\":\"x\",\"arguments\":[1]}"})
  void directRequestMapper_otherShapes_takeJacksonsPath(String params) throws Exception {
    Object javaParams = JsonRpcMessages.toJava(tools.jackson.databind.json.JsonMapper.builder().build().readTree(params));
    assertNull(DirectRequestMapper.direct(javaParams));
  }

  @Test
  void directRequestMapper_secretArgument_stillPrintsRedacted() throws Exception {
    Object javaParams = JsonRpcMessages.toJava(tools.jackson.databind.json.JsonMapper.builder().build()
        .readTree("{\"name\":\"secrets_store\",\"arguments\":{\"service\":\"gh\",\"secret_value\":\"hunter2-hunter2\"}}"));
    McpSchema.CallToolRequest request = DirectRequestMapper.direct(javaParams);
    assertEquals("hunter2-hunter2", request.arguments().get("secret_value"), "the tool gets the real value");
    assertEquals(false, request.toString().contains("hunter2"), request.toString());
  }
}
