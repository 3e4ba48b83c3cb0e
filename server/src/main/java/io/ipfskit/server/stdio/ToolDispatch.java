package io.ipfskit.server.stdio;

import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import java.util.Objects;
import java.util.function.Predicate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Decides on which thread a tool call runs. The SDK offers one switch for a whole server
 * ({@code immediateExecution}): every handler on the thread that delivered the request, or every
 * handler on a worker ({@code boundedElastic}). Neither fits: a hop to a worker costs a thread
 * wake-up per call (on a loaded box most of a quick call's time), while a call that blocks on the
 * reading thread stops the server reading, so {@code ping} and {@code notifications/cancelled}
 * would wait behind it.
 *
 * <p>So each call is decided when it arrives: {@code runsInline} answers, for the tool's name, whether
 * the call is quick right now (it touches memory and at most a local file, and whatever it needs is
 * already open: e.g. a read-only secrets call once the vault is unlocked). Such a call runs on the
 * reading thread and its answer is written before the next line is read. Everything else (a write
 * that fsyncs several files, a call that may wait for an unlock, a WAL recovery, a backend, another
 * process or the client's {@code roots/list}) runs on a worker as before. Resource reads always run
 * on a worker (they may read a backend).
 */
final class ToolDispatch {

  private ToolDispatch() {}

  static AsyncToolSpecification tool(SyncToolSpecification sync, Predicate<String> runsInline) {
    Objects.requireNonNull(runsInline, "runsInline");
    String name = sync.tool().name();
    return new AsyncToolSpecification(sync.tool(), (exchange, request) -> {
      Mono<CallToolResult> call =
          Mono.fromCallable(() -> sync.callHandler().apply(new McpSyncServerExchange(exchange), request));
      return runsInline.test(name) ? call : call.subscribeOn(Schedulers.boundedElastic());
    });
  }

  static AsyncResourceTemplateSpecification resourceTemplate(SyncResourceTemplateSpecification sync) {
    return new AsyncResourceTemplateSpecification(sync.resourceTemplate(), (exchange, request) -> Mono
        .<ReadResourceResult>fromCallable(() -> sync.readHandler().apply(new McpSyncServerExchange(exchange), request))
        .subscribeOn(Schedulers.boundedElastic()));
  }
}
