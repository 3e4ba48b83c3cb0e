package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.EOFException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The owner socket protocol against misbehaving peers: each gets an answer or a closed connection, the owner keeps serving. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OwnerSocketServerTest {
  @TempDir Path home;
  private WriteAheadLog wal;
  private OwnerSocketServer server;
  private Path socket;
  private Path walDir;

  @BeforeEach
  void start() throws Exception {
    WalConfig config = WalConfig.defaults(home);
    walDir = config.directory().toAbsolutePath().normalize();
    wal = WriteAheadLog.open(config, Map.of(), Clock.systemUTC());
    socket = OwnerSocketPath.forHome(home);
    Files.createDirectories(socket.getParent());
    Files.writeString(socket, "stale");  // left behind by a killed owner
    server = OwnerSocketServer.start(socket, walDir, new WalRequestHandler(new InProcessWalService(wal), walDir, Clock.systemUTC().instant(), OwnerPolicies.forWalDir(walDir)));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    wal.close();
  }

  private ObjectNode ping() throws Exception {
    return OwnerSocketClient.call(socket, walDir, WalMethod.PING, null, Duration.ofSeconds(5));
  }

  private JsonNode raw(byte[] frame) throws Exception {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap(frame));
      try (FrameChannel frames = new FrameChannel(ch)) {
        return OperationJson.MAPPER.readTree(frames.read(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
      }
    }
  }

  private static byte[] frame(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  @Test
  void start_staleSocketFile_replacedAndAnswering() throws Exception {
    assertEquals(ProcessHandle.current().pid(), ping().get("pid").asLong());
  }

  @Test
  void call_otherWalDirectory_refusedNamingBothDirectories() {
    WalCallException e = assertThrows(WalCallException.class, () ->
        OwnerSocketClient.call(socket, Path.of("/elsewhere/wal"), WalMethod.STATUS, null, Duration.ofSeconds(5)));
    assertEquals(WalCallException.Kind.INTERNAL, e.kind());
    assertEquals("this owner serves the WAL at " + walDir + ", but the caller is configured for /elsewhere/wal;"
        + " use the same IPFS_KIT_WAL_PATH in both", e.getMessage());
  }

  @Test
  void call_unknownMethod_errorReplyAndOwnerKeepsServing() throws Exception {
    JsonNode reply = raw(frame("{\"v\":1,\"wal_dir\":\"" + walDir + "\",\"method\":\"format_disk\",\"args\":{}}"));
    assertEquals(false, reply.get("ok").asBoolean());
    assertEquals("internal", reply.get("error").get("kind").asString());
    assertEquals("method must be a known WAL method (owner and caller run different versions?)",
        reply.get("error").get("message").asString());
    ping();
  }

  @Test
  void call_otherProtocolVersion_refused() throws Exception {
    JsonNode reply = raw(frame("{\"v\":99,\"wal_dir\":\"" + walDir + "\",\"method\":\"ping\"}"));
    assertEquals("protocol version must be 1, but was 99; the owner runs a different ipfs-kit version",
        reply.get("error").get("message").asString());
  }

  @Test
  void call_notJsonOrOversizedFrame_connectionDroppedOwnerKeepsServing() throws Exception {
    assertThrows(EOFException.class, () -> raw(frame("this is not json")));
    byte[] huge = ByteBuffer.allocate(4).putInt(FrameChannel.MAX_FRAME_BYTES + 1).array();
    assertThrows(EOFException.class, () -> raw(huge));
    assertEquals(ProcessHandle.current().pid(), ping().get("pid").asLong());
  }

  @Test
  void close_socketFileRemovedAndCallersSeeNoOwner() throws Exception {
    server.close();
    assertTrue(Files.notExists(socket));
    OwnerSocketClient.OwnerUnreachableException e = assertThrows(OwnerSocketClient.OwnerUnreachableException.class, this::ping);
    assertEquals(false, e.requestSent());
  }
}
