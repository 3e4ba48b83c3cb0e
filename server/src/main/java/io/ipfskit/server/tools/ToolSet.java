package io.ipfskit.server.tools;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.List;

/** A group of MCP tools; {@link ToolCatalog} assembles every group into the server's tool list. */
public interface ToolSet {

  /** The tools of this group, in the order {@code tools/list} shows them. */
  List<SyncToolSpecification> specifications();

  /** The tools of this group that are also answered without a worker thread (see {@link LongCall}). */
  default List<LongCall> longCalls() {
    return List.of();
  }

  /**
   * Whether a call of the named tool of this group is quick right now, so the stdio server may run
   * it on its reading thread (see {@code StdioServer}): only a call that touches memory and at most
   * a local file, with everything it needs already open, and that never waits for anything (an
   * unlock, a recovery, a backend, another process, the client). Must answer at once. Default: none.
   */
  default boolean runsInline(String toolName) {
    return false;
  }
}
