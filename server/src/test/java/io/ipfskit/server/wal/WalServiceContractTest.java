package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WriteAheadLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One contract, two {@link WalService}s over the same real log: the in-process one and the one
 * over the owner socket. Each test runs against both and must see the same results, the same
 * error kinds and the same messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalServiceContractTest {
  enum Impl { IN_PROCESS, SOCKET }

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
    local = new InProcessWalService(log);
    Path socket = OwnerSocketPath.forHome(home);
    server = OwnerSocketServer.start(socket, walDir, new WalRequestHandler(local, walDir, Clock.systemUTC().instant(), OwnerPolicies.forWalDir(walDir)));
    remote = new SocketWalService(socket, walDir);
  }

  @AfterEach
  void close() throws Exception {
    server.close();
    log.close();
    for (StorageBackend b : backends.values()) b.close();
  }

  private WalService service(Impl impl) {
    return impl == Impl.IN_PROCESS ? local : remote;
  }

  private static ObjectNode params(String key, String value) {
    return JsonNodeFactory.instance.objectNode().put(key, value);
  }

  private static NewOperation addContent(String content) {
    return new NewOperation(OperationType.ADD, "local", params("content", content), 7);
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void addThenWait_completesWithCidAndKeepsPriority(Impl impl) {
    WalService s = service(impl);
    Operation queued = s.add(addContent("contract " + impl));
    assertEquals(7, queued.priority());
    assertEquals(params("content", "contract " + impl), queued.parameters());

    Operation done = s.waitFor(queued.operationId(), Duration.ofSeconds(30));

    assertEquals(OperationStatus.COMPLETED, done.status());
    assertTrue(done.result().cid().startsWith("bafkrei"), done.result().cid());
    assertEquals(done, s.get(queued.operationId()));
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void get_unknownId_operationNotFoundNamingId(Impl impl) {
    WalException e = assertThrows(WalException.class, () -> service(impl).get("no-such-id"));
    assertEquals(WalException.Kind.OPERATION_NOT_FOUND, e.kind());
    assertEquals("no operation with operation_id 'no-such-id'", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void retry_completedOperation_illegalTransition(Impl impl) {
    WalService s = service(impl);
    String id = s.add(addContent("x")).operationId();
    s.waitFor(id, Duration.ofSeconds(30));
    WalException e = assertThrows(WalException.class, () -> s.retry(id));
    assertEquals(WalException.Kind.ILLEGAL_TRANSITION, e.kind());
    assertTrue(e.getMessage().contains(id), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void add_unconfiguredBackend_refusedAndNothingStored(Impl impl) {
    WalService s = service(impl);
    WalException e = assertThrows(WalException.class,
        () -> s.add(new NewOperation(OperationType.PIN, "s3", params("cid", "bafkreix"))));
    assertTrue(e.kind() == WalException.Kind.BACKEND_NOT_CONFIGURED || e.kind() == WalException.Kind.INVALID_OPERATION,
        e.kind().toString());
    assertEquals(0, s.status().totalOperations());
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void listCleanupConfig_typedResults(Impl impl) {
    WalService s = service(impl);
    String a = s.add(addContent("a")).operationId();
    s.waitFor(a, Duration.ofSeconds(30));
    List<Operation> completed = s.list(new OperationQuery(OperationStatus.COMPLETED, "local", 10, 0));
    assertEquals(List.of(a), completed.stream().map(Operation::operationId).toList());
    assertEquals(List.of(), s.list(new OperationQuery(OperationStatus.FAILED, null, 10, 0)));
    // the operation type filter crosses the owner socket too
    assertEquals(List.of(a), s.list(new OperationQuery(null, null, io.ipfskit.core.wal.OperationType.ADD, 10, 0))
        .stream().map(Operation::operationId).toList());
    assertEquals(List.of(), s.list(new OperationQuery(null, null, io.ipfskit.core.wal.OperationType.PIN, 10, 0)));

    WalConfig changed = s.updateConfig(Map.of("max_retries", "2"));
    assertEquals(2, changed.maxRetries());
    assertEquals(changed, s.config());

    CleanupResult none = s.cleanup(null, null);
    assertEquals(new CleanupResult(0, changed.maxAgeDays(), null), none);
    assertEquals(new CleanupResult(1, 0, OperationStatus.COMPLETED), s.cleanup(0, OperationStatus.COMPLETED));
  }

  @Test
  void sameCalls_bothServices_equalResults() {
    String id = local.add(addContent("same")).operationId();
    Operation done = remote.waitFor(id, Duration.ofSeconds(30));
    assertEquals(local.get(id), done);
    assertEquals(local.get(id), remote.get(id));
    OperationQuery all = new OperationQuery(null, null, 100, 0);
    assertEquals(local.list(all), remote.list(all));
    assertEquals(local.status(), remote.status());
    assertEquals(local.config(), remote.config());
    assertEquals(local.health(), remote.health());
    assertFalse(remote.metrics().backends().isEmpty());
    assertEquals(local.metrics().backends().keySet(), remote.metrics().backends().keySet());
  }
}
