package io.ipfskit.server.wal;

import io.ipfskit.core.files.FileAccessPolicy;
import java.nio.file.Path;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers calls forwarded over the owner socket: {@code ping} here, everything else through
 * {@link WalCalls} on the in-process {@link WalService}, so a forwarded call is checked by the same
 * rules as a local one and gives the same result and messages. A forwarded operation with a path
 * argument carries the forwarding process's grant ({@code params.file_access}, checked against
 * its caller's roots), which is re-checked here with this home before the operation is logged
 * ({@link PathCheck.AtOwner}). Thread-safe.
 */
final class WalRequestHandler {
  private final WalService wal;
  private final Path walDir;
  private final Instant ownerSince;
  private final PathCheck paths;

  /**
   * @param wal the log this process owns (the in-process service)
   * @param walDir its directory, absolute and normalised, which {@code ping} reports
   * @param owner a policy with this process's home, to re-check forwarded grants
   */
  WalRequestHandler(WalService wal, Path walDir, Instant ownerSince, FileAccessPolicy owner) {
    this.wal = wal;
    this.walDir = walDir;
    this.ownerSince = ownerSince;
    this.paths = PathCheck.atOwner(owner);
  }

  ObjectNode handle(WalMethod method, ObjectNode arguments) {
    if (method == WalMethod.PING) return ping();
    return WalCalls.call(wal, method, arguments, WalCalls.Edge.SOCKET, method.wireName(), paths);
  }

  private ObjectNode ping() {
    ObjectNode out = OperationJson.MAPPER.createObjectNode();
    out.put("pid", ProcessHandle.current().pid());
    out.put("wal_dir", walDir.toString());
    out.put("owner_since", ownerSince.toString());
    return out;
  }
}
