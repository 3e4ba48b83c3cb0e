package io.ipfskit.server.rest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a raw query string strictly against the parameters a route declares: a parameter the
 * route does not declare, one given twice, or a string where an integer is declared is refused
 * naming the parameter and the rule (never the value). Bounds and allowed values are checked later
 * by the same code the MCP tools use ({@code WalCalls}), so both edges refuse with the same words.
 */
final class QueryString {
  static final int MAX_SHOWN_NAME = 64;

  private QueryString() {}

  /**
   * @param raw the request's query string (still encoded), or null
   * @param declared the route's query parameters
   * @param endpoint e.g. {@code GET /api/v0/wal/operations}, for the unknown-parameter message
   * @return each given parameter as a JSON-typed value: integer parameters as numbers
   */
  static Map<String, Object> parse(String raw, List<Route.Param> declared, String endpoint) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = decode("the query string", eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(shown(name), pair.substring(eq + 1));
      Route.Param param = declared.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
      if (param == null) {
        throw new ApiError.Failure(ApiError.invalid(shown(name), "is not a parameter of " + endpoint + "; it accepts "
            + (declared.isEmpty() ? "no parameters" : String.join(", ", declared.stream().map(Route.Param::name).toList()))));
      }
      if (out.containsKey(name)) throw new ApiError.Failure(ApiError.invalid(name, "must be given at most once"));
      out.put(name, param.isInteger() ? integer(name, value) : value);
    }
    return out;
  }

  private static Object integer(String name, String value) {
    if (!value.matches("-?[0-9]{1,400}")) throw new ApiError.Failure(ApiError.invalid(name, "must be an integer"));
    // Too large for a long stays a number, so the bounds check answers "must be between ..." as the MCP tool does.
    return value.length() <= 18 ? (Object) Long.parseLong(value) : new java.math.BigInteger(value);
  }

  private static String decode(String what, String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiError.Failure(ApiError.invalid(what, "is not valid percent-encoding"));
    }
  }

  private static String shown(String name) {
    return name.length() <= MAX_SHOWN_NAME ? name : name.substring(0, MAX_SHOWN_NAME) + "…";
  }
}
