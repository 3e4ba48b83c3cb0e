package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The public open(): real local block store, real Parquet archive, real files. */
@Timeout(60)
class WalParquetEndToEndTest {
  @TempDir Path home;

  @Test
  void open_addCompletesThenCheckpoint_operationIsServedFromParquetAfterRestart() throws Exception {
    WalConfig cfg = WalConfig.defaults(home).with(Map.of("process_interval", "1"));
    String id;
    String cid;
    ObjectNode params = content("hello parquet");
    try (LocalBlockStore store = LocalBlockStore.open(home.resolve("blocks"))) {
      Map<String, StorageBackend> backends = Map.of("local", store);
      try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends, Clock.systemUTC())) {
        id = wal.add(new NewOperation(OperationType.ADD, "local", params)).operationId();
        Operation done = wal.waitFor(id, Duration.ofSeconds(30));
        assertEquals(OperationStatus.COMPLETED, done.status());
        cid = done.result().cid();
        assertTrue(cid.startsWith("bafkrei"), cid); // CIDv1 raw leaf, as `ipfs add --cid-version=1 --raw-leaves`
        wal.checkpoint();
        WalStatus st = wal.status();
        assertEquals(1, st.archivedOperations());
        assertEquals(1L, st.byStatus().get(OperationStatus.COMPLETED), "archived operations are counted per status");
        assertTrue(st.partitionCount() >= 1);
      }
      try (Stream<Path> files = Files.list(cfg.directory().resolve("partitions"))) {
        assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("wal_\\d+_\\d+\\.parquet")));
      }
      try (WriteAheadLog wal = WriteAheadLog.open(cfg, backends, Clock.systemUTC())) {
        Operation archived = wal.get(id).orElseThrow();
        assertEquals(OperationStatus.COMPLETED, archived.status());
        assertEquals(cid, archived.result().cid());
        assertEquals(params, archived.parameters());
        List<Operation> completed = wal.list(new OperationQuery(OperationStatus.COMPLETED, "local", 10, 0));
        assertEquals(List.of(id), completed.stream().map(Operation::operationId).toList());
        assertEquals(OperationStatus.COMPLETED, wal.waitFor(id, Duration.ZERO).status());
      }
    }
  }
}
