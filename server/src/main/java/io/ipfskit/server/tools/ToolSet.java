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
}
