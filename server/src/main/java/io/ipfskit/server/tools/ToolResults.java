package io.ipfskit.server.tools;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;

/** Builds tool results: structured content plus a short text, or an error the model can act on. */
public final class ToolResults {

  private ToolResults() {}

  public static CallToolResult success(Object structured, String text) {
    return CallToolResult.builder()
        .structuredContent(structured)
        .content(List.of(new TextContent(text)))
        .isError(false)
        .build();
  }

  /** {@code isError: true} with {@code message}; the message must never hold a secret value. */
  public static CallToolResult error(String message) {
    return CallToolResult.builder()
        .content(List.of(new TextContent(message)))
        .isError(true)
        .build();
  }
}
