package io.ipfskit.server.wal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The caller side of WAL forwarding: one connection per call. Stateless and thread-safe. */
final class OwnerSocketClient {
  private OwnerSocketClient() {}

  /** The owner could not be reached or went away; {@link #requestSent} says whether it may have acted. */
  static final class OwnerUnreachableException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean requestSent;

    OwnerUnreachableException(String message, boolean requestSent, Throwable cause) {
      super(message, cause);
      this.requestSent = requestSent;
    }

    boolean requestSent() {
      return requestSent;
    }
  }

  /**
   * @throws io.ipfskit.core.wal.WalException the owner answered with an error of that kind
   * @throws WalCallException the owner answered with an error outside the WAL's kinds
   * @throws OwnerUnreachableException no owner listens, or it died or stalled before answering
   */
  static ObjectNode call(Path socketPath, Path walDir, WalMethod method, ObjectNode args, Duration timeout)
      throws OwnerUnreachableException {
    ObjectNode request = OperationJson.MAPPER.createObjectNode();
    request.put("v", OwnerSocketServer.PROTOCOL_VERSION);
    request.put("wal_dir", walDir.toString());
    request.put("method", method.wireName());
    request.set("args", args == null ? OperationJson.MAPPER.createObjectNode() : args);
    long deadline = System.nanoTime() + timeout.toNanos();

    SocketChannel ch;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        ch.connect(UnixDomainSocketAddress.of(socketPath));
      } catch (IOException e) {
        ch.close();
        throw e;
      }
    } catch (IOException e) {
      throw new OwnerUnreachableException("no WAL owner listens on " + socketPath + " (" + e.getMessage() + ")", false, e);
    }
    boolean sent = false;
    try (FrameChannel frames = new FrameChannel(ch)) {
      frames.write(OperationJson.MAPPER.writeValueAsBytes(request), deadline);
      sent = true;
      JsonNode response = OperationJson.MAPPER.readTree(frames.read(deadline));
      if (response.path("ok").asBoolean(false)) {
        JsonNode result = response.get("result");
        if (result == null || !result.isObject()) {
          throw new WalCallException(WalCallException.Kind.INTERNAL, "the WAL owner answered without a result object");
        }
        return (ObjectNode) result;
      }
      JsonNode error = response.path("error");
      throw WalErrors.fromWire(error.path("kind").asString(""),
          error.path("message").asString("the WAL owner reported an error without a message"));
    } catch (IOException | JacksonException e) {
      throw new OwnerUnreachableException("the WAL owner on " + socketPath + " did not answer " + method.wireName()
          + " (" + e.getMessage() + ")", sent, e);
    }
  }
}
