package io.ipfskit.server.stdio;

import java.io.InputStream;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What can be learnt from a message line too long to keep, read while it is discarded: the
 * top-level {@code id}, {@code method} and, for {@code tools/call}, {@code params.name} and which
 * argument took the most bytes. So the server can answer the request it refuses with its id (and,
 * for a tool call, a tool error naming the limit and the argument) wherever in the line the id is.
 *
 * <p>Memory stays bounded however long the line: the bytes stream through Jackson's blocking
 * parser, which skips a string value it is not asked for (no text is built) and skips objects and
 * arrays token by token. Only the few values read are materialised, and the parser's limits keep
 * them small ({@value #MAX_TEXT_CHARS} characters for a name or string read, Jackson's own limits
 * for numbers and nesting); anything unreadable ends the reading with what was found so far.
 *
 * @param id the request's id when it is a string or a long integer, else null
 * @param method the method when it is a short string, else null
 * @param tool for {@code tools/call}, the tool's name when it is a short string, else null
 * @param largestArgument the name of the argument whose value took the most bytes (a plain name of
 *     at most 64 letters, digits, '_' or '-'; null when unknown or not plain)
 * @param largestArgumentBytes the bytes of that value, -1 when unknown
 */
record OversizedMessage(JsonNode id, String method, String tool, String largestArgument, long largestArgumentBytes) {

  static final OversizedMessage NOTHING = new OversizedMessage(null, null, null, null, -1);
  static final int MAX_TEXT_CHARS = 1024;
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final JsonFactory PARSERS = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNameLength(MAX_TEXT_CHARS).maxStringLength(MAX_TEXT_CHARS).build())
      .build();

  /** Reads {@code line} (one message's bytes, ending where the line ends) as far as needed or possible. */
  static OversizedMessage read(InputStream line) {
    Reading r = new Reading();
    try (JsonParser p = PARSERS.createParser(ObjectReadContext.empty(), line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return NOTHING;
      for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "id" -> r.id = id(p, value);
          case "method" -> r.method = value == JsonToken.VALUE_STRING ? p.getString() : null;
          case "params" -> {
            if (value == JsonToken.START_OBJECT) params(p, r);
            else p.skipChildren();
          }
          default -> p.skipChildren(); // a scalar needs nothing: an unread string is skipped by the next token
        }
      }
    } catch (JacksonException | IllegalArgumentException e) {
      // Malformed, too deep, or a value too long to read: keep what was found before it.
    }
    return new OversizedMessage(r.id, r.method, r.tool, r.largestArgument, r.largestArgumentBytes);
  }

  private static final class Reading {
    JsonNode id;
    String method;
    String tool;
    String largestArgument;
    long largestArgumentBytes = -1;
  }

  private static JsonNode id(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_STRING) return JsonNodeFactory.instance.stringNode(p.getString());
    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return JsonNodeFactory.instance.numberNode(p.getLongValue());
    }
    return null;
  }

  private static void params(JsonParser p, Reading r) {
    for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("name".equals(name) && value == JsonToken.VALUE_STRING) {
        r.tool = p.getString();
      } else if ("arguments".equals(name) && value == JsonToken.START_OBJECT) {
        arguments(p, r);
      } else {
        p.skipChildren();
      }
    }
  }

  /** Measures each argument's value in bytes, from its first byte to the next token. */
  private static void arguments(JsonParser p, Reading r) {
    String pending = null;
    long pendingStart = 0;
    while (true) {
      JsonToken t = p.nextToken(); // skips an unread string value of the previous argument
      long at = p.currentTokenLocation().getByteOffset();
      if (pending != null) {
        long bytes = at - pendingStart;
        if (bytes > r.largestArgumentBytes) {
          r.largestArgumentBytes = bytes;
          r.largestArgument = PLAIN_NAME.matcher(pending).matches() ? pending : null;
        }
        pending = null;
      }
      if (t != JsonToken.PROPERTY_NAME) return; // END_OBJECT
      pending = p.currentName();
      p.nextToken();
      pendingStart = p.currentTokenLocation().getByteOffset();
      p.skipChildren();
    }
  }
}
