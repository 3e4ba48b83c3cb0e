package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.ipfskit.server.tools.LongCall;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LongCall}s over Streamable HTTP: the tool's call is started as a long call, and while it
 * runs a client that sent {@code _meta.progressToken} gets {@code notifications/progress} every
 * interval on the call's own SSE stream (the SDK sends an exchange's notifications there), so a
 * client whose request timeout resets on progress waits as long as the call takes.
 *
 * <p>The call still occupies one Jetty thread while it waits: the SDK 2.1.0 servlet's {@code doPost}
 * blocks on the session's response stream ({@code responseStream(...).block()}) whatever the tool's
 * handler does, so an asynchronous handler would free nothing. Freeing it would mean answering such
 * calls outside the SDK servlet (our own async POST handling for long calls). Thread-safe;
 * {@link #close()} stops the ticking thread.
 */
final class LongCallProgress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LongCallProgress.class);

  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "mcp-http-progress");
    t.setDaemon(true);
    return t;
  });
  private final long intervalMillis;

  LongCallProgress(long intervalMillis) {
    if (intervalMillis < 1) throw new IllegalArgumentException("intervalMillis must be >= 1, but was " + intervalMillis);
    this.intervalMillis = intervalMillis;
  }

  /** {@code tools} with the handler of each tool that has a long call replaced by {@link #call}. */
  List<SyncToolSpecification> wrap(List<SyncToolSpecification> tools, List<LongCall> longCalls) {
    if (longCalls.isEmpty()) return tools;
    Map<String, LongCall> byName = new java.util.HashMap<>();
    for (LongCall c : longCalls) byName.put(c.name(), c);
    return tools.stream().map(spec -> {
      LongCall c = byName.get(spec.tool().name());
      return c == null ? spec : SyncToolSpecification.builder().tool(spec.tool())
          .callHandler((exchange, request) -> call(c, exchange, request)).build();
    }).toList();
  }

  /** Runs one call to its end, sending progress while it runs when the request asked for it. */
  CallToolResult call(LongCall call, McpSyncServerExchange exchange, CallToolRequest request) {
    requireNonNull(call, "call");
    LongCall.Started started = call.start(request.arguments() == null ? Map.of() : request.arguments());
    Object token = request.meta() == null ? null : request.meta().get("progressToken");
    ScheduledFuture<?> ticks = null;
    if (exchange != null && (token instanceof String || token instanceof Number)) {
      AtomicInteger n = new AtomicInteger();
      ticks = ticker.scheduleAtFixedRate(() -> {
        try {
          exchange.progressNotification(new ProgressNotification(token, n.incrementAndGet(), null, started.status().get()));
        } catch (RuntimeException e) {
          log.debug("progress for {} not sent: {}", call.name(), e.toString());
        }
      }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }
    try {
      return started.result().get();
    } catch (InterruptedException e) {
      started.result().cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException(call.name() + " was interrupted (the server is stopping)");
    } catch (ExecutionException e) {
      // A long call completes with an isError result for every expected failure; this is a bug.
      throw new IllegalStateException(call.name() + " failed: " + e.getCause(), e.getCause());
    } finally {
      if (ticks != null) ticks.cancel(false);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
