package io.ipfskit.server.tools;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One row of a tool table: everything {@code tools/list} shows about a tool plus the handler that
 * answers {@code tools/call}. Hints not named are advertised as false.
 *
 * @param handler gets the call's exchange (the client session: its roots, notifications) and
 *     arguments (never null) and returns the result; expected failures are {@code isError}
 *     results, never exceptions
 */
record ToolDef(String name, String title, String description, Map<String, Object> inputSchema,
    Map<String, Object> outputSchema, Set<Hint> hints,
    BiFunction<McpSyncServerExchange, Map<String, Object>, CallToolResult> handler) {

  /** A tool whose handler needs only the arguments. */
  ToolDef(String name, String title, String description, Map<String, Object> inputSchema,
      Map<String, Object> outputSchema, Set<Hint> hints, Function<Map<String, Object>, CallToolResult> handler) {
    this(name, title, description, inputSchema, outputSchema, hints, (exchange, args) -> handler.apply(args));
  }

  /** The MCP tool annotation hints, by name. */
  enum Hint {
    /** Changes nothing. */
    READ_ONLY,
    /** May remove or overwrite something. */
    DESTRUCTIVE,
    /** Repeating the call with the same arguments has no further effect. */
    IDEMPOTENT,
    /** Talks to something outside this server (a storage backend). */
    OPEN_WORLD
  }

  static final Set<Hint> READ = EnumSet.of(Hint.READ_ONLY, Hint.IDEMPOTENT);

  ToolDef {
    hints = hints.isEmpty() ? Set.of() : EnumSet.copyOf(hints);
  }

  static Set<Hint> hints(Hint... hints) {
    return hints.length == 0 ? Set.of() : EnumSet.of(hints[0], hints);
  }

  SyncToolSpecification specification() {
    Tool tool = Tool.builder(name, inputSchema)
        .title(title)
        .description(description)
        .outputSchema(outputSchema)
        .annotations(ToolAnnotations.builder().title(title)
            .readOnlyHint(hints.contains(Hint.READ_ONLY))
            .destructiveHint(hints.contains(Hint.DESTRUCTIVE))
            .idempotentHint(hints.contains(Hint.IDEMPOTENT))
            .openWorldHint(hints.contains(Hint.OPEN_WORLD))
            .build())
        .build();
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler((exchange, request) -> handler.apply(exchange,
            request.arguments() == null ? Map.of() : request.arguments()))
        .build();
  }
}
