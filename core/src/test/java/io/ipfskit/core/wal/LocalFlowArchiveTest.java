package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.config;
import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole local flow with no external service: the log runs add/pin/get/rm on the real {@link
 * LocalBlockStore}, archives the finished operations into the real {@link ParquetArchive}, and
 * DuckDB reads the archived history.
 */
class LocalFlowArchiveTest {
  private static final String HELLO_CID = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";

  @TempDir Path tmp;

  private static ObjectNode params(String... kv) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
    return p;
  }

  private WriteAheadLog open(StorageBackend local) throws Exception {
    ParquetArchive archive = new ParquetArchive(tmp.resolve("wal").resolve("partitions"), 1000);
    return WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS), Map.of("local", local),
        Clock.systemUTC(), new WriteAheadLog.Options(archive, null, false));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void addPinGetRm_onLocalBlockStore_archivedToParquetAndReadableByDuckDb(@TempDir Path files) throws Exception {
    LocalBlockStore local = LocalBlockStore.open(tmp.resolve("blocks"));
    Path out = files.resolve("out.txt"); // outside the home (tmp), which the run-time check carves out
    List<String> ids = new ArrayList<>();
    try (WriteAheadLog wal = open(local)) {
      Operation added = wal.waitFor(wal.add(new NewOperation(OperationType.ADD, "local", content("hello world")))
          .operationId(), Duration.ofSeconds(30));
      assertEquals(OperationStatus.COMPLETED, added.status(), String.valueOf(added.error()));
      assertEquals(new OperationResult(HELLO_CID, 11L, null), added.result());
      ids.add(added.operationId());

      Operation pinned = wal.waitFor(wal.add(new NewOperation(OperationType.PIN, "local", params("cid", HELLO_CID)))
          .operationId(), Duration.ofSeconds(30));
      assertEquals(OperationStatus.COMPLETED, pinned.status(), String.valueOf(pinned.error()));
      ids.add(pinned.operationId());

      Operation got = wal.waitFor(wal.add(new NewOperation(OperationType.GET, "local",
          WalTests.withWriteGrant(params("cid", HELLO_CID), out, false, files, tmp))).operationId(),
          Duration.ofSeconds(30));
      assertEquals(OperationStatus.COMPLETED, got.status(), String.valueOf(got.error()));
      assertEquals("hello world", Files.readString(out, StandardCharsets.UTF_8));
      ids.add(got.operationId());

      Operation refused = wal.waitFor(wal.add(new NewOperation(OperationType.RM, "local", params("cid", HELLO_CID)))
          .operationId(), Duration.ofSeconds(30));
      assertEquals(OperationStatus.FAILED, refused.status());
      assertEquals("cid " + HELLO_CID + " is pinned in the local block store; unpin it before removing it",
          refused.error());
      ids.add(refused.operationId());

      wal.checkpoint();
      WalStatus status = wal.status();
      assertEquals(4, status.archivedOperations());
      assertEquals(4, status.totalOperations());
      assertEquals(3L, status.byStatus().get(OperationStatus.COMPLETED), "archived operations count per status");
      assertEquals(1L, status.byStatus().get(OperationStatus.FAILED));
      assertEquals(0L, status.byStatus().get(OperationStatus.PENDING));
    }

    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement();
         ResultSet rs = st.executeQuery("SELECT operation_type, status, result_cid, result_size,"
             + " json_extract_string(parameters['content'], '$') FROM read_parquet('"
             + tmp.resolve("wal").resolve("partitions") + "/*.parquet') WHERE operation_id = '" + ids.get(0) + "'")) {
      assertTrue(rs.next());
      assertEquals("add", rs.getString(1));
      assertEquals("completed", rs.getString(2));
      assertEquals(HELLO_CID, rs.getString(3));
      assertEquals(11, rs.getLong(4));
      assertEquals("hello world", rs.getString(5));
    }

    try (WriteAheadLog reopened = open(LocalBlockStore.open(tmp.resolve("blocks")))) {
      assertEquals(3L, reopened.status().byStatus().get(OperationStatus.COMPLETED), "counts survive a reopen");
      Operation fromArchive = reopened.get(ids.get(0)).orElseThrow();
      assertEquals(HELLO_CID, fromArchive.result().cid());
      assertEquals("hello world", fromArchive.parameters().get("content").asString());
      List<String> listed = reopened.list(new OperationQuery(null, "local", 10, 0)).stream()
          .map(Operation::operationId).toList();
      List<String> newestFirst = new ArrayList<>(ids);
      Collections.reverse(newestFirst);
      assertEquals(newestFirst, listed);
    }
  }
}
