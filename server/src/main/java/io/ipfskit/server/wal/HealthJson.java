package io.ipfskit.server.wal;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.HealthMonitor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health monitor's reports as JSON, both ways, for the owner socket's {@code backend_health}
 * answer: the owner writes its reports, a forwarding process reads them back into the same records
 * (durations in nanoseconds, times ISO-8601, so nothing is rounded on the way).
 */
final class HealthJson {
  private HealthJson() {}

  /** {@code {backends: [...]}}. */
  static ObjectNode list(List<HealthMonitor.Report> reports) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("backends");
    for (HealthMonitor.Report r : reports) {
      ObjectNode o = a.addObject();
      o.put("backend", r.backend());
      o.put("status", r.current().status().name());
      o.put("detail", r.current().health().detail());
      r.current().lastChecked().ifPresent(t -> o.put("checked_at", t.toString()));
      if (r.lastLatency() != null) o.put("last_latency_nanos", r.lastLatency().toNanos());
      if (r.successRate() != null) o.put("success_rate", r.successRate());
      o.put("calls_in_window", r.callsInWindow());
      o.put("consecutive_errors", r.consecutiveErrors());
      ArrayNode h = o.putArray("history");
      for (HealthMonitor.HistoryEntry e : r.history()) {
        ObjectNode x = h.addObject();
        x.put("at", e.at().toString());
        x.put("state", e.state().name());
        x.put("reason", e.reason());
        if (e.latency() != null) x.put("latency_nanos", e.latency().toNanos());
      }
    }
    return out;
  }

  static List<HealthMonitor.Report> readList(JsonNode n) {
    List<HealthMonitor.Report> out = new ArrayList<>();
    for (JsonNode o : n.path("backends")) {
      List<HealthMonitor.HistoryEntry> history = new ArrayList<>();
      for (JsonNode x : o.path("history")) {
        history.add(new HealthMonitor.HistoryEntry(Instant.parse(x.path("at").asString()), status(x.path("state")),
            x.path("reason").asString(), nanos(x.path("latency_nanos"))));
      }
      JsonNode checked = o.path("checked_at");
      CheckedHealth current = new CheckedHealth(new BackendHealth(status(o.path("status")), o.path("detail").asString()),
          checked.isMissingNode() ? null : Instant.parse(checked.asString()));
      JsonNode rate = o.path("success_rate");
      out.add(new HealthMonitor.Report(o.path("backend").asString(), current, nanos(o.path("last_latency_nanos")),
          rate.isMissingNode() ? null : rate.asDouble(), o.path("calls_in_window").asInt(),
          o.path("consecutive_errors").asInt(), history));
    }
    return out;
  }

  private static Duration nanos(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : Duration.ofNanos(n.asLong());
  }

  private static BackendHealth.Status status(JsonNode n) {
    try {
      return BackendHealth.Status.valueOf(n.asString().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new WalCallException(WalCallException.Kind.INTERNAL,
          "the WAL owner sent an unknown health status (owner and caller run different versions?)");
    }
  }
}
