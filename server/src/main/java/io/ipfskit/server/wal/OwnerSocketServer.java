package io.ipfskit.server.wal;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The owner side of WAL forwarding: listens on the home's Unix domain socket and answers one
 * request per connection ({@code {v, wal_dir, method, args}} → {@code {ok, result | error}}).
 *
 * <p>Invariants: only a process holding the WAL lock starts one, so at most one listens per home;
 * it deletes a stale socket file before binding and its own file on {@link #close}, which the owner
 * calls before releasing the lock, so it never deletes a successor's socket. The accept thread only
 * accepts; each connection runs on a bounded pool (waits block a thread up to 300 s), and a full
 * pool answers "busy" instead of queueing. Peers must run as this process's user (SO_PEERCRED),
 * on top of the 0600 socket in a 0700 directory.
 */
final class OwnerSocketServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OwnerSocketServer.class);
  static final int PROTOCOL_VERSION = 1;
  private static final int MAX_CONNECTIONS = 64;
  private static final long REQUEST_READ_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long RESPONSE_WRITE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Path socketPath;
  private final Path walDir;
  private final WalRequestHandler handler;
  private final ServerSocketChannel server;
  private final ThreadPoolExecutor workers;
  private final Thread acceptor;
  private volatile boolean closed;

  private OwnerSocketServer(Path socketPath, Path walDir, WalRequestHandler handler, ServerSocketChannel server) {
    this.socketPath = socketPath;
    this.walDir = walDir;
    this.handler = handler;
    this.server = server;
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "wal-owner-conn-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "wal-owner-accept");
    acceptor.setDaemon(true);
  }

  /** Binds the socket (replacing a stale file) and starts accepting. The caller holds the WAL lock. */
  static OwnerSocketServer start(Path socketPath, Path walDir, WalRequestHandler handler) throws IOException {
    OwnerSocketPath.prepareDirectory(socketPath);
    Files.deleteIfExists(socketPath); // left by an owner that died; we hold the lock, so it is not live
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socketPath));
      OwnerSocketPath.restrictSocketFile(socketPath);
    } catch (IOException e) {
      server.close();
      throw new IOException("cannot listen on the WAL owner socket " + socketPath + ": " + e.getMessage(), e);
    }
    OwnerSocketServer s = new OwnerSocketServer(socketPath, walDir, handler, server);
    s.acceptor.start();
    log.info("WAL owner listening on {}", socketPath);
    return s;
  }

  Path socketPath() {
    return socketPath;
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel conn;
      try {
        conn = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (closed) return;
        log.warn("WAL owner socket accept failed: {}", e.toString());
        continue;
      }
      try {
        workers.execute(() -> serve(conn));
      } catch (RejectedExecutionException e) {
        reply(conn, error(WalCallException.Kind.UNAVAILABLE.wireName(),
            "the WAL owner is busy with " + MAX_CONNECTIONS + " concurrent calls; try again shortly"));
      }
    }
  }

  private void serve(SocketChannel conn) {
    ObjectNode response;
    try (FrameChannel frames = new FrameChannel(conn)) {
      checkPeer(conn);
      JsonNode request = OperationJson.MAPPER.readTree(frames.read(System.nanoTime() + REQUEST_READ_NANOS));
      response = dispatch(request);
      frames.write(OperationJson.MAPPER.writeValueAsBytes(response), System.nanoTime() + RESPONSE_WRITE_NANOS);
    } catch (IOException | JacksonException e) {
      if (!closed) log.warn("WAL owner socket: dropped a connection: {}", e.toString());
    }
  }

  private ObjectNode dispatch(JsonNode request) {
    try {
      if (!request.isObject()) {
        throw new WalCallException(WalCallException.Kind.INTERNAL, "request must be a JSON object");
      }
      int v = request.path("v").asInt(-1);
      if (v != PROTOCOL_VERSION) {
        throw new WalCallException(WalCallException.Kind.INTERNAL, "protocol version must be "
            + PROTOCOL_VERSION + ", but was " + v + "; the owner runs a different ipfs-kit version");
      }
      String dir = request.path("wal_dir").asString("");
      if (!walDir.toString().equals(dir)) {
        throw new WalCallException(WalCallException.Kind.INTERNAL, "this owner serves the WAL at "
            + walDir + ", but the caller is configured for " + dir + "; use the same IPFS_KIT_WAL_PATH in both");
      }
      WalMethod method = WalMethod.parse(request.path("method").asString(""));
      JsonNode args = request.get("args");
      ObjectNode result = handler.handle(method, args != null && args.isObject() ? (ObjectNode) args : null);
      ObjectNode ok = OperationJson.MAPPER.createObjectNode();
      ok.put("ok", true);
      ok.set("result", result);
      return ok;
    } catch (io.ipfskit.core.wal.WalException | WalCallException e) {
      return error(WalErrors.wireKind(e), e.getMessage());
    } catch (RuntimeException e) {
      log.error("WAL owner socket: call failed unexpectedly", e);
      return error(WalCallException.Kind.INTERNAL.wireName(), "internal error in the WAL owner ("
          + e.getClass().getSimpleName() + "); see its log");
    }
  }

  private void checkPeer(SocketChannel conn) throws IOException {
    try {
      var peer = conn.getOption(ExtendedSocketOptions.SO_PEERCRED);
      String me = System.getProperty("user.name");
      if (peer != null && !peer.user().getName().equals(me)) {
        throw new IOException("refused a WAL call from user " + peer.user().getName() + " (owner runs as " + me + ")");
      }
    } catch (UnsupportedOperationException e) {
      // platform without SO_PEERCRED: the 0600 socket in a 0700 directory is the guard
    }
  }

  static ObjectNode error(String kind, String message) {
    ObjectNode n = OperationJson.MAPPER.createObjectNode();
    n.put("ok", false);
    ObjectNode e = n.putObject("error");
    e.put("kind", kind);
    e.put("message", message);
    return n;
  }

  private static void reply(SocketChannel conn, ObjectNode response) {
    try (FrameChannel frames = new FrameChannel(conn)) {
      frames.write(OperationJson.MAPPER.writeValueAsBytes(response), System.nanoTime() + RESPONSE_WRITE_NANOS);
    } catch (IOException e) {
      log.debug("could not send busy reply: {}", e.toString());
    }
  }

  /** Stops accepting, deletes the socket file, interrupts calls in progress (waits end early). */
  @Override
  public void close() throws IOException {
    closed = true;
    try {
      server.close();
    } finally {
      Files.deleteIfExists(socketPath);
      workers.shutdownNow();
      try {
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("WAL owner socket: calls still running after 5 s at shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

}
