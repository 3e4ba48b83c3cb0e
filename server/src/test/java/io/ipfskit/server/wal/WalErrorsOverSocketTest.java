package io.ipfskit.server.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WalStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every error kind thrown by the owner's service crosses the real socket and is rethrown on the
 * caller's side as the same kind with the same message; an unexpected exception becomes an
 * internal error that names only its class.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WalErrorsOverSocketTest {
  @TempDir Path home;
  private OwnerSocketServer server;
  private SocketWalService remote;
  private volatile RuntimeException toThrow;

  /** A service whose every call throws {@link #toThrow}. */
  private final WalService throwing = new WalService() {
    private <T> T fail() {
      throw toThrow;
    }

    @Override public Operation add(NewOperation operation) { return fail(); }
    @Override public Operation get(String operationId) { return fail(); }
    @Override public List<Operation> list(OperationQuery query) { return fail(); }
    @Override public Operation waitFor(String operationId, Duration timeout) { return fail(); }
    @Override public Operation retry(String operationId) { return fail(); }
    @Override public Operation cancel(String operationId) { return fail(); }
    @Override public CleanupResult cleanup(Integer ageDays, OperationStatus s) { return fail(); }
    @Override public WalStatus status() { return fail(); }
    @Override public WalMetrics metrics() { return fail(); }
    @Override public WalHealth health() { return fail(); }
    @Override public WalConfig config() { return fail(); }
    @Override public WalConfig updateConfig(Map<String, String> changes) { return fail(); }
    @Override public List<io.ipfskit.core.resilience.BreakerStatus> breakers() { return fail(); }
    @Override public List<io.ipfskit.core.storage.HealthMonitor.Report> backendHealth() { return fail(); }
    @Override public io.ipfskit.core.resilience.PerformanceReport.Sources performance(Duration t) { return fail(); }
    @Override public io.ipfskit.core.resilience.BreakerStatus controlBreaker(String b, BreakerAction a) { return fail(); }
  };

  @BeforeEach
  void start() throws Exception {
    Path walDir = home.resolve("wal");
    Path socket = OwnerSocketPath.forHome(home);
    server = OwnerSocketServer.start(socket, walDir, new WalRequestHandler(throwing, walDir, Instant.EPOCH, OwnerPolicies.forWalDir(walDir)));
    remote = new SocketWalService(socket, walDir);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(WalException.Kind.class)
  void ownerThrowsKind_callerGetsSameKindAndMessage(WalException.Kind kind) {
    toThrow = new WalErrors.RemoteWalException(kind, "the rule for " + kind.wireName());
    WalException e = assertThrows(WalException.class, () -> remote.status());
    assertEquals(kind, e.kind());
    assertEquals("the rule for " + kind.wireName(), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(WalException.Kind.class)
  void ownerThrowsKind_mayRepeatOnlyWhenKindAllows(WalException.Kind kind) {
    assertEquals(kind.mayRepeatElsewhere(), SharedWal.mayRepeat(false, kind));
    assertEquals(true, SharedWal.mayRepeat(true, kind));
  }

  @ParameterizedTest
  @EnumSource(value = Kind2.class)
  void ownerThrowsBareCoreException_translatedOnce(Kind2 k) {
    toThrow = k.exception;
    WalException e = assertThrows(WalException.class, () -> remote.retry("x"));
    assertEquals(k.kind, e.kind());
    assertEquals("rule", e.getMessage());
  }

  enum Kind2 {
    IAE(new IllegalArgumentException("rule"), WalException.Kind.INVALID_OPERATION),
    ISE(new IllegalStateException("rule"), WalException.Kind.ILLEGAL_TRANSITION);

    final RuntimeException exception;
    final WalException.Kind kind;

    Kind2(RuntimeException exception, WalException.Kind kind) {
      this.exception = exception;
      this.kind = kind;
    }
  }

  @ParameterizedTest
  @EnumSource(WalCallException.Kind.class)
  void ownerThrowsCallException_sameCallKind(WalCallException.Kind kind) {
    toThrow = new WalCallException(kind, "cannot now");
    WalCallException e = assertThrows(WalCallException.class, () -> remote.health());
    assertEquals(kind, e.kind());
    assertEquals("cannot now", e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void ownerThrowsUnexpected_internalNamingOnlyTheClass() {
    toThrow = new UnsupportedOperationException("secret detail");
    WalCallException e = assertThrows(WalCallException.class, () -> remote.metrics());
    assertEquals(WalCallException.Kind.INTERNAL, e.kind());
    assertEquals("internal error in the WAL owner (UnsupportedOperationException); see its log", e.getMessage());
  }
}
