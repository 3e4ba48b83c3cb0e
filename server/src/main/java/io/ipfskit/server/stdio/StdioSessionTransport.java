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
        try {
          out.writeLine(oneLine(json), message instanceof JSONRPCResponse);
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
