package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.Schema.array;
import static io.ipfskit.server.tools.Schema.bool;
import static io.ipfskit.server.tools.Schema.enumOf;
import static io.ipfskit.server.tools.Schema.input;
import static io.ipfskit.server.tools.Schema.integer;
import static io.ipfskit.server.tools.Schema.number;
import static io.ipfskit.server.tools.Schema.object;
import static io.ipfskit.server.tools.Schema.optional;
import static io.ipfskit.server.tools.Schema.string;
import static io.ipfskit.server.tools.ToolDef.READ;
import static io.ipfskit.server.tools.ToolDef.hints;

import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.BreakerAction;
import io.ipfskit.server.wal.BreakerJson;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.wal.WalMethod;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code circuit_breaker_status} and {@code circuit_breaker_control}: the circuit breakers every
 * storage backend runs behind ({@code core.resilience}). The breakers live in the process that owns
 * the write-ahead log (they guard its dispatcher's calls), so both tools go through the {@link
 * SharedWal#service() WAL service} like the WAL tools: here when this process owns the log, else
 * forwarded over the owner socket. Arguments are checked by {@link WalCalls}; failures are {@code
 * isError} results.
 */
public final class BreakerTools implements ToolSet {
  private static final Logger log = LoggerFactory.getLogger(BreakerTools.class);
  static final String STATUS = "circuit_breaker_status";
  static final String CONTROL = "circuit_breaker_control";

  private final Supplier<SharedWal> wal;

  /** @param wal gives the home's shared WAL (opened on the first call, never while listing tools) */
  public BreakerTools(Supplier<SharedWal> wal) {
    this.wal = java.util.Objects.requireNonNull(wal, "wal");
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return List.of(
        new ToolDef(STATUS, "Circuit breaker status",
            "Every circuit breaker guarding a storage backend (local, ipfs, s3) or peer, or one by name: state, failure "
                + "and slow-call rates and calls in the sliding window, recovery ramp progress, and recent transitions with "
                + "time and cause. An open breaker refuses calls at once; queued WAL operations then wait without spending "
                + "retries.",
            input("breaker", optional(string("One breaker's name (a backend such as local, or backend@peer); all when "
                + "omitted", 1, 256))),
            object("breakers", array(breaker(), "The breakers, backends first, by name")),
            READ, args -> call(STATUS, WalMethod.BREAKERS, args, BreakerTools::statusText)).specification(),
        new ToolDef(CONTROL, "Circuit breaker control",
            "Forces one breaker open (every call to that backend is refused; queued operations wait), forces it closed "
                + "(every call passes, outcomes still measured) or resets it to closed with an empty window. Returns the "
                + "breaker afterwards. Unknown names are refused with the list of known breakers.",
            input("action", enumOf(BreakerAction.WIRE_NAMES, "force_open, force_closed or reset"),
                "breaker", string("The breaker's name, e.g. local, ipfs, s3 (see circuit_breaker_status)", 1, 256)),
            object("action", string(null), "breaker", breaker()),
            hints(ToolDef.Hint.DESTRUCTIVE, ToolDef.Hint.IDEMPOTENT),
            args -> call(CONTROL, WalMethod.BREAKER_CONTROL, args,
                r -> r.path("breaker").path("name").asString() + " is now " + r.path("breaker").path("state").asString()
                    + " (" + r.path("action").asString() + ")")).specification());
  }

  private static Map<String, Object> breaker() {
    return object(
        "name", string("The backend (local, ipfs, s3) or backend@peer"),
        "state", enumOf(BreakerJson.stateNames(), "closed, open, half_open, forced_open or forced_closed"),
        "failure_rate_percent", number("Failed share of the calls in the window; -1 while below the minimum calls"),
        "slow_call_rate_percent", number("Slow share of the calls in the window; -1 while below the minimum calls"),
        "calls_in_window", integer("Calls the sliding window holds"),
        "not_permitted_calls", integer("Calls refused since the breaker was created"),
        "recovering", bool("Whether the recovery ramp limits traffic now"),
        "admitted_rate", number("Share of calls the ramp admits now (1 when not recovering)"),
        "ramp_restarts", integer("Times the ramp started over because of failures"),
        "transitions", integer("State changes since the breaker was created"),
        "history", array(object("at", string("When (ISO-8601)"), "from", string(null), "to", string(null),
            "cause", string("Why")), "The latest transitions, oldest first"));
  }

  private static String statusText(ObjectNode r) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : r.path("breakers")) {
      if (!sb.isEmpty()) sb.append("; ");
      sb.append(b.path("name").asString()).append(' ').append(b.path("state").asString());
    }
    return sb.isEmpty() ? "no breakers" : sb.toString();
  }

  private CallToolResult call(String tool, WalMethod method, Map<String, Object> arguments,
      Function<ObjectNode, String> summary) {
    try {
      ObjectNode result = WalCalls.call(wal.get().service(), method, io.ipfskit.server.wal.OperationJson.MAPPER.valueToTree(arguments), WalCalls.Edge.MCP,
          tool, null);
      @SuppressWarnings("unchecked")
      Map<String, Object> structured = io.ipfskit.server.wal.OperationJson.MAPPER.convertValue(result, Map.class);
      return ToolResults.success(structured, summary.apply(result));
    } catch (WalException e) {
      return ToolResults.error(WalTools.errorText(e));
    } catch (WalCallException e) {
      return ToolResults.error(e.getMessage());
    } catch (RuntimeException e) {
      log.error("{} failed unexpectedly", tool, e);
      return ToolResults.error(tool + " failed unexpectedly (" + e.getClass().getSimpleName() + "); see the server log");
    }
  }
}
