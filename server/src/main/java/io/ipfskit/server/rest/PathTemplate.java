package io.ipfskit.server.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path such as {@code /api/v0/wal/operations/{operation_id}/retry}: literal segments and
 * {@code {name}} segments that match one non-empty segment. Matching works on the raw (still
 * percent-encoded) request path, so an encoded {@code /} inside an id cannot split it; a parameter
 * is decoded after it matched. The template text is also the OpenAPI path key.
 */
record PathTemplate(String text, List<String> segments) {

  PathTemplate {
    segments = List.copyOf(segments);
  }

  static PathTemplate parse(String text) {
    if (!text.startsWith("/") || text.endsWith("/") || text.contains("//")) {
      throw new IllegalArgumentException("path template must start with / and have no empty segment, but was " + text);
    }
    return new PathTemplate(text, List.of(text.substring(1).split("/")));
  }

  /** The names of the {@code {name}} segments, in order. */
  List<String> parameterNames() {
    List<String> names = new ArrayList<>();
    for (String s : segments) {
      if (isParameter(s)) names.add(s.substring(1, s.length() - 1));
    }
    return names;
  }

  /**
   * The decoded path parameters when {@code rawPath} (the request URI path without the context
   * path, not decoded) matches, else empty.
   *
   * @throws ApiError.Failure when a parameter segment is not valid percent-encoding
   */
  Optional<Map<String, String>> match(String rawPath) {
    if (!rawPath.startsWith("/")) return Optional.empty();
    String[] parts = rawPath.substring(1).split("/", -1);
    if (parts.length != segments.size()) return Optional.empty();
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String t = segments.get(i);
      if (isParameter(t)) {
        if (parts[i].isEmpty()) return Optional.empty();
        String name = t.substring(1, t.length() - 1);
        params.put(name, decode(name, parts[i]));
      } else if (!t.equals(parts[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  private static boolean isParameter(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }

  private static String decode(String name, String raw) {
    try {
      // URLDecoder turns '+' into a space, which is form encoding, not path encoding: keep '+' literal.
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError.Failure(ApiError.invalid(name, "is not valid percent-encoding"));
    }
  }
}
