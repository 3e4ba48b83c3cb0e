package io.ipfskit.server.wal;

import io.ipfskit.core.resilience.PerformanceReport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The performance report's figures ({@link PerformanceReport.Sources}) as JSON, both ways, for the
 * owner socket's {@code performance} answer: the owner writes what its breakers, retry budgets,
 * pools, caches, health monitor, WAL and lease registry show, a forwarding process reads it back
 * into the same records and builds the report itself (so the report and its recommendations are
 * computed by one piece of code wherever they are asked for). The records are bound by their
 * components (times ISO-8601, durations ISO-8601 with nanoseconds), so nothing is rounded on the way.
 */
final class PerformanceJson {
  /** Plain component names: this is the wire between two processes of one build, not a tool answer. */
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private PerformanceJson() {}

  /** {@code {sources: {...}}}. */
  static ObjectNode sources(PerformanceReport.Sources sources) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.set("sources", MAPPER.valueToTree(sources));
    return out;
  }

  static PerformanceReport.Sources readSources(JsonNode answer) {
    JsonNode s = answer.path("sources");
    try {
      if (!s.isObject()) throw new IllegalArgumentException("no sources object");
      return MAPPER.treeToValue(s, PerformanceReport.Sources.class);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new WalCallException(WalCallException.Kind.INTERNAL,
          "the WAL owner sent performance figures this process cannot read (owner and caller run different versions?): "
              + e.getMessage());
    }
  }
}
