package io.ipfskit.server.wal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The pool forwarded waits block on (socket I/O to the owning process); never an MCP tool worker. */
final class ForwardedWaits {
  private static final AtomicInteger COUNT = new AtomicInteger();

  static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "wal-forwarded-wait-" + COUNT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private ForwardedWaits() {}
}
