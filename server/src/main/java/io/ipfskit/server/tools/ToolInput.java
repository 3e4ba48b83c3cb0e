package io.ipfskit.server.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The declared arguments of one tool: the {@code inputSchema} it advertises and the parser that
 * turns a {@code tools/call} argument map into checked values. Unknown arguments are rejected,
 * matching {@code additionalProperties: false}.
 */
public final class ToolInput {

  private final String tool;
  private final List<Param> params;

  private ToolInput(String tool, List<Param> params) {
    this.tool = tool;
    this.params = List.copyOf(params);
  }

  public static ToolInput of(String tool, Param... params) {
    return new ToolInput(tool, List.of(params));
  }

  /** The JSON Schema object advertised in {@code tools/list}. */
  public Map<String, Object> schema() {
    List<Object> namesAndSchemas = new ArrayList<>();
    for (Param param : params) {
      namesAndSchemas.add(param.name);
      namesAndSchemas.add(param.required ? param.schema() : Schema.optional(param.schema()));
    }
    return Schema.input(namesAndSchemas.toArray());
  }

  /**
   * Checks {@code raw} (null counts as no arguments).
   *
   * @throws InvalidArgumentException for a missing, unknown or invalid argument
   */
  public Arguments parse(Map<String, Object> raw) {
    Map<String, Object> given = raw == null ? Map.of() : raw;
    for (String name : given.keySet()) {
      if (params.stream().noneMatch(p -> p.name.equals(name))) {
        throw new InvalidArgumentException(name, tool + " has no argument '" + abbreviate(name) + "'; it accepts "
            + (params.isEmpty() ? "no arguments" : String.join(", ", params.stream().map(p -> p.name).toList())));
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (Param param : params) {
      if (!given.containsKey(param.name)) {
        if (param.required) {
          throw new InvalidArgumentException(param.name, "missing required argument '" + param.name + "' ("
              + param.description + ")");
        }
        if (param.defaultValue != null) {
          values.put(param.name, param.defaultValue instanceof Integer i ? Long.valueOf(i) : param.defaultValue);
        }
        continue;
      }
      values.put(param.name, param.check(given.get(param.name)));
    }
    return new Arguments(Collections.unmodifiableMap(values));
  }

  private static String abbreviate(String name) {
    return name.length() <= 64 ? name : name.substring(0, 64) + "…";
  }

  /** Checked argument values: String, Long or Boolean, defaults applied. */
  public static final class Arguments {
    private final Map<String, Object> values;

    private Arguments(Map<String, Object> values) {
      this.values = values;
    }

    public String string(String name) {
      return (String) require(name);
    }

    public Optional<String> optionalString(String name) {
      return Optional.ofNullable((String) values.get(name));
    }

    public long integer(String name) {
      return (Long) require(name);
    }

    public Optional<Long> optionalInteger(String name) {
      return Optional.ofNullable((Long) values.get(name));
    }

    public boolean bool(String name) {
      return (Boolean) require(name);
    }

    private Object require(String name) {
      Object value = values.get(name);
      if (value == null) {
        throw new IllegalStateException("argument '" + name + "' is neither required nor defaulted; use the optional accessor");
      }
      return value;
    }
  }
}
