package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading a discarded line for what an answer needs: id, method, tool, largest argument. */
class OversizedMessageTest {

  private static OversizedMessage read(String line) {
    return OversizedMessage.read(new ByteArrayInputStream(line.getBytes(UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"id\":\"x-1\",\"method\":\"ping\"}|\"x-1\"|ping",
      "{\"method\":\"tools/list\",\"params\":{\"cursor\":\"abc\"},\"id\":12}|12|tools/list",
      "{\"id\":1.5,\"method\":\"ping\"}||ping",
      "{\"id\":123456789012345678901234567890,\"method\":\"ping\"}||ping",
      "[1,2]||",
      "{\"method\":\"ping\",\"id\":7,\"x\":[[[[|7|ping",
      "{\"params\":{\"a\":[1,{\"b\":\"c\"}]},\"id\":3,\"method\":\"resources/read\"}|3|resources/read"})
  void read_anyShape_findsTopLevelIdAndMethodWhereverTheyAre(String line, String id, String method) {
    OversizedMessage m = read(line);
    assertEquals(id, m.id() == null ? null : m.id().toString());
    assertEquals(method, m.method());
  }

  @Test
  void read_toolsCall_namesTheToolAndTheLargestArgument() {
    OversizedMessage m = read("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"wal_add_operation\","
        + "\"arguments\":{\"operation_type\":\"add\",\"params\":{\"content\":\"" + "q".repeat(5000) + "\"},\"priority\":5}}}");
    assertEquals("wal_add_operation", m.tool());
    assertEquals("params", m.largestArgument());
    assertEquals(5000 + 15, m.largestArgumentBytes(), "from the value's first byte to the next token (the comma counts)");
  }

  @Test
  void read_argumentNameNotPlain_notRepeated() {
    OversizedMessage m = read("{\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":{\"<script>\":\""
        + "q".repeat(100) + "\"}}}");
    assertNull(m.largestArgument());
    assertEquals(102, m.largestArgumentBytes());
  }

  @Test
  void read_hugeMethodOrName_notMaterialisedIdBeforeItKept() {
    OversizedMessage m = read("{\"id\":9,\"method\":\"" + "m".repeat(100_000) + "\",\"id\":10}");
    assertEquals("9", m.id().toString(), "reading stops at the too-long method; the id before it is kept");
    assertNull(m.method());
  }

  @Test
  void oversizedAnswer_toolsCallAndOther_toolErrorOrInvalidRequestWithTheId() throws Exception {
    JsonRpcLineFilter filter = new JsonRpcLineFilter();
    JsonMapper json = JsonMapper.builder().build();
    OversizedMessage call = read("{\"id\":\"c\",\"method\":\"tools/call\",\"params\":{\"name\":\"secrets_store\","
        + "\"arguments\":{\"service\":\"s\",\"secret_value\":\"" + "v".repeat(3000) + "\"}}}");
    JsonNode toolError = json.readTree(StdioServer.oversizedAnswer(filter, new BoundedLineReader.Line(null, 3100, call), 2048));
    assertEquals("c", toolError.path("id").asString());
    assertTrue(toolError.path("result").path("isError").asBoolean());
    assertEquals("The call to secrets_store was not run: a message of 3100 bytes exceeds the limit of 2048 bytes"
        + " (setting IPFS_KIT_MAX_MESSAGE_BYTES=2048); the largest argument was 'secret_value' (3002 bytes)."
        + " Send large content as a file path (wal_add_operation params.path) instead of inline.",
        toolError.path("result").path("content").get(0).path("text").asString());
    assertFalse(toolError.toString().contains("vvvv"));

    OversizedMessage other = read("{\"method\":\"resources/read\",\"params\":{\"uri\":\"" + "u".repeat(3000) + "\"},\"id\":4}");
    JsonNode invalid = json.readTree(StdioServer.oversizedAnswer(filter, new BoundedLineReader.Line(null, 3050, other), 2048));
    assertEquals(4, invalid.path("id").asInt());
    assertEquals(-32600, invalid.path("error").path("code").asInt());

    JsonNode noId = json.readTree(StdioServer.oversizedAnswer(filter,
        new BoundedLineReader.Line(null, 3050, OversizedMessage.NOTHING), 2048));
    assertTrue(noId.path("id").isNull());
    assertEquals(-32600, noId.path("error").path("code").asInt());
  }
}
