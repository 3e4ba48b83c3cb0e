package io.ipfskit.server.wal;

import java.nio.file.Path;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers calls forwarded over the owner socket: {@code ping} here, everything else through
 * {@link WalCalls} on the in-process {@link WalService}, so a forwarded call is checked by the same
 * rules as a local one and gives the same result and messages. Thread-safe.
 */
final class WalRequestHandler {
  private final WalService wal;
  private final Path walDir;
  private final Instant ownerSince;

  /**
   * @param wal the log this process owns (the in-process service)
   * @param walDir its directory, absolute and normalised, which {@code ping} reports
   */
  WalRequestHandler(WalService wal, Path walDir, Instant ownerSince) {
    this.wal = wal;
    this.walDir = walDir;
    this.ownerSince = ownerSince;
  }

  ObjectNode handle(WalMethod method, ObjectNode arguments) {
    if (method == WalMethod.PING) return ping();
    return WalCalls.call(wal, method, arguments, WalCalls.Edge.SOCKET, method.wireName());
  }

  private ObjectNode ping() {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("pid", ProcessHandle.current().pid());
    out.put("wal_dir", walDir.toString());
    out.put("owner_since", ownerSince.toString());
    return out;
  }
}
