package io.ipfskit.server.tools;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A tool whose call may take long and is answered from a future instead of a tool worker thread
 * (the stdio server runs it itself, see {@code StdioServer}): while it runs it costs no thread, the
 * client gets {@code notifications/progress} when it sent a progress token, and
 * {@code notifications/cancelled} cancels {@link Started#result()}, which must then free whatever
 * the call holds. The same tool keeps its ordinary synchronous handler for every other caller.
 */
public interface LongCall {

  /** The tool name, as {@code tools/list} shows it. */
  String name();

  /**
   * Starts one call without blocking. Bad arguments may complete the future at once with an
   * {@code isError} result; the future never completes exceptionally for an expected failure.
   */
  Started start(Map<String, Object> arguments);

  /** A started call: its result, and a one-line status for progress messages (never content or secrets). */
  record Started(CompletableFuture<CallToolResult> result, Supplier<String> status) {
    public Started {
      if (result == null || status == null) {
        throw new IllegalArgumentException("result and status must not be null");
      }
    }
  }
}
