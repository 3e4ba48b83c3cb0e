package io.ipfskit.core.wal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Shared test fixtures. */
final class WalTests {
  private WalTests() {}

  /** Defaults with this directory and mode, a 1 s process interval and one worker per backend. */
  static WalConfig config(Path dir, FsyncMode mode) {
    return config(dir, mode, 64L << 20, 3, Duration.ofSeconds(1));
  }

  static WalConfig config(Path dir, FsyncMode mode, long segmentBytes, int maxRetries, Duration retryDelay) {
    return new WalConfig(dir, mode, 256, Duration.ofMillis(10), Duration.ofMillis(100), segmentBytes, 1000,
        maxRetries, retryDelay, Duration.ofSeconds(60), true, Duration.ofSeconds(1), 30, 1);
  }

  static Map<String, io.ipfskit.core.storage.StorageBackend> backends(ScriptedBackend... bs) {
    Map<String, io.ipfskit.core.storage.StorageBackend> m = new java.util.LinkedHashMap<>();
    for (ScriptedBackend b : bs) m.put(b.name(), b);
    return m;
  }

  static ObjectNode content(String text) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("content", text);
    return p;
  }

  static ObjectNode cid(String cid) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("cid", cid);
    return p;
  }

  /**
   * {@code params} with the grant the tool edge records for {@code params.path = file}: checked by a
   * policy whose only root is {@code root} ({@code home} carved out).
   */
  static ObjectNode withReadGrant(ObjectNode params, Path file, Path root, Path home) {
    params.put("path", file.toString());
    params.set(NewOperation.FILE_ACCESS, policy(root, home).checkRead("params.path", file.toString()).toJson());
    return params;
  }

  /** {@code params} with the grant the tool edge records for {@code params.destination = dest}. */
  static ObjectNode withWriteGrant(ObjectNode params, Path dest, boolean overwrite, Path root, Path home) {
    params.put("destination", dest.toString());
    params.set(NewOperation.FILE_ACCESS,
        policy(root, home).checkWrite("params.destination", dest.toString(), overwrite).toJson());
    return params;
  }

  static io.ipfskit.core.files.FileAccessPolicy policy(Path root, Path home) {
    return new io.ipfskit.core.files.FileAccessPolicy(
        io.ipfskit.core.files.AllowedRoots.ofOperator(java.util.List.of(root)), home.toAbsolutePath(), root);
  }

  /** Waits (event-driven, bounded) until the operation's visible snapshot satisfies the condition. */
  static Operation awaitOp(WriteAheadLog wal, String id, String what, java.util.function.Predicate<Operation> p)
      throws InterruptedException {
    Operation op = wal.awaitVisible(id, p, Duration.ofSeconds(20));
    if (!p.test(op)) throw new AssertionError("timed out waiting for " + what + "; last seen " + op);
    return op;
  }

  /** Bounded polling for a condition no event announces (e.g. a background thread failing). */
  static void awaitCondition(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll interval of a bounded wait
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }
}
