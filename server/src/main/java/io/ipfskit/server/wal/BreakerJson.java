package io.ipfskit.server.wal;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.BreakerTransition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Circuit breakers as JSON, both ways: the shape of {@code circuit_breaker_status} and {@code
 * circuit_breaker_control} results and of the owner socket's {@code breakers} and {@code
 * breaker_control} answers (the same shape, so a forwarded call reads back into the same records).
 */
public final class BreakerJson {
  private BreakerJson() {}

  /** {@code {breakers: [...]}}. */
  public static ObjectNode list(List<BreakerStatus> breakers) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    ArrayNode a = out.putArray("breakers");
    breakers.forEach(b -> a.add(breaker(b)));
    return out;
  }

  /** {@code {action, breaker: {...}}}. */
  public static ObjectNode controlled(BreakerAction action, BreakerStatus b) {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("action", action.wireName());
    out.set("breaker", breaker(b));
    return out;
  }

  public static ObjectNode breaker(BreakerStatus b) {
    ObjectNode o = OperationJson.MAPPER.createObjectNode();
    o.put("name", b.name());
    o.put("state", wire(b.state()));
    o.put("failure_rate_percent", b.failureRatePercent());
    o.put("slow_call_rate_percent", b.slowCallRatePercent());
    o.put("calls_in_window", b.callsInWindow());
    o.put("not_permitted_calls", b.notPermittedCalls());
    o.put("recovering", b.recovering());
    o.put("admitted_rate", b.admittedRate());
    o.put("ramp_restarts", b.rampRestarts());
    o.put("transitions", b.transitions());
    ArrayNode h = o.putArray("history");
    for (BreakerTransition t : b.history()) {
      ObjectNode e = h.addObject();
      e.put("at", t.at().toString());
      e.put("from", wire(t.from()));
      e.put("to", wire(t.to()));
      e.put("cause", t.cause());
    }
    return o;
  }

  static List<BreakerStatus> readList(JsonNode n) {
    List<BreakerStatus> out = new ArrayList<>();
    for (JsonNode b : n.path("breakers")) out.add(read(b));
    return out;
  }

  static BreakerStatus read(JsonNode o) {
    List<BreakerTransition> history = new ArrayList<>();
    for (JsonNode t : o.path("history")) {
      history.add(new BreakerTransition(Instant.parse(t.path("at").asString()), state(t.path("from")),
          state(t.path("to")), t.path("cause").asString()));
    }
    return new BreakerStatus(o.path("name").asString(), state(o.path("state")),
        (float) o.path("failure_rate_percent").asDouble(), (float) o.path("slow_call_rate_percent").asDouble(),
        o.path("calls_in_window").asInt(), o.path("not_permitted_calls").asLong(), o.path("recovering").asBoolean(),
        o.path("admitted_rate").asDouble(), o.path("ramp_restarts").asLong(), o.path("transitions").asLong(), history);
  }

  /** The wire names of the states, in declaration order (the schema's enum). */
  public static List<String> stateNames() {
    List<String> out = new ArrayList<>();
    for (BreakerState s : BreakerState.values()) out.add(wire(s));
    return out;
  }

  private static String wire(BreakerState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static BreakerState state(JsonNode n) {
    return BreakerState.valueOf(n.asString().toUpperCase(Locale.ROOT));
  }
}
