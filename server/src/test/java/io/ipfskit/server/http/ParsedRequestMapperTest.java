package io.ipfskit.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shortcuts give what Jackson gives, and everything they do not cover takes Jackson's path. */
class ParsedRequestMapperTest {

  final McpJsonMapper jackson = McpJsonDefaults.getMapper();
  final ParsedRequestMapper mapper = new ParsedRequestMapper(jackson);
  static final TypeRef<CallToolRequest> CALL = new TypeRef<>() {};

  /** The servlet's path: parse the body, convert to a request, then the server converts the params. */
  CallToolRequest viaSdk(McpJsonMapper m, String body) throws Exception {
    JSONRPCRequest request = (JSONRPCRequest) McpSchema.deserializeJsonRpcMessage(m, body);
    return m.convertValue(request.params(), CALL);
  }

  @Test
  void toolsCall_plainShapes_sameRecordsAsJacksonBuiltDirectly() throws Exception {
    for (String body : List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":{}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":"
            + "{\"n\":1,\"s\":\"x\",\"l\":[1,{\"k\":null}],\"o\":{\"b\":true}},\"_meta\":{\"progressToken\":3}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":12345678901,\"method\":\"tools/call\",\"params\":{\"name\":\"t\"},\"extra\":1}")) {
      JSONRPCRequest expected = (JSONRPCRequest) McpSchema.deserializeJsonRpcMessage(jackson, body);
      JSONRPCRequest got = (JSONRPCRequest) McpSchema.deserializeJsonRpcMessage(mapper, body);
      assertEquals(expected.jsonrpc(), got.jsonrpc(), body);
      assertEquals(expected.method(), got.method(), body);
      assertEquals(expected.id(), got.id(), body);
      assertEquals(expected.params(), got.params(), body);
      assertInstanceOf(ParsedRequestMapper.Parsed.class, got.params(), "taken the direct way: " + body);
      assertEquals(viaSdk(jackson, body), viaSdk(mapper, body), body);
      assertEquals(jackson.writeValueAsString(expected), mapper.writeValueAsString(got), body);
    }
  }

  @Test
  void directCall_shapesJacksonMustJudge_null() {
    assertNull(ParsedRequestMapper.directCall(Map.of("name", "t")), "not parsed here");
    ParsedRequestMapper.Parsed arrayArguments = new ParsedRequestMapper.Parsed(Map.of("name", "t", "arguments", List.of()));
    assertNull(ParsedRequestMapper.directCall(arrayArguments));
    ParsedRequestMapper.Parsed numberName = new ParsedRequestMapper.Parsed(Map.of("name", 3));
    assertNull(ParsedRequestMapper.directCall(numberName));
    ParsedRequestMapper.Parsed noName = new ParsedRequestMapper.Parsed(Map.of("arguments", Map.of()));
    assertNull(ParsedRequestMapper.directCall(noName));
  }

  @Test
  void directRequest_shapesJacksonMustJudge_null() {
    assertNull(ParsedRequestMapper.directRequest(new ParsedRequestMapper.Parsed(
        Map.of("jsonrpc", 2, "method", "m", "id", 1))), "jsonrpc not a string");
    assertNull(ParsedRequestMapper.directRequest(new ParsedRequestMapper.Parsed(
        Map.of("jsonrpc", "2.0", "method", "m", "id", 1.5))), "a fractional id");
    assertNull(ParsedRequestMapper.directRequest(new ParsedRequestMapper.Parsed(
        Map.of("jsonrpc", "2.0", "method", List.of(), "id", 1))), "method not a string");
  }

  @Test
  void readValue_otherMapTypes_leftToJackson() throws Exception {
    java.util.HashMap<String, String> strings = mapper.readValue("{\"a\":1}",
        new TypeRef<java.util.HashMap<String, String>>() {});
    assertEquals("1", strings.get("a"), "Jackson's coercion to the declared value type");
    assertInstanceOf(ParsedRequestMapper.Parsed.class,
        mapper.readValue("{\"a\":1}", new TypeRef<java.util.HashMap<String, Object>>() {}));
  }

  @Test
  void toolsCall_argumentsArray_failsAsWithJackson() throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":[]}}";
    Exception jacksonFailure = assertThrows(RuntimeException.class, () -> viaSdk(jackson, body));
    Exception ours = assertThrows(RuntimeException.class, () -> viaSdk(mapper, body));
    assertEquals(jacksonFailure.getClass(), ours.getClass());
  }
}
