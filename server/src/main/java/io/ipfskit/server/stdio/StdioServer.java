package io.ipfskit.server.stdio;

import io.ipfskit.server.stdio.BoundedLineReader.Line;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import io.ipfskit.server.log.ClientLog;
import io.ipfskit.server.tools.LongCall;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import java.util.function.Predicate;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP server on a pair of byte streams (stdin/stdout), hardened against bad input.
 *
 * <p>Data flow: the calling thread reads {@code in} line by line ({@link BoundedLineReader}),
 * {@link JsonRpcLineFilter} vets each line, good messages go to the SDK session through
 * {@link StdioSessionTransport} (our transport: the SDK's own stdio transport dies on bad input and
 * on concurrent responses), bad lines are answered directly with a JSON-RPC error. Both writers
 * write whole lines under the {@link TrackingOutputStream} monitor. A tool call that is quick right
 * now runs on the reading thread; every other one runs on the SDK's worker threads, so a call that
 * may block does not stall the others ({@link ToolDispatch}).
 *
 * <p>Session order: {@code ping} is answered here at any time, also before {@code initialize}. A
 * request other than {@code initialize} that arrives before {@code initialize} is answered here
 * with -32600 (the SDK would hold it forever). Requests that arrive after {@code initialize} but
 * before {@code notifications/initialized} are held by the SDK until that notification comes, as
 * the MCP lifecycle prescribes.
 *
 * <p>Progress and cancellation ({@link InFlightRequests}): a request with
 * {@code _meta.progressToken} gets {@code notifications/progress} while it runs;
 * {@code notifications/cancelled} is handled here (the SDK has no handler for it): the request's
 * response is dropped and a {@link LongCall} is stopped. Long calls ({@code wal_wait_for_operation})
 * are answered here from a future, so a waiting call holds no worker thread.
 *
 * <p>Limits: a line longer than the configured limit ({@value #MAX_MESSAGE_BYTES_ENV}) is read as it is
 * discarded, in bounded memory ({@link OversizedMessage}), and answered with the request's id wherever
 * it stands: a {@code tools/call} with a tool error naming the limit and the largest argument, anything
 * else with -32600; JSON nested too deeply gets -32600 with the id when it can be read from its first bytes.
 * Inbound parameters are handed to the SDK in maps that print secrets as [redacted]
 * ({@link InboundMessages}, {@link JsonRpcMessages}), since the SDK logs every message at debug.
 *
 * <p>Shutdown: when {@code in} ends, {@link #run} waits (at most {@link #DRAIN_TIMEOUT_MILLIS})
 * until every forwarded request that can be answered has its response (requests still waiting
 * for {@code notifications/initialized} never will be), then ends the SDK's input and closes the
 * server. A client may therefore write requests and close its end at once and still get every
 * answer. Only the calling thread touches the session-state counters.
 */
public final class StdioServer {

  /** Longest accepted message line; longer lines are discarded and answered with -32600. */
  public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
  static final long DRAIN_TIMEOUT_MILLIS = 60_000;
  private static final String INITIALIZE = "initialize";
  private static final String INITIALIZED = "notifications/initialized";
  private static final String PING = "ping";
  private static final String CANCELLED = "notifications/cancelled";
  private static final String TOOLS_CALL = "tools/call";
  /** The setting for the longest message line (KitConfig.MAX_MESSAGE_BYTES), named in the error. */
  public static final String MAX_MESSAGE_BYTES_ENV = "IPFS_KIT_MAX_MESSAGE_BYTES";
  static final String MAX_MESSAGE_BYTES_PROPERTY = "ipfs.kit.max.message.bytes";
  private static final String RESOURCES_LIST = "resources/list";
  private static final String ROOTS_LIST_CHANGED = "notifications/roots/list_changed";

  private static final Logger log = LoggerFactory.getLogger(StdioServer.class);

  private StdioServer() {}

  /**
   * Serves one MCP session until {@code in} ends.
   *
   * @param serverName the serverInfo name reported by {@code initialize}
   * @param serverVersion the serverInfo version
   * @param tools every tool the server offers, in {@code tools/list} order
   * @return the process exit code: 0 after a clean end of input, 1 if responses were still
   *     pending when the drain timeout passed
   */
  public static int run(InputStream in, OutputStream out, String serverName, String serverVersion,
      List<SyncToolSpecification> tools) throws IOException, InterruptedException {
    return run(in, out, serverName, serverVersion, tools, () -> {});
  }

  /**
   * {@link #run(InputStream, OutputStream, String, String, List)}, telling {@code rootsListChanged}
   * when the client sends {@code notifications/roots/list_changed}: first on the stdin thread as the
   * notification is read (before any later request is delivered, so no later call sees the old
   * roots; it must return at once and never call the client), then again from the SDK's roots change
   * handler after the SDK listed them.
   */
  public static int run(InputStream in, OutputStream out, String serverName, String serverVersion,
      List<SyncToolSpecification> tools, Runnable rootsListChanged) throws IOException, InterruptedException {
    return run(in, out, serverName, serverVersion, tools, rootsListChanged, Features.NONE);
  }

  /**
   * What a server offers beside its tools, and start-up work.
   *
   * @param resourceTemplates resource templates (e.g. {@code ipfs://{cid}}); with {@code listedResources}
   *     non-empty or a template, the resources capability is declared
   * @param listedResources what {@code resources/list} shows now; asked on the reading thread right
   *     before each {@code resources/list} request goes to the SDK (so the list is current), must be quick
   * @param afterInitialize run once, on the reading thread, right after the {@code initialize}
   *     request was handed to the SDK; must return at once (start background work, e.g. unlocking
   *     the vault, so a wrong password is found at start without delaying any answer)
   */
  public record Features(List<McpServerFeatures.SyncResourceTemplateSpecification> resourceTemplates,
      Supplier<List<McpServerFeatures.SyncResourceSpecification>> listedResources, Runnable afterInitialize) {
    public static final Features NONE = new Features(List.of(), null, () -> {});

    public Features {
      resourceTemplates = List.copyOf(resourceTemplates);
      java.util.Objects.requireNonNull(afterInitialize, "afterInitialize");
    }

    boolean offersResources() {
      return !resourceTemplates.isEmpty() || listedResources != null;
    }
  }

  /**
   * {@link #run(InputStream, OutputStream, String, String, List, Runnable)} with resources and
   * start-up work ({@link Features}).
   */
  public static int run(InputStream in, OutputStream out, String serverName, String serverVersion,
      List<SyncToolSpecification> tools, Runnable rootsListChanged, Features features)
      throws IOException, InterruptedException {
    return run(in, out, serverName, serverVersion, tools, rootsListChanged, features, List.of(), MAX_LINE_BYTES);
  }

  /**
   * As above, with {@code longCalls}: tools (also in {@code tools}) whose {@code tools/call} this
   * server answers itself from a future, holding no worker thread while they run (see {@link
   * LongCall}); and the longest accepted message line ({@code IPFS_KIT_MAX_MESSAGE_BYTES}), which
   * the system property {@value #MAX_MESSAGE_BYTES_PROPERTY} overrides (tests).
   */
  public static int run(InputStream in, OutputStream out, String serverName, String serverVersion,
      List<SyncToolSpecification> tools, Runnable rootsListChanged, Features features, List<LongCall> longCalls,
      int maxMessageBytes)
      throws IOException, InterruptedException {
    return run(in, out, serverName, serverVersion, tools, rootsListChanged, features, longCalls, name -> false,
        maxMessageBytes);
  }

  /**
   * As above, with {@code runsInline}: asked for a tool's name as each {@code tools/call} arrives,
   * true when that call is quick right now and runs on the reading thread (no hop to a worker); see
   * {@link ToolDispatch}. It must answer at once, and only true for calls that never block.
   */
  public static int run(InputStream in, OutputStream out, String serverName, String serverVersion,
      List<SyncToolSpecification> tools, Runnable rootsListChanged, Features features, List<LongCall> longCalls,
      Predicate<String> runsInline, int maxMessageBytes)
      throws IOException, InterruptedException {
    TrackingOutputStream stdout = new TrackingOutputStream(out);
    McpJsonMapper mapper = McpJsonDefaults.getMapper();
    StdioSessionTransport transport = new StdioSessionTransport(mapper, stdout);
    ServerCapabilities.Builder capabilities = ServerCapabilities.builder().tools(false);
    if (features.offersResources()) {
      capabilities.resources(false, false);
    }
    McpServer.AsyncSpecification<?> spec = McpServer.async(transport)
        .jsonMapper(new DirectRequestMapper(mapper))
        .serverInfo(serverName, serverVersion)
        .capabilities(capabilities.logging().build())
        // Each tool validates its own arguments against the same rules as its input schema, with
        // messages that name the argument and never repeat a rejected value (see ToolInput).
        .validateToolInputs(false)
        // Our constant schemas and our own results are checked in the tests, not per call (see the class).
        .jsonSchemaValidator(new LazySchemaValidator())
        .tools(tools.stream().map(t -> ToolDispatch.tool(t, runsInline)).toList())
        .rootsChangeHandler((exchange, roots) -> Mono.fromRunnable(rootsListChanged)
            .subscribeOn(Schedulers.boundedElastic()).then());
    if (!features.resourceTemplates().isEmpty()) {
      spec.resourceTemplates(features.resourceTemplates().stream().map(ToolDispatch::resourceTemplate).toList());
    }
    // Not immediate: resources added later (resources/list) are read on a worker, as the templates are.
    McpSyncServer server = new McpSyncServer(spec.build(), false);
    boolean afterInitializeRan = false;
    JsonRpcLineFilter filter = new JsonRpcLineFilter();
    int maxLineBytes = maxMessageBytes(maxMessageBytes);
    BoundedLineReader reader = new BoundedLineReader(in, maxLineBytes);
    InFlightRequests inFlight = new InFlightRequests(
        progress -> transport.notify(McpSchema.METHOD_NOTIFICATION_PROGRESS, progress),
        InFlightRequests.progressIntervalMillis());
    transport.track(inFlight);
    Map<String, LongCall> longCallsByName = new HashMap<>();
    for (LongCall call : longCalls) longCallsByName.put(call.name(), call);
    ClientLog.Sink clientLog = transport.clientLogSink();
    long answerableRequests = 0; // forwarded requests the SDK will answer
    long heldRequests = 0; // forwarded before notifications/initialized; answered once it comes
    boolean initializeSeen = false;
    boolean initializedSeen = false;
    boolean clientLogAttached = false;
    try {
      for (Line line = reader.next(); line != null; line = reader.next()) {
        if (line.tooLong()) {
          log.warn("discarded a stdin line of {} bytes (limit {})", line.discardedBytes(), maxLineBytes);
          stdout.writeLine(oversizedAnswer(filter, line, maxLineBytes), false);
          continue;
        }
        JsonRpcLineFilter.Verdict verdict = filter.check(line.bytes());
        if (verdict.kind() == JsonRpcLineFilter.Kind.IGNORE) {
          continue;
        }
        if (verdict.kind() == JsonRpcLineFilter.Kind.REJECT) {
          log.debug("rejected a stdin line: {}", verdict.errorResponse());
          stdout.writeLine(verdict.errorResponse(), false);
          continue;
        }
        if (verdict.kind() == JsonRpcLineFilter.Kind.FORWARD_OTHER && CANCELLED.equals(verdict.method())) {
          cancel(verdict.message(), inFlight); // never reaches the SDK, which has no handler for it
          continue;
        }
        if (verdict.kind() == JsonRpcLineFilter.Kind.FORWARD_REQUEST && PING.equals(verdict.method())) {
          answerableRequests++; // answered at any time, also before initialize (the SDK would hold it)
          stdout.writeLine("{\"jsonrpc\":\"2.0\",\"id\":" + verdict.id() + ",\"result\":{}}", true);
          continue;
        }
        JSONRPCMessage message;
        try {
          message = JsonRpcMessages.of(verdict, mapper, line.bytes()); // the filter's parse, not a second one
        } catch (IOException | RuntimeException e) {
          stdout.writeLine(filter.errorResponse(verdict.id(), JsonRpcLineFilter.INVALID_REQUEST,
              "Invalid Request: the message does not have the shape of a JSON-RPC "
                  + (verdict.kind() == JsonRpcLineFilter.Kind.FORWARD_REQUEST ? "request" : "message")), false);
          continue;
        }
        if (verdict.kind() == JsonRpcLineFilter.Kind.FORWARD_REQUEST) {
          String method = verdict.method();
          if (INITIALIZE.equals(method)) {
            initializeSeen = true;
            answerableRequests++;
          } else if (!initializeSeen && !PING.equals(method)) {
            stdout.writeLine(filter.errorResponse(verdict.id(), JsonRpcLineFilter.INVALID_REQUEST,
                "Invalid Request: the session is not initialized; send 'initialize' first"), false);
            continue;
          } else if (initializedSeen) {
            answerableRequests++;
            LongCall longCall = TOOLS_CALL.equals(method) ? longCallsByName.get(toolName(verdict.message())) : null;
            if (longCall != null) {
              startLongCall(longCall, (JSONRPCRequest) message, verdict, inFlight, transport, mapper);
              continue;
            }
            inFlight.begin(((JSONRPCRequest) message).id(), progressToken(verdict.message()),
                () -> describe(verdict) + " is still running", null);
          } else {
            heldRequests++;
          }
        } else if (INITIALIZED.equals(verdict.method()) && !initializedSeen) {
          initializedSeen = true;
          answerableRequests += heldRequests;
          heldRequests = 0;
        } else if (ROOTS_LIST_CHANGED.equals(verdict.method())) {
          rootsListChanged.run();
        }
        if (RESOURCES_LIST.equals(verdict.method()) && features.listedResources() != null) {
          syncListedResources(server, features.listedResources());
        }
        transport.deliver(message);
        if (initializedSeen && !clientLogAttached) {
          clientLogAttached = true;
          ClientLog.attach(clientLog); // events kept since start go out now
        }
        if (initializeSeen && !afterInitializeRan) {
          afterInitializeRan = true;
          features.afterInitialize().run();
        }
      }
    } catch (IOException e) {
      log.warn("reading stdin failed, shutting down: {}", e.toString());
    }
    if (heldRequests > 0) {
      log.warn("stdin closed before notifications/initialized; {} request(s) held for it stay unanswered",
          heldRequests);
    }
    boolean drained = stdout.awaitResponses(answerableRequests, DRAIN_TIMEOUT_MILLIS);
    if (!drained) {
      log.warn("stdin closed with {} request(s) unanswered after {} ms; exiting",
          answerableRequests - stdout.responses(), DRAIN_TIMEOUT_MILLIS);
    }
    inFlight.close();
    ClientLog.detach(clientLog);
    try {
      server.closeGracefully();
    } catch (RuntimeException e) {
      log.debug("closing the MCP server: {}", e.toString());
    }
    return drained ? 0 : 1;
  }


  /**
   * The answer to a request line over the limit, with the request's id wherever in the line it was
   * ({@link OversizedMessage}): a {@code tools/call} gets a tool error naming the limit, its setting
   * and the argument that took the most bytes; anything else -32600 (id null when none was readable).
   */
  static String oversizedAnswer(JsonRpcLineFilter filter, Line line, int maxLineBytes) {
    OversizedMessage m = line.oversized() == null ? OversizedMessage.NOTHING : line.oversized();
    String limit = "a message of " + line.discardedBytes() + " bytes exceeds the limit of " + maxLineBytes
        + " bytes (setting " + MAX_MESSAGE_BYTES_ENV + "=" + maxLineBytes + ")";
    String advice = "send large content as a file path (wal_add_operation params.path) instead of inline";
    if (m.id() != null && TOOLS_CALL.equals(m.method())) {
      String tool = m.tool() != null && m.tool().matches("[a-z_]{1,64}") ? m.tool() : "the tool";
      String argument = m.largestArgument() != null
          ? "; the largest argument was '" + m.largestArgument() + "' (" + m.largestArgumentBytes() + " bytes)" : "";
      tools.jackson.databind.node.ObjectNode response = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      response.put("jsonrpc", "2.0");
      response.set("id", m.id());
      tools.jackson.databind.node.ObjectNode result = response.putObject("result");
      result.putArray("content").addObject().put("type", "text")
          .put("text", "The call to " + tool + " was not run: " + limit + argument + ". " + capitalised(advice) + ".");
      result.put("isError", true);
      return response.toString();
    }
    return filter.errorResponse(m.id(), JsonRpcLineFilter.INVALID_REQUEST, "Invalid Request: " + limit + "; " + advice);
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The configured limit, unless the system property {@value #MAX_MESSAGE_BYTES_PROPERTY} (1 KiB to 1 GiB) overrides it. */
  static int maxMessageBytes(int configured) {
    String v = System.getProperty(MAX_MESSAGE_BYTES_PROPERTY);
    if (v == null || v.isBlank()) return configured;
    try {
      long n = Long.parseLong(v.trim());
      if (n >= 1024 && n <= (1 << 30)) return (int) n;
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(MAX_MESSAGE_BYTES_PROPERTY + " must be an integer from 1024 to 1073741824 (bytes)");
  }

  private static String toolName(JsonNode message) {
    JsonNode name = message == null ? null : message.path("params").get("name");
    return name != null && name.isString() ? name.stringValue() : null;
  }

  /** {@code params._meta.progressToken} when it is a string or an integer, else null. */
  static Object progressToken(JsonNode message) {
    JsonNode token = message == null ? null : message.path("params").path("_meta").get("progressToken");
    if (token == null) return null;
    if (token.isString()) return token.stringValue();
    if (token.isIntegralNumber() && token.canConvertToLong()) return token.asLong();
    return null;
  }

  private static String describe(JsonRpcLineFilter.Verdict verdict) {
    String tool = TOOLS_CALL.equals(verdict.method()) ? toolName(verdict.message()) : null;
    return tool != null && tool.matches("[a-z_]{1,64}") ? tool : "the request";
  }

  /** Handles notifications/cancelled: cancels the named request if it still runs; ignores anything else. */
  private static void cancel(JsonNode message, InFlightRequests inFlight) {
    JsonNode id = message == null ? null : message.path("params").get("requestId");
    if (id == null || !(id.isString() || (id.isIntegralNumber() && id.canConvertToLong()))) {
      log.debug("ignored notifications/cancelled without a usable requestId");
      return;
    }
    boolean stoppable = inFlight.stoppable(id);
    boolean running = inFlight.cancel(id);
    if (running) {
      // A long call is stopped (and so no longer in flight); an ordinary one runs to its end unanswered.
      log.info("request {} cancelled by the client: {}; its answer will not be sent ({} request(s) still in flight)",
          id, stoppable ? "stopped" : "left to finish", inFlight.size());
    } else {
      log.debug("notifications/cancelled for a finished or unknown request");
    }
  }

  /** Runs a long call off the reading thread; its response is written when its future completes. */
  private static void startLongCall(LongCall call, JSONRPCRequest request, JsonRpcLineFilter.Verdict verdict,
      InFlightRequests inFlight, StdioSessionTransport transport, McpJsonMapper mapper) {
    Object id = request.id();
    LongCall.Started started;
    try {
      JsonNode args = verdict.message().path("params").get("arguments");
      @SuppressWarnings("unchecked")
      Map<String, Object> arguments = args == null || args.isNull() ? Map.of()
          : (Map<String, Object>) JsonRpcMessages.toJava(args);
      started = call.start(arguments);
    } catch (RuntimeException e) {
      log.error("{} failed to start", call.name(), e);
      started = new LongCall.Started(java.util.concurrent.CompletableFuture.completedFuture(
          McpSchema.CallToolResult.builder().isError(true)
              .addTextContent(call.name() + " failed unexpectedly (" + e.getClass().getSimpleName() + "); see the server log")
              .build()), () -> "");
    }
    java.util.concurrent.CompletableFuture<McpSchema.CallToolResult> result = started.result();
    inFlight.begin(id, progressToken(verdict.message()), started.status(), () -> result.cancel(true));
    result.whenComplete((r, e) -> {
      if (r != null) {
        transport.sendResponse(McpSchema.JSONRPCResponse.result(id, r));
      } else if (result.isCancelled()) {
        transport.dropResponse(id);
      } else {
        log.error("{} failed unexpectedly", call.name(), e);
        transport.sendResponse(McpSchema.JSONRPCResponse.result(id, McpSchema.CallToolResult.builder().isError(true)
            .addTextContent(call.name() + " failed unexpectedly; see the server log").build()));
      }
    });
  }

  /**
   * Makes the SDK's resource list equal to {@code listed}: the SDK answers {@code resources/list}
   * from what was registered, so the current list is registered just before the request reaches it.
   * A failure (e.g. the WAL cannot be read) keeps the previous list and is logged.
   */
  private static void syncListedResources(McpSyncServer server,
      Supplier<List<McpServerFeatures.SyncResourceSpecification>> listed) {
    List<McpServerFeatures.SyncResourceSpecification> now;
    try {
      now = listed.get();
    } catch (RuntimeException e) {
      log.warn("resources/list: could not read the current resources, answering the previous list: {}", e.getMessage());
      return;
    }
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (McpServerFeatures.SyncResourceSpecification r : now) wanted.add(r.resource().uri());
    for (io.modelcontextprotocol.spec.McpSchema.Resource r : server.listResources()) {
      if (!wanted.contains(r.uri())) server.removeResource(r.uri());
    }
    java.util.Set<String> have = new java.util.HashSet<>();
    for (io.modelcontextprotocol.spec.McpSchema.Resource r : server.listResources()) have.add(r.uri());
    for (McpServerFeatures.SyncResourceSpecification r : now) {
      if (!have.contains(r.resource().uri())) server.addResource(r);
    }
  }
}
