package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a backend put the content ({@code location}) and whether it pinned it ({@code pinned}) go
 * from the backend's answer into the operation's result, and survive the record log (live, after a
 * reopen) and the Parquet archive; old records and archives without them read as null (see {@code
 * HomeFixtureCompatibilityTest}).
 */
class OperationResultShapeTest {
  private static final String NODE = "http://127.0.0.1:5001";

  @TempDir Path tmp;

  private WriteAheadLog open(ScriptedBackend ipfs) throws Exception {
    ParquetArchive archive = new ParquetArchive(tmp.resolve("wal").resolve("partitions"), 1000);
    return WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS), Map.of("ipfs", ipfs), Clock.systemUTC(),
        new WriteAheadLog.Options(archive, null, false, false, null, false));
  }

  private static ScriptedBackend pinningNode() {
    ScriptedBackend b = new ScriptedBackend("ipfs");
    b.addLocation = NODE;
    b.addPinned = true;
    return b;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void add_backendReportsLocationAndPin_resultCarriesThemThroughReopenAndArchive() throws Exception {
    String id;
    OperationResult want;
    try (WriteAheadLog wal = open(pinningNode())) {
      Operation done = wal.waitFor(wal.add(new NewOperation(OperationType.ADD, "ipfs", content("hello"))).operationId(),
          Duration.ofSeconds(30));
      assertEquals(OperationStatus.COMPLETED, done.status(), String.valueOf(done.error()));
      id = done.operationId();
      want = done.result();
      assertEquals(NODE, want.location());
      assertEquals(Boolean.TRUE, want.pinned());
      assertEquals(5L, want.size());
    }
    try (WriteAheadLog reopened = open(pinningNode())) {
      assertEquals(want, reopened.get(id).orElseThrow().result(), "replayed from the record log");
      reopened.checkpoint(); // archives the finished operation
      assertEquals(1, reopened.status().archivedOperations());
      assertEquals(want, reopened.get(id).orElseThrow().result(), "read back from the Parquet archive");
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT result_location, result_pinned FROM read_parquet('"
            + tmp.resolve("wal").resolve("partitions") + "/*.parquet') WHERE operation_id = '" + id + "'")) {
      assertTrue(rs.next());
      assertEquals(NODE, rs.getString(1));
      assertEquals(true, rs.getBoolean(2));
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void pinUnpinRm_resultSaysPinnedAfterwards() throws Exception {
    try (WriteAheadLog wal = open(pinningNode())) {
      String cid = wal.waitFor(wal.add(new NewOperation(OperationType.ADD, "ipfs", content("x"))).operationId(),
          Duration.ofSeconds(30)).result().cid();
      assertEquals(new OperationResult(cid, null, null, null, true), run(wal, OperationType.PIN, cid));
      assertEquals(new OperationResult(cid, null, null, null, false), run(wal, OperationType.UNPIN, cid));
      assertEquals(new OperationResult(cid, null, null, null, false), run(wal, OperationType.RM, cid));
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void add_backendWithoutLocationOrPin_resultAsBefore() throws Exception {
    try (WriteAheadLog wal = open(new ScriptedBackend("ipfs"))) {
      Operation done = wal.waitFor(wal.add(new NewOperation(OperationType.ADD, "ipfs", content("abc"))).operationId(),
          Duration.ofSeconds(30));
      assertEquals(new OperationResult(done.result().cid(), 3L, null), done.result());
    }
  }

  private static OperationResult run(WriteAheadLog wal, OperationType type, String cid) throws Exception {
    Operation op = wal.waitFor(wal.add(new NewOperation(type, "ipfs", WalTests.cid(cid))).operationId(),
        Duration.ofSeconds(30));
    assertEquals(OperationStatus.COMPLETED, op.status(), String.valueOf(op.error()));
    return op.result();
  }
}
