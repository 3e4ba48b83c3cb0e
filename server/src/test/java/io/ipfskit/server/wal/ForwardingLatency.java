package io.ipfskit.server.wal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Not a test: a small measurement of what forwarding over the owner socket costs. Two {@link
 * SharedWal}s on one scratch home (argument 1, default: a new directory under target/), the first
 * owns the log; prints p50/p99 of {@code status} and {@code add} calls, local versus forwarded.
 * Run: {@code java -cp server/target/ipfs-kit.jar:server/target/test-classes io.ipfskit.server.wal.ForwardingLatency}
 */
public final class ForwardingLatency {
  private ForwardingLatency() {}

  public static void main(String[] args) throws Exception {
    Path home = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory(Path.of("server/target"), "fwd-");
    try (SharedWal owner = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(home), null);
         SharedWal forwarder = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(home), null)) {
      for (String mode : new String[] {"local", "forwarded"}) {
        SharedWal w = mode.equals("local") ? owner : forwarder;
        long[] status = new long[5000];
        for (int round = 0; round < 2; round++) {  // first round warms up
          for (int i = 0; i < status.length; i++) {
            long t = System.nanoTime();
            SharedWalTest.call(w, WalMethod.STATUS, null);
            status[i] = System.nanoTime() - t;
          }
        }
        long[] add = new long[500];
        for (int i = 0; i < add.length; i++) {
          ObjectNode a = OperationJson.MAPPER.createObjectNode().put("operation_type", "add");
          a.putObject("params").put("content", "forwarding " + i);
          long t = System.nanoTime();
          SharedWalTest.call(w, WalMethod.ADD, a);
          add[i] = System.nanoTime() - t;
        }
        System.out.printf("%-9s status p50 %8.1f us  p99 %8.1f us | add (always fsync) p50 %8.1f us  p99 %8.1f us%n",
            mode, p(status, 0.5), p(status, 0.99), p(add, 0.5), p(add, 0.99));
      }
    }
  }

  private static double p(long[] nanos, double q) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] / 1e3;
  }
}
