package io.ipfskit.server.wal;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers calls forwarded over the owner socket: {@code ping} here, everything else through
 * {@link WalCalls} on the in-process {@link WalService}, so a forwarded call is checked by the same
 * rules as a local one and gives the same result and messages. Thread-safe.
 */
final class WalRequestHandler {
  private final InProcessWalService wal;
  private final Instant ownerSince;

  WalRequestHandler(InProcessWalService wal, Instant ownerSince) {
    this.wal = wal;
    this.ownerSince = ownerSince;
  }

  ObjectNode handle(WalMethod method, ObjectNode arguments) {
    if (method == WalMethod.PING) return ping();
    return WalCalls.call(wal, method, arguments, WalCalls.Edge.SOCKET, method.wireName());
  }

  private ObjectNode ping() {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("pid", ProcessHandle.current().pid());
    out.put("wal_dir", wal.currentConfig().directory().toAbsolutePath().normalize().toString());
    out.put("owner_since", ownerSince.toString());
    return out;
  }
}
