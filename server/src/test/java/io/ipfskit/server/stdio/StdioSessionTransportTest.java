package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class StdioSessionTransportTest {

  @Test
  void oneLine_jsonWithoutRawBreaks_isReturnedAsIs() {
    byte[] json = "{\"text\":\"a\\nb\"}".getBytes(UTF_8);
    assertSame(json, StdioSessionTransport.oneLine(json));
  }

  @Test
  void oneLine_rawBreaks_becomeEscapedNewlines() {
    byte[] json = "{\"a\":1,\r\n\"b\":\n2,\r\"c\":3}".getBytes(UTF_8);
    assertEquals("{\"a\":1,\\n\"b\":\\n2,\\n\"c\":3}", new String(StdioSessionTransport.oneLine(json), UTF_8));
  }
}
