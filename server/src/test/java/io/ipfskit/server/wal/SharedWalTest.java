package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.files.ReadGrant;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two {@link SharedWal}s on one home in one JVM: the first owns the log, the second forwards over
 * the real Unix socket. (Two real processes: {@code WalTwoProcessIT}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedWalTest {
  @TempDir Path home;
  /** The one folder outside the home that calls through {@link #call} may use. */
  @TempDir static Path files;
  private SharedWal first;
  private SharedWal second;

  private SharedWal open() throws IOException {
    return SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(home), null);
  }

  @AfterEach
  void close() throws Exception {
    if (second != null) second.close();
    if (first != null) first.close();
  }

  /**
   * One call through the JSON edge the MCP tools use, on the service the shared WAL hands out, for
   * a caller whose roots are {@link #files} and whose working directory is this process's.
   */
  static ObjectNode call(SharedWal wal, WalMethod method, ObjectNode args) {
    return call(wal, method, args, files == null ? AllowedRoots.none() : AllowedRoots.ofOperator(List.of(files)));
  }

  /** {@link #call} for a caller with {@code roots}; the home is the WAL directory's parent. */
  static ObjectNode call(SharedWal wal, WalMethod method, ObjectNode args, AllowedRoots roots) {
    FileAccessPolicy policy = new FileAccessPolicy(roots, wal.walDirectory().getParent(), Path.of("").toAbsolutePath());
    return WalCalls.call(wal.service(), method, args, WalCalls.Edge.MCP, method.wireName(), PathCheck.atCaller(() -> policy));
  }

  private static ObjectNode args() {
    return OperationJson.MAPPER.createObjectNode();
  }

  private static ObjectNode addContent(String content) {
    ObjectNode a = args().put("operation_type", "add");
    a.putObject("params").put("content", content);
    return a;
  }

  private static ObjectNode waitArgs(String id) {
    return args().put("operation_id", id).put("timeout", 30);
  }

  @Test
  void open_noOtherProcess_ownsAndListensOnPrivateSocket() throws Exception {
    first = open();
    assertTrue(first.isOwner());
    assertTrue(Files.exists(first.socketPath()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.socketPath())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.socketPath().getParent())));
  }

  @Test
  void call_health_ownerAndForwarderReportLocalFromTheOwnersCachedProbe() throws Exception {
    first = open();
    second = open();
    for (SharedWal w : new SharedWal[] {first, second}) {
      WalHealth h = w.service().health();
      assertTrue(h.healthy(), h.toString());
      assertEquals(java.util.Set.of("local"), h.backends().keySet());
      assertEquals("healthy", h.backends().get("local").health(),
          "the owner's first health round is done before it answers anyone");
      assertEquals("healthy", w.service().metrics().backends().get("local").health());
    }
  }

  @Test
  void call_secondOnSameHome_forwardsToOwnerAndSeesSameOperations() throws Exception {
    first = open();
    second = open();
    assertFalse(second.isOwner(), "the lock allows one owner");

    String id = call(second, WalMethod.ADD, addContent("hello from second")).get("operation_id").asString();
    ObjectNode done = call(second, WalMethod.WAIT, waitArgs(id));

    assertTrue(done.get("completed").asBoolean(), done.toString());
    String cid = done.get("operation").get("result").get("cid").asString();
    assertTrue(cid.startsWith("bafkrei"), cid);
    assertEquals(cid, call(first, WalMethod.GET, args().put("operation_id", id)).get("operation").get("result").get("cid").asString(),
        "the owner sees the operation the forwarder added");
  }

  @Test
  void call_ownerClosed_nextCallTakesOwnershipAndKeepsHistory() throws Exception {
    first = open();
    second = open();
    String id = call(first, WalMethod.ADD, addContent("before handover")).get("operation_id").asString();
    call(first, WalMethod.WAIT, waitArgs(id));
    first.close();
    first = null;

    ObjectNode status = call(second, WalMethod.STATUS, null);

    assertTrue(second.isOwner(), "took over after the owner went away");
    assertTrue(status.get("total").asLong() >= 1, status.toString());
  }

  @Test
  void call_unknownOperationForwarded_sameNotFoundMessageAsLocal() throws Exception {
    first = open();
    second = open();
    ObjectNode a = args().put("operation_id", "no-such-id");
    WalException local = assertThrows(WalException.class, () -> call(first, WalMethod.GET, a));
    WalException forwarded = assertThrows(WalException.class, () -> call(second, WalMethod.GET, a));
    assertEquals(WalException.Kind.OPERATION_NOT_FOUND, local.kind());
    assertEquals(WalException.Kind.OPERATION_NOT_FOUND, forwarded.kind());
    assertEquals(local.getMessage(), forwarded.getMessage());
    assertEquals("no operation with operation_id 'no-such-id'", local.getMessage());
  }

  @Test
  void call_badOperationType_invalidOperationNamingFieldNotValue() throws Exception {
    first = open();
    ObjectNode a = args().put("operation_type", "explode");
    WalException e = assertThrows(WalException.class, () -> call(first, WalMethod.ADD, a));
    assertEquals(WalException.Kind.INVALID_OPERATION, e.kind());
    assertEquals("operation_type must be one of add, get, pin, unpin, rm, cat", e.getMessage());
  }

  @Test
  void call_unconfiguredBackend_invalidArgumentAndNothingAdded() throws Exception {
    first = open();
    ObjectNode a = addContent("x").put("backend", "s3");
    WalException e = assertThrows(WalException.class, () -> call(first, WalMethod.ADD, a));
    assertTrue(e.kind() == WalException.Kind.BACKEND_NOT_CONFIGURED || e.kind() == WalException.Kind.INVALID_OPERATION,
        e.kind().toString());
    assertTrue(e.getMessage().contains("s3"), e.getMessage());
    assertEquals(0, call(first, WalMethod.STATUS, null).get("total").asLong());
  }

  @Test
  void call_getWithoutCid_invalidArgumentNamingCid() throws Exception {
    first = open();
    ObjectNode a = args().put("operation_type", "get");
    WalException e = assertThrows(WalException.class, () -> call(first, WalMethod.ADD, a));
    assertEquals(WalException.Kind.INVALID_OPERATION, e.kind());
    assertTrue(e.getMessage().contains("cid"), e.getMessage());
  }

  @Test
  void call_priorityOutOfRange_rejectedBeforeTheLog() throws Exception {
    first = open();
    ObjectNode a = addContent("x").put("priority", 11);
    WalException e = assertThrows(WalException.class, () -> call(first, WalMethod.ADD, a));
    assertEquals("priority must be between 1 and 10", e.getMessage());
  }

  @Test
  void call_retryCompletedOperation_illegalTransition() throws Exception {
    first = open();
    String id = call(first, WalMethod.ADD, addContent("x")).get("operation_id").asString();
    call(first, WalMethod.WAIT, waitArgs(id));
    WalException e = assertThrows(WalException.class,
        () -> call(first, WalMethod.RETRY, args().put("operation_id", id)));
    assertEquals(WalException.Kind.ILLEGAL_TRANSITION, e.kind());
  }

  @Test
  void call_getWithRelativeDestination_forwardedAsAbsoluteAndWritesSameBytes() throws Exception {
    first = open();
    second = open();
    String id = call(second, WalMethod.ADD, addContent("round trip")).get("operation_id").asString();
    String cid = call(second, WalMethod.WAIT, waitArgs(id)).get("operation").get("result").get("cid").asString();
    Path dest = files.toRealPath().resolve("out.txt");
    Path relative = Path.of("").toAbsolutePath().relativize(dest);

    ObjectNode get = args().put("operation_type", "get");
    get.putObject("params").put("cid", cid).put("destination", relative.toString());
    String getId = call(second, WalMethod.ADD, get).get("operation_id").asString();
    ObjectNode done = call(second, WalMethod.WAIT, waitArgs(getId));

    assertTrue(done.get("completed").asBoolean(), done.toString());
    assertEquals(dest.toString(), done.get("operation").get("parameters").get("destination").asString());
    assertEquals("round trip", Files.readString(dest));
  }

  @Test
  void pingOwner_ownerAlive_reportsPidAndWalDir() throws Exception {
    first = open();
    var ping = SharedWal.pingOwner(home, io.ipfskit.core.wal.WalConfig.defaults(home));
    assertTrue(ping.isPresent());
    assertEquals(ProcessHandle.current().pid(), ping.get().get("pid").asLong());
    first.close();
    first = null;
    assertTrue(SharedWal.pingOwner(home, io.ipfskit.core.wal.WalConfig.defaults(home)).isEmpty());
  }

  @Test
  void open_watcher_takesOverWithoutAnyCall() throws Exception {
    first = open();
    second = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(home), Duration.ofMillis(50));
    first.close();
    first = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!second.isOwner() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(second.isOwner());
  }


  @Test
  void call_manyConcurrentForwardedAdds_allRecordedWithDistinctIds() throws Exception {
    first = open();
    second = open();
    int threads = 16;
    int perThread = 10;
    java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            ids.add(call(second, WalMethod.ADD, addContent("t" + thread + "-" + i)).get("operation_id").asString());
          }
          return null;
        }));
      }
      for (var f : futures) f.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * perThread, ids.size());
    assertEquals(threads * perThread, call(first, WalMethod.STATUS, null).get("total").asLong());
  }

  @Test
  void call_twoForwardersRaceAfterOwnerCloses_exactlyOneTakesOverAndBothCallsSucceed() throws Exception {
    first = open();
    second = open();
    try (SharedWal third = open()) {
      first.close();
      first = null;
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = pool.submit(() -> {
          start.await();
          return call(second, WalMethod.ADD, addContent("from second")).get("operation_id").asString();
        });
        var b = pool.submit(() -> {
          start.await();
          return call(third, WalMethod.ADD, addContent("from third")).get("operation_id").asString();
        });
        String idA = a.get(60, TimeUnit.SECONDS);
        String idB = b.get(60, TimeUnit.SECONDS);
        assertTrue(second.isOwner() ^ third.isOwner(), "exactly one owner");
        SharedWal owner = second.isOwner() ? second : third;
        assertEquals(2, call(owner, WalMethod.STATUS, null).get("total").asLong());
        call(owner, WalMethod.GET, args().put("operation_id", idA));
        call(owner, WalMethod.GET, args().put("operation_id", idB));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void call_homePathTooLongForSocketAddress_forwardsOverShortFallbackSocket() throws Exception {
    Path longHome = Files.createDirectories(home.resolve("a".repeat(60)).resolve("b".repeat(60)));
    try (SharedWal owner = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(longHome), null);
         SharedWal forwarder = SharedWal.forHome(io.ipfskit.server.KitConfig.defaults(longHome), null)) {
      assertTrue(owner.isOwner());
      assertFalse(forwarder.isOwner());
      assertFalse(owner.socketPath().startsWith(longHome), owner.socketPath().toString());
      assertTrue(owner.socketPath().toString().length() <= OwnerSocketPath.MAX_SOCKET_PATH_BYTES);
      String id = call(forwarder, WalMethod.ADD, addContent("long home")).get("operation_id").asString();
      assertEquals("completed", call(forwarder, WalMethod.WAIT, waitArgs(id)).get("status").asString());
    }
  }

  /**
   * Replaces the owner's socket with one that reads each request and hangs up without answering
   * (an owner dying mid-call) except from the {@code answerFrom}-th request on, which it answers
   * through the real owner.
   */
  private java.util.concurrent.atomic.AtomicInteger dyingOwner(java.nio.channels.ServerSocketChannel fake, int answerFrom) {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    Thread t = new Thread(() -> {
      while (true) {
        try (java.nio.channels.SocketChannel c = fake.accept(); FrameChannel f = new FrameChannel(c)) {
          var request = OperationJson.MAPPER.readTree(f.read(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
          if (requests.incrementAndGet() >= answerFrom) {
            ObjectNode reply = args().put("ok", true);
            reply.set("result", call(first, WalMethod.parse(request.path("method").asString()), (ObjectNode) request.get("args")));
            f.write(OperationJson.MAPPER.writeValueAsBytes(reply), System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
          }
        } catch (IOException | RuntimeException e) {
          return;
        }
      }
    }, "dying-owner");
    t.setDaemon(true);
    t.start();
    return requests;
  }

  private java.nio.channels.ServerSocketChannel fakeOwnerSocket() throws IOException {
    Files.delete(first.socketPath());
    java.nio.channels.ServerSocketChannel fake = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    fake.bind(java.net.UnixDomainSocketAddress.of(first.socketPath()));
    return fake;
  }

  @Test
  void add_ownerDiesAfterReceivingIt_notRepeatedAndReportedUnavailable() throws Exception {
    first = open();
    second = open();
    try (var fake = fakeOwnerSocket()) {
      var requests = dyingOwner(fake, Integer.MAX_VALUE);

      WalCallException e = assertThrows(WalCallException.class, () -> call(second, WalMethod.ADD, addContent("once")));

      assertEquals(WalCallException.Kind.UNAVAILABLE, e.kind());
      assertEquals("the process owning the WAL went away while handling add; it may or may not have been applied:"
          + " check with wal_list_operations before repeating it", e.getMessage());
      assertEquals(1, requests.get(), "a call that may have been applied is sent once");
    }
    assertEquals(0, call(first, WalMethod.STATUS, null).get("total").asLong());
  }

  @Test
  void status_ownerDiesAfterReceivingIt_repeatedBecauseReadOnly() throws Exception {
    first = open();
    second = open();
    call(first, WalMethod.ADD, addContent("one"));
    try (var fake = fakeOwnerSocket()) {
      var requests = dyingOwner(fake, 2);

      ObjectNode status = call(second, WalMethod.STATUS, null);

      assertEquals(1, status.get("total").asLong());
      assertEquals(2, requests.get(), "the read-only call was sent again");
    }
  }

  // ---------------------------------------------------------------- file access: forwarder and owner

  @TempDir Path outside;

  private static ObjectNode addPath(String path) {
    ObjectNode a = args().put("operation_type", "add");
    a.putObject("params").put("path", path);
    return a;
  }

  /** {@code params} with a path and the grant for it, as a forwarding process sends them. */
  private static NewOperation forwardedAdd(ReadGrant grant) {
    ObjectNode params = OperationJson.MAPPER.createObjectNode();
    params.put("path", grant.file().toString());
    params.set("file_access", grant.toJson());
    return new NewOperation(OperationType.ADD, "local", params, 5);
  }

  private void assertRefusedByTheOwner(NewOperation op, String expectedStart) {
    assertFalse(second.isOwner());
    WalException e = assertThrows(WalException.class, () -> second.service().add(op));
    assertEquals(WalException.Kind.INVALID_OPERATION, e.kind());
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    assertEquals(0, first.service().status().totalOperations(), "refused before it was logged");
  }

  @Test
  void forwarder_pathOutsideItsCallersRoots_refusedAndNothingLogged() throws Exception {
    first = open();
    second = open();
    Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
    WalException e = assertThrows(WalException.class, () -> call(second, WalMethod.ADD, addPath(secret.toString())));
    assertEquals(WalException.Kind.INVALID_OPERATION, e.kind());
    assertTrue(e.getMessage().startsWith("params.path refused: its real location"), e.getMessage());
    assertEquals(0, first.service().status().totalOperations());
  }

  @Test
  void forwarder_pathInsideItsCallersRoots_ownerLogsItWithTheGrantAndRunsIt() throws Exception {
    first = open();
    second = open();
    Path file = Files.writeString(files.toRealPath().resolve("shared.txt"), "forwarded file");
    ObjectNode added = call(second, WalMethod.ADD, addPath(file.toString()));
    assertEquals(file.toString(), added.get("operation").get("parameters").get("file_access").get("file").asString());
    ObjectNode done = call(second, WalMethod.WAIT, waitArgs(added.get("operation_id").asString()));
    assertTrue(done.get("completed").asBoolean(), done.toString());
    assertEquals(14, done.get("operation").get("result").get("size").asLong());
  }

  @Test
  void owner_forwardedGrantWhoseFileTurnedIntoALinkOut_refused() throws Exception {
    first = open();
    second = open();
    Path root = files.toRealPath();
    Path file = Files.writeString(root.resolve("swap.txt"), "harmless");
    ReadGrant grant = new FileAccessPolicy(AllowedRoots.ofOperator(List.of(root)), home, root)
        .checkRead("params.path", file.toString());
    Files.delete(file);
    Files.createSymbolicLink(file, Files.writeString(outside.resolve("secret.txt"), "secret"));
    assertRefusedByTheOwner(forwardedAdd(grant), "params.path refused when the operation ran: the file or a folder");
  }

  @Test
  void owner_forgedGrantOutsideItsRecordedRoots_refused() throws Exception {
    first = open();
    second = open();
    Path secret = Files.writeString(outside.toRealPath().resolve("secret.txt"), "secret");
    ReadGrant forged = new ReadGrant("params.path", secret, secret.getParent(),
        AllowedRoots.ofOperator(List.of(files.toRealPath())));
    assertRefusedByTheOwner(forwardedAdd(forged), "params.path refused: its real location");
  }

  @Test
  void owner_forwardedGrantIntoTheHome_refused() throws Exception {
    first = open();
    second = open();
    Path realHome = home.toRealPath();
    Path key = Files.writeString(realHome.resolve("planted.txt"), "secret");
    ReadGrant grant = new ReadGrant("params.path", key, realHome, AllowedRoots.ofOperator(List.of(realHome.getParent())));
    assertRefusedByTheOwner(forwardedAdd(grant), "params.path refused: IPFS_KIT_HOME");
  }

  @Test
  void owner_forwardedPathWithoutGrant_refused() throws Exception {
    first = open();
    second = open();
    ObjectNode params = OperationJson.MAPPER.createObjectNode();
    params.put("path", Files.writeString(files.toRealPath().resolve("nogrant.txt"), "x").toString());
    // core refuses to even build such an operation; a raw socket request is refused by the owner
    assertThrows(IllegalArgumentException.class, () -> new NewOperation(OperationType.ADD, "local", params, 5));
    ObjectNode raw = args().put("operation_type", "add");
    raw.set("params", params);
    Path walDir = io.ipfskit.server.KitConfig.defaults(home).wal().directory().toAbsolutePath().normalize();
    WalException e = assertThrows(WalException.class, () -> OwnerSocketClient.call(first.socketPath(), walDir,
        WalMethod.ADD, raw, Duration.ofSeconds(10)));
    assertEquals(WalException.Kind.INVALID_OPERATION, e.kind());
    assertTrue(e.getMessage().startsWith("params.file_access is required with params.path"), e.getMessage());
    assertEquals(0, first.service().status().totalOperations(), "refused before it was logged");
  }

  @Test
  void forwarder_getOverwritingAnExistingFile_ownerAcceptsTheWriteGrantOnlyWithOverwrite() throws Exception {
    first = open();
    second = open();
    String id = call(second, WalMethod.ADD, addContent("replacement")).get("operation_id").asString();
    String cid = call(second, WalMethod.WAIT, waitArgs(id)).get("operation").get("result").get("cid").asString();
    Path dest = Files.writeString(files.toRealPath().resolve("existing.txt"), "old");

    ObjectNode get = args().put("operation_type", "get");
    get.putObject("params").put("cid", cid).put("destination", dest.toString());
    WalException e = assertThrows(WalException.class, () -> call(second, WalMethod.ADD, get));
    assertEquals("params.destination already exists; set overwrite to true to replace it", e.getMessage());

    ((ObjectNode) get.get("params")).put("overwrite", true);
    ObjectNode added = call(second, WalMethod.ADD, get);
    assertTrue(added.get("operation").get("parameters").get("file_access").get("overwrite").asBoolean());
    assertTrue(call(second, WalMethod.WAIT, waitArgs(added.get("operation_id").asString())).get("completed").asBoolean());
    assertEquals("replacement", Files.readString(dest));
  }
}
