package io.ipfskit.core.wal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writes a JSON tree as compact UTF-8 JSON into a {@link Bytes}, without creating a Jackson
 * generator per call (the append path runs this for every new operation). Reading back uses
 * Jackson. Node types it does not know (binary, POJO) fall back to Jackson for the whole tree.
 */
final class JsonText {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private JsonText() {}

  static byte[] toBytes(JsonNode node, Bytes scratch) {
    scratch.reset();
    if (!write(node, scratch)) return WriteAheadLog.JSON.writeValueAsBytes(node);
    return java.util.Arrays.copyOf(scratch.buf, scratch.pos);
  }

  private static boolean write(JsonNode n, Bytes b) {
    if (n.isObject()) {
      b.put((byte) '{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!first) b.put((byte) ',');
        first = false;
        string(e.getKey(), b);
        b.put((byte) ':');
        if (!write(e.getValue(), b)) return false;
      }
      b.put((byte) '}');
      return true;
    }
    if (n.isArray()) {
      b.put((byte) '[');
      boolean first = true;
      for (JsonNode c : n) {
        if (!first) b.put((byte) ',');
        first = false;
        if (!write(c, b)) return false;
      }
      b.put((byte) ']');
      return true;
    }
    if (n.isString()) {
      string(n.asString(), b);
      return true;
    }
    if (n.isNull() || n.isBoolean() || n.isNumber()) {
      ascii(n.toString(), b);
      return true;
    }
    return false;
  }

  private static void ascii(String s, Bytes b) {
    for (int i = 0; i < s.length(); i++) b.put((byte) s.charAt(i));
  }

  private static void string(String s, Bytes b) {
    b.put((byte) '"');
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        int j = i;
        while (j < n && s.charAt(j) >= 0x80) j++;
        byte[] utf8 = s.substring(i, j).getBytes(StandardCharsets.UTF_8);
        for (byte x : utf8) b.put(x);
        i = j;
        continue;
      }
      if (c == '"' || c == '\\') {
        b.put((byte) '\\');
        b.put((byte) c);
      } else if (c < 0x20) {
        switch (c) {
          case '\n' -> { b.put((byte) '\\'); b.put((byte) 'n'); }
          case '\r' -> { b.put((byte) '\\'); b.put((byte) 'r'); }
          case '\t' -> { b.put((byte) '\\'); b.put((byte) 't'); }
          default -> {
            b.put((byte) '\\');
            b.put((byte) 'u');
            b.put((byte) '0');
            b.put((byte) '0');
            b.put(HEX[c >> 4]);
            b.put(HEX[c & 15]);
          }
        }
      } else {
        b.put((byte) c);
      }
      i++;
    }
    b.put((byte) '"');
  }
}
