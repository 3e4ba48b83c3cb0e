package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WriteAheadLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@link WalService#waitForAsync}: parked on the log in process, on the forwarding pool over the socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParkedWaitTest {
  @TempDir Path home;
  private WriteAheadLog log;
  private Map<String, StorageBackend> backends;
  private OwnerSocketServer server;
  private InProcessWalService local;
  private SocketWalService remote;

  @BeforeEach
  void open() throws Exception {
    WalConfig config = WalConfig.defaults(home);
    Path walDir = config.directory().toAbsolutePath().normalize();
    backends = Map.of("local", LocalBlockStore.open(home.resolve("blocks")));
    log = WriteAheadLog.open(config, backends, Clock.systemUTC());
    log.pauseProcessing();
    local = new InProcessWalService(log);
    Path socket = OwnerSocketPath.forHome(home);
    server = OwnerSocketServer.start(socket, walDir, new WalRequestHandler(local, walDir, Clock.systemUTC().instant(),
        OwnerPolicies.forWalDir(walDir)));
    remote = new SocketWalService(socket, walDir);
  }

  @AfterEach
  void close() throws Exception {
    server.close();
    log.close();
    for (StorageBackend b : backends.values()) b.close();
  }

  private String addContent(String text) {
    return local.add(new NewOperation(OperationType.ADD, "local",
        JsonNodeFactory.instance.objectNode().put("content", text), 5)).operationId();
  }

  private static Operation await(CompletableFuture<Operation> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void waitForAsync_thirtyWaitsInProcess_holdNoThreadAndAllCompleteWhenTheOperationDoes() throws Exception {
    String id = addContent("parked");
    await(local.waitForAsync(id, Duration.ZERO)); // starts the shared timer thread, if not yet running
    int threadsBefore = Thread.activeCount();
    List<CompletableFuture<Operation>> waits = new ArrayList<>();
    for (int i = 0; i < 30; i++) waits.add(local.waitForAsync(id, Duration.ofSeconds(60)));
    assertTrue(Thread.activeCount() - threadsBefore <= 2,
        "30 parked waits must not take a thread each: " + threadsBefore + " -> " + Thread.activeCount());
    assertEquals(OperationStatus.PENDING, local.get(id).status());
    for (CompletableFuture<Operation> w : waits) assertFalse(w.isDone(), "the operation has not run yet");
    log.resumeProcessing();
    for (CompletableFuture<Operation> w : waits) assertEquals(OperationStatus.COMPLETED, await(w).status());
  }

  @Test
  void waitForAsync_overTheSocket_completesOnTheForwardingPool() throws Exception {
    String id = addContent("forwarded");
    CompletableFuture<Operation> w = remote.waitForAsync(id, Duration.ofSeconds(60));
    assertFalse(w.isDone());
    log.resumeProcessing();
    assertEquals(OperationStatus.COMPLETED, await(w).status());
  }

  @Test
  void waitForAsync_cancelled_stopsThatWaitOnly() throws Exception {
    String id = addContent("cancel one");
    CompletableFuture<Operation> cancelled = local.waitForAsync(id, Duration.ofSeconds(60));
    CompletableFuture<Operation> kept = local.waitForAsync(id, Duration.ofSeconds(60));
    assertTrue(cancelled.cancel(true));
    log.resumeProcessing();
    assertEquals(OperationStatus.COMPLETED, await(kept).status());
    assertTrue(cancelled.isCancelled());
  }

  @Test
  void waitForAsync_timeoutPasses_completesWithTheUnfinishedOperation() throws Exception {
    String id = addContent("never runs");
    Operation op = await(local.waitForAsync(id, Duration.ofMillis(50)));
    assertEquals(OperationStatus.PENDING, op.status());
  }

  @Test
  void waitForAsync_unknownId_failsWithOperationNotFound() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> local.waitForAsync("no-such-operation", Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS));
    WalException w = assertInstanceOf(WalException.class, e.getCause());
    assertEquals(WalException.Kind.OPERATION_NOT_FOUND, w.kind());
  }

  @Test
  void waitAsync_badTimeoutArgument_failsNamingTheArgument() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> WalCalls.waitAsync(local,
        JsonNodeFactory.instance.objectNode().put("operation_id", "x").put("timeout", 301), "wal_wait_for_operation")
        .get(30, TimeUnit.SECONDS));
    WalException w = assertInstanceOf(WalException.class, e.getCause());
    assertEquals(WalException.Kind.INVALID_OPERATION, w.kind());
    assertTrue(w.getMessage().contains("timeout"), w.getMessage());
  }
}
