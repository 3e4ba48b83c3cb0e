package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class JsonTextTest {
  @Test
  void toBytes_awkwardValues_parseBackToTheSameTree() {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("quote\"key", "a \"quoted\" \\ back\\slash\n\t\r\u0001\u001f");
    p.put("unicode", "héllo wörld ✓ 😀 末尾");
    p.put("int", 42);
    p.put("long", Long.MAX_VALUE);
    p.put("double", -1.5e-7);
    p.put("bool", true);
    p.putNull("nothing");
    p.putArray("list").add(1).add("two").addObject().put("three", 3);
    p.putObject("nested").putObject("deeper").put("k", "v");
    byte[] json = JsonText.toBytes(p, new Bytes(8));
    JsonNode back = WriteAheadLog.JSON.readTree(json);
    assertEquals(p, back);
  }
}
