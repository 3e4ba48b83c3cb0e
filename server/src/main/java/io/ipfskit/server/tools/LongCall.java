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

  /** The system property that sets how often a long call sends progress (tests shorten it). */
  String PROGRESS_INTERVAL_PROPERTY = "ipfs.kit.progress.interval.millis";
  long DEFAULT_PROGRESS_INTERVAL_MILLIS = 4000;

  /**
   * Milliseconds between two {@code notifications/progress} of a running call, on every transport:
   * {@value #PROGRESS_INTERVAL_PROPERTY}, 1 to 5000, else {@value #DEFAULT_PROGRESS_INTERVAL_MILLIS}.
   *
   * @throws IllegalArgumentException when the property is set to anything else
   */
  static long progressIntervalMillis() {
    String v = System.getProperty(PROGRESS_INTERVAL_PROPERTY);
    if (v == null || v.isBlank()) return DEFAULT_PROGRESS_INTERVAL_MILLIS;
    try {
      long ms = Long.parseLong(v.trim());
      if (ms >= 1 && ms <= 5000) return ms;
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(PROGRESS_INTERVAL_PROPERTY + " must be an integer from 1 to 5000 (milliseconds)");
  }

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
