package io.ipfskit.server.stdio;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
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

  StdioSessionTransport(McpJsonMapper mapper, TrackingOutputStream out) {
    this.mapper = mapper;
    this.out = out;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory sessionFactory) {
    session = sessionFactory.create(new Transport());
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

  private final class Transport implements McpServerTransport {
    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
      return Mono.fromRunnable(() -> {
        String json;
        try {
          json = mapper.writeValueAsString(message);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot serialise an outbound " + message.getClass().getSimpleName(), e);
        }
        // JSON never needs a raw line break; escape any so one message stays one line.
        json = json.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
        try {
          out.writeLine(json, message instanceof JSONRPCResponse);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write to stdout", e);
        }
      });
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
