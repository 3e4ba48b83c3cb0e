package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.ipfskit.server.log.ClientLog;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@link ClientLog} events for every Streamable HTTP session: stands between the MCP server and the
 * SDK's servlet transport (which keeps its sessions to itself), notes each session the SDK starts,
 * and {@linkplain #sink() delivers} an event as {@code notifications/message} to each session whose
 * own {@code logging/setLevel} (the SDK keeps it per session; before any setLevel the SDK's default
 * minimum) lets its level through. The SDK sends a session's notifications on its listening stream
 * (the client's {@code GET /mcp}); a session without one misses them, as the spec allows.
 *
 * <p>Sessions are held weakly: the SDK's transport owns them and forgets a deleted or idle-swept
 * session, which then leaves this registry too (a closed one in between just drops the event).
 * Thread-safe.
 */
final class SessionNotices implements McpStreamableServerTransportProvider {
  private static final Logger log = LoggerFactory.getLogger(SessionNotices.class);

  private final McpStreamableServerTransportProvider transport;
  private final Map<String, WeakReference<McpStreamableServerSession>> sessions = new ConcurrentHashMap<>();
  private final ClientLog.Sink sink = ClientLog.Sink.onOwnThread("mcp-http-client-log", this::deliver);

  private final SessionLeases leases;

  /** {@code leases}: where each session started is registered as a lease. */
  SessionNotices(McpStreamableServerTransportProvider transport, SessionLeases leases) {
    this.transport = requireNonNull(transport, "transport");
    this.leases = requireNonNull(leases, "leases");
  }

  /** Forwards events to the sessions (from a thread of its own); attach it to {@link ClientLog}. */
  ClientLog.Sink sink() {
    return sink;
  }

  /** Sessions started and not yet collected (tests). */
  int sessionCount() {
    sessions.values().removeIf(r -> r.get() == null);
    return sessions.size();
  }

  /** Sends one event now, on the calling thread, to each session that asked for its level or lower. */
  void deliver(ClientLog.Level level, String logger, String message) {
    LoggingMessageNotification notification = LoggingMessageNotification.builder()
        .level(level.mcp()).logger(logger).data(message).build();
    for (Map.Entry<String, WeakReference<McpStreamableServerSession>> e : sessions.entrySet()) {
      McpStreamableServerSession session = e.getValue().get();
      if (session == null) {
        sessions.remove(e.getKey(), e.getValue());
      } else if (session.isNotificationForLevelAllowed(level.mcp())) {
        try {
          session.sendNotification(McpSchema.METHOD_NOTIFICATION_MESSAGE, notification).block();
        } catch (RuntimeException failed) {
          // no listening stream (yet), or the client went away: that session misses this event
          log.debug("notifications/message to session {} not sent: {}", e.getKey(), failed.toString());
        }
      }
    }
  }

  @Override
  public void setSessionFactory(McpStreamableServerSession.Factory factory) {
    requireNonNull(factory, "factory");
    transport.setSessionFactory(initialize -> {
      McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(initialize);
      sessions.put(init.session().getId(), new WeakReference<>(init.session()));
      leases.started(init.session().getId());
      return init;
    });
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return transport.notifyClients(method, params);
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, Object params) {
    return transport.notifyClient(sessionId, method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return transport.closeGracefully();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public List<String> protocolVersions() {
    return transport.protocolVersions();
  }
}
