package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.stdio.JsonRpcLineFilter.Kind;
import io.ipfskit.server.stdio.JsonRpcLineFilter.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRpcLineFilterTest {

  private final JsonRpcLineFilter filter = new JsonRpcLineFilter();

  private Verdict check(String line) {
    return filter.check(line.getBytes(UTF_8));
  }

  @Test
  void check_request_forwardsWithMethodAndId() {
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"tools/list\",\"params\":{}}");
    assertEquals(Kind.FORWARD_REQUEST, verdict.kind());
    assertEquals("tools/list", verdict.method());
    assertEquals("a-1", verdict.id().asString());
    assertNull(verdict.errorResponse());
  }

  @Test
  void check_notification_forwardsAsOther() {
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    assertEquals(Kind.FORWARD_OTHER, verdict.kind());
    assertEquals("notifications/initialized", verdict.method());
  }

  @Test
  void check_responseToServerRequest_forwardsAsOther() {
    assertEquals(Kind.FORWARD_OTHER, check("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}").kind());
  }

  @Test
  void check_blankLine_isIgnored() {
    assertEquals(Kind.IGNORE, check("  \t\r").kind());
  }

  @Test
  void check_notJson_isParseErrorWithNullIdAndNoEcho() {
    Verdict verdict = check("secret-looking junk");
    assertEquals(Kind.REJECT, verdict.kind());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: the line is"
        + " not a complete JSON value (error at column 1); send one JSON-RPC message per line\"}}", verdict.errorResponse());
  }

  @Test
  void check_wrongVersion_isInvalidRequestWithTheReadableId() {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,\"message\":\"Invalid Request: 'jsonrpc'"
            + " must be the string \\\"2.0\\\", but was missing\"}}",
        check("{\"id\":7,\"method\":\"ping\"}").errorResponse());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"|-|-32700",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing|-|-32700",
      "[]|-|-32600",
      "42|-|-32600",
      "\"text\"|-|-32600",
      "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"x\"}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":\"p\"}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"id\":1}|-|-32600",
      "{\"jsonrpc\":\"2.0\",\"result\":{}}|-|-32600"})
  void check_malformedMessage_isRejectedWithCode(String line, String ignored, int code) {
    Verdict verdict = check(line);
    assertEquals(Kind.REJECT, verdict.kind(), line);
    assertEquals(code, StdioTestJson.code(verdict.errorResponse()), verdict.errorResponse());
  }

  @Test
  void check_toolsCallWithArrayArguments_isInvalidParamsNamingTheField() {
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"secrets_list\",\"arguments\":[]}}");
    assertEquals(Kind.REJECT, verdict.kind());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32602,\"message\":\"Invalid params:"
        + " 'arguments' must be an object, but was an array\"}}", verdict.errorResponse());
  }

  @Test
  void check_setLevelWithUnknownLevel_isInvalidParamsNamingTheFieldWithoutTheValue() {
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"id\":\"L\",\"method\":\"logging/setLevel\","
        + "\"params\":{\"level\":\"loud-and-secret\"}}");
    assertEquals(-32602, StdioTestJson.code(verdict.errorResponse()));
    assertTrue(verdict.errorResponse().contains("'level' must be one of debug, info, notice, warning, error,"
        + " critical, alert, emergency"), verdict.errorResponse());
    assertTrue(verdict.errorResponse().contains("\"id\":\"L\""), verdict.errorResponse());
    assertFalse(verdict.errorResponse().contains("loud-and-secret"), verdict.errorResponse());
  }

  @Test
  void check_setLevelWithKnownLevel_isForwarded() {
    assertEquals(Kind.FORWARD_REQUEST, check("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\","
        + "\"params\":{\"level\":\"warning\"}}").kind());
  }

  @Test
  void check_nestedDeeperThanTheLimit_isParseErrorWithTheIdReadFromTheStart() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"id\":\"deep-1\",\"method\":\"tools/call\",\"params\":{\"x\":"
        + deep + "}}");
    assertEquals(Kind.REJECT, verdict.kind());
    assertEquals(-32700, StdioTestJson.code(verdict.errorResponse()));
    assertTrue(verdict.errorResponse().contains("\"id\":\"deep-1\""), verdict.errorResponse());
    assertTrue(verdict.errorResponse().contains("nested deeper than 500 levels"), verdict.errorResponse());
  }

  @Test
  void check_nestedDeeperThanTheLimitBeforeTheId_isParseErrorWithNullId() {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    Verdict verdict = check("{\"jsonrpc\":\"2.0\",\"params\":{\"x\":" + deep + "},\"id\":5,\"method\":\"m\"}");
    assertTrue(verdict.errorResponse().contains("\"id\":null"), verdict.errorResponse());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"id\":12,\"jsonrpc\":\"2.0\",\"params\":{\"a\":\"cut off here|12",
      "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":\"s-9\",\"params\":{\"b\":[1,2,|\"s-9\"",
      "{\"jsonrpc\":\"2.0\",\"params\":{\"a\":\"cut off before the id|null",
      "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":|null",
      "[{\"id\":3}|null",
      "not json|null"})
  void sniffId_prefixOfAMessage_readsTheTopLevelIdWhenItComesFirst(String prefix, String expected) {
    byte[] bytes = prefix.getBytes(UTF_8);
    tools.jackson.databind.JsonNode id = filter.sniffId(bytes, bytes.length);
    assertEquals(expected, String.valueOf(id));
  }
}
