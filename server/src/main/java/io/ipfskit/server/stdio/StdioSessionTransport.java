package io.ipfskit.server.stdio;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.ipfskit.server.log.ClientLog;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Our stdio transport for the SDK's single session, replacing the SDK's
 * {@code StdioServerTransportProvider}, which (2.1.0) stops reading at the first bad line and
 * emits responses into a unicast Reactor sink that fails ("signaled serially") when two tool
 * calls finish at once, silently killing the session.
 *
 * <p>Inbound: {@link StdioServer}'s reading thread vets each line and hands the parsed message to
 * {@link #deliver}, which subscribes to the session's handling on that thread. Notifications and
 * {@code initialize} complete synchronously, so the order of lines is the order of effects; tool
 * calls continue on the SDK's worker threads and may finish in any order.
 *
 * <p>Outbound: {@link Transport#sendMessage} serialises one message to one line and writes it under
 * the {@link TrackingOutputStream} monitor, from whichever thread finished the call; responses are
 * counted there so shutdown can wait for them.
 */
final class StdioSessionTransport implements McpServerTransportProvider {

  private static final Logger log = LoggerFactory.getLogger(StdioSessionTransport.class);

  private final McpJsonMapper mapper;
  private final TrackingOutputStream out;
  private volatile McpServerSession session;
  private volatile InFlightRequests inFlight;

  StdioSessionTransport(McpJsonMapper mapper, TrackingOutputStream out) {
    this.mapper = mapper;
    this.out = out;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory sessionFactory) {
    session = sessionFactory.create(new Transport());
  }

  /** Responses then pass through {@code requests}: a cancelled request's response is dropped (and counted). */
  void track(InFlightRequests requests) {
    this.inFlight = requests;
  }

  /** Sends a notification to the client now (progress, logging); false when there is no session yet. */
  boolean notify(String method, Object params) {
    McpServerSession s = session;
    if (s == null) return false;
    // Synchronous all the same (sendMessage writes on the subscribing thread), and allowed on any thread.
    s.sendNotification(method, params).subscribe(null, e -> log.debug("sending {} failed: {}", method, e.toString()));
    return true;
  }

  /**
   * Whether the client's {@code logging/setLevel} lets a message of {@code level} through (before
   * any setLevel: the SDK's default minimum).
   */
  boolean loggingAllows(LoggingLevel level) {
    McpServerSession s = session;
    return s != null && s.isNotificationForLevelAllowed(level);
  }

  /** Forwards {@link ClientLog} events as {@code notifications/message}, filtered by the client's level. */
  ClientLog.Sink clientLogSink() {
    return ClientLog.Sink.onOwnThread("mcp-client-log", (level, logger, message) -> {
      if (loggingAllows(level.mcp())) {
        notify(McpSchema.METHOD_NOTIFICATION_MESSAGE,
            LoggingMessageNotification.builder().level(level.mcp()).logger(logger).data(message).build());
      }
    });
  }

  /** Writes a response for a request answered outside the SDK (a long call), unless it was cancelled. */
  void sendResponse(JSONRPCResponse response) {
    new Transport().sendMessage(response).block();
  }

  /** Counts the response of a cancelled long call, which is never written. */
  void dropResponse(Object id) {
    InFlightRequests requests = inFlight;
    if (requests != null) {
      requests.finish(id, write -> out.countDropped());
    } else {
      out.countDropped();
    }
  }

  /** Hands one vetted message to the session; failures are logged, never thrown. */
  void deliver(JSONRPCMessage message) {
    McpServerSession s = session;
    if (s == null) {
      throw new IllegalStateException("no MCP session: the server was not built with this transport");
    }
    s.handle(message).subscribe(null, e -> log.warn("handling a {} failed: {}", message.getClass().getSimpleName(), e.toString()));
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    McpServerSession s = session;
    return s == null ? Mono.error(new IllegalStateException("no session to notify")) : s.sendNotification(method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    McpServerSession s = session;
    return s == null ? Mono.empty() : s.closeGracefully();
  }

  /**
   * {@code json} as one line: JSON never needs a raw line break (Jackson escapes them inside
   * strings), but should one appear, each CR, LF or CRLF becomes the escape {@code \\n}.
   */
  static byte[] oneLine(byte[] json) {
    int breaks = 0;
    for (byte b : json) {
      if (b == '\n' || b == '\r') {
        breaks++;
      }
    }
    if (breaks == 0) {
      return json;
    }
    java.io.ByteArrayOutputStream escaped = new java.io.ByteArrayOutputStream(json.length + breaks);
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      if (b == '\r' || b == '\n') {
        escaped.write('\\');
        escaped.write('n');
        if (b == '\r' && i + 1 < json.length && json[i + 1] == '\n') {
          i++;
        }
      } else {
        escaped.write(b);
      }
    }
    return escaped.toByteArray();
  }

  private final class Transport implements McpServerTransport {
    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
      return Mono.fromRunnable(() -> {
        byte[] json;
        try {
          json = mapper.writeValueAsBytes(message); // UTF-8 straight away: no String, no re-encoding
        } catch (IOException e) {
          throw new UncheckedIOException("cannot serialise an outbound " + message.getClass().getSimpleName(), e);
        }
        byte[] line = oneLine(json);
        InFlightRequests requests = inFlight;
        if (message instanceof JSONRPCResponse response && requests != null) {
          requests.finish(response.id(), write -> {
            if (write) {
              writeLine(line, true);
            } else {
              out.countDropped(); // cancelled by the client: nothing more is sent for this id
            }
          });
        } else {
          writeLine(line, message instanceof JSONRPCResponse);
        }
      });
    }

    private void writeLine(byte[] line, boolean response) {
      try {
        out.writeLine(line, response);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to stdout", e);
      }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return mapper.convertValue(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }
  }
}
