package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ParquetArchiveTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00.123456Z");
  /** Every file name gets the same millisecond: the harshest case for name collisions. */
  private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private static ObjectNode params(String json) {
    return (ObjectNode) JSON.readTree(json);
  }

  /** A completed add with every field set, timestamps i seconds after T0. */
  private static Operation full(int i) {
    Instant ts = T0.plusSeconds(i);
    return new Operation("op-" + i, OperationType.ADD, i % 2 == 0 ? "local" : "ipfs",
        params("{\"path\":\"/tmp/f" + i + "\",\"n\":" + i + "}"), OperationStatus.COMPLETED, 1 + i % 10,
        ts, ts.plusMillis(5), ts.plusMillis(7), new OperationResult("bafkrei" + i, (long) i * 1000, "/out/" + i),
        null, null, i % 3, 5, null);
  }

  /** A failed operation with i's timestamps, no result and no completion time. */
  private static Operation failed(int i) {
    Instant ts = T0.plusSeconds(i);
    return new Operation("fail-" + i, OperationType.PIN, "s3", params("{}"), OperationStatus.FAILED, 5,
        ts, ts.plusSeconds(1), null, null, "connection refused", "BackendUnavailable", 5, 5, ts.plusSeconds(60));
  }

  private List<String> partitionFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Nested
  class RoundTrip {
    @Test
    void find_everyFieldAndJsonParameterKinds_readBackEqual() throws IOException {
      ObjectNode p = params("""
          {"path":"/tmp/ä b \\"q\\".txt","five_text":"5","five":5,"pi":3.25,"big":12345678901234567890,
           "yes":true,"nothing":null,"list":[1,"two",{"three":3}],"obj":{"a":{"b":[]}},"empty":""}""");
      Operation withAll = new Operation("a-1", OperationType.GET, "local", p, OperationStatus.COMPLETED, 10,
          T0, T0.plusNanos(1_500_000), T0.plusSeconds(3), new OperationResult("bafkreiabc", 0L, "/dst"),
          "transient", "Timeout", 2, 7, T0.plusSeconds(9));
      Operation withNulls = new Operation("a-2", OperationType.RM, "ipfs", params("{}"), OperationStatus.CANCELLED, 1,
          T0, T0, null, null, null, null, 0, 0, null);
      Operation partialResult = new Operation("a-3", OperationType.CAT, "s3", params("{\"cid\":\"x\"}"),
          OperationStatus.COMPLETED, 5, T0, T0, T0, new OperationResult(null, 42L, null), null, null, 0, 5, null);

      try (ParquetArchive archive = new ParquetArchive(dir, 1000)) {
        archive.archive(List.of(withAll, withNulls, partialResult));
        assertEquals(Optional.of(withAll), archive.find("a-1"));
        assertEquals(Optional.of(withNulls), archive.find("a-2"));
        assertEquals(Optional.of(partialResult), archive.find("a-3"));
        assertEquals(Optional.empty(), archive.find("a-4"));
      }
      try (ParquetArchive reopened = new ParquetArchive(dir, 1000)) {   // reads the file, not the cache
        Operation back = reopened.find("a-1").orElseThrow();
        assertEquals(withAll, back);
        assertEquals(Optional.of(withNulls), reopened.find("a-2"));
        assertEquals(Optional.of(partialResult), reopened.find("a-3"));
        assertTrue(back.parameters().get("five_text").isString());
        assertTrue(back.parameters().get("five").isNumber());
        assertTrue(back.parameters().get("nothing").isNull());
        assertEquals(3, reopened.count());
        assertEquals(1, reopened.partitionCount());
      }
    }

    @Test
    void find_subMicrosecondInstant_truncatedToMicros() throws IOException {
      Instant nanos = Instant.parse("2026-11-01T10:00:00.123456789Z");
      Operation op = new Operation("n", OperationType.ADD, "local", params("{}"), OperationStatus.COMPLETED, 5,
          nanos, nanos, nanos, null, null, null, 0, 5, null);
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(List.of(op));
        assertEquals(Instant.parse("2026-11-01T10:00:00.123456Z"), archive.find("n").orElseThrow().timestamp());
      }
    }

    @Test
    void archive_sameRowTwice_keepsOneRow() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(List.of(full(1), full(2)));
        archive.archive(List.of(full(1), full(3)));
        assertEquals(3, archive.count());
        assertEquals(2, archive.partitionCount());
      }
    }

    @Test
    void archive_changedRowForArchivedId_replacesOldRow() throws IOException {
      Operation first = failed(1);
      Operation retried = new Operation(first.operationId(), first.operationType(), first.backend(),
          first.parameters(), OperationStatus.COMPLETED, 5, first.timestamp(), first.updatedAt().plusSeconds(100),
          first.updatedAt().plusSeconds(100), new OperationResult("bafkreiz", 3L, null), null, null, 6, 5, null);
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(List.of(first, full(1)));
        archive.archive(List.of(retried));
        assertEquals(Optional.of(retried), archive.find(first.operationId()));
        assertEquals(2, archive.count());
      }
      try (ParquetArchive reopened = new ParquetArchive(dir, 10)) {
        assertEquals(Optional.of(retried), reopened.find(first.operationId()));
        assertEquals(Optional.of(full(1)), reopened.find("op-1"));
        assertEquals(2, reopened.count());
      }
    }
  }

  @Nested
  class Validation {
    @Test
    void archive_nonTerminalOperation_rejectedWithFieldAndValue() throws IOException {
      Operation pending = new Operation("p-1", OperationType.ADD, "local", params("{}"), OperationStatus.PENDING, 5,
          T0, T0, null, null, null, null, 0, 5, null);
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> archive.archive(List.of(full(1), pending)));
        assertEquals("terminal[1].status must be completed, failed or cancelled, but was 'pending' (operation_id p-1)",
            e.getMessage());
        assertEquals(0, archive.count());
      }
    }

    @Test
    void archive_sameIdTwiceInOneCall_rejected() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> archive.archive(List.of(full(1), full(2), full(1))));
        assertEquals("terminal must hold each operation_id once, but op-1 occurs twice (second at index 2)",
            e.getMessage());
      }
    }

    @Test
    void constructor_partitionSizeZero_rejected() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ParquetArchive(dir, 0));
      assertEquals("partitionSize must be >= 1, but was 0", e.getMessage());
    }

    @Test
    void find_afterClose_throwsIllegalState() throws IOException {
      ParquetArchive archive = new ParquetArchive(dir, 10);
      archive.close();
      archive.close();
      assertThrows(IllegalStateException.class, () -> archive.find("x"));
    }
  }

  @Nested
  class Naming {
    @Test
    void archive_manyCallsInOneMillisecondAndRestart_namesNeverCollide() throws IOException {
      List<Operation> all = new ArrayList<>();
      for (int i = 0; i < 1500; i++) all.add(full(i));
      try (ParquetArchive archive = new ParquetArchive(dir, 10, FROZEN)) {
        for (int from = 0; from < 1000; from += 7) {        // 143 calls, partitions of 7 rows
          archive.archive(all.subList(from, Math.min(1000, from + 7)));
        }
        archive.archive(all.subList(1000, 1250));            // 25 partitions of 10 rows in one call
        assertEquals(1250, archive.count());
      }
      try (ParquetArchive restarted = new ParquetArchive(dir, 10, FROZEN)) {
        restarted.archive(all.subList(1250, 1500));
        assertEquals(1500, restarted.count());
        assertEquals(143 + 25 + 25, restarted.partitionCount());
        assertEquals(restarted.partitionCount(), partitionFiles().size());
        for (String name : partitionFiles()) {
          assertTrue(name.matches("wal_1795348800000_\\d+\\.parquet"), name);
        }
        assertEquals(Set.copyOf(all), Set.copyOf(restarted.query(new OperationQuery(null, null, 10_000, 0))));
        assertEquals(Optional.of(all.get(777)), restarted.find("op-777"));
      }
    }

    @Test
    void archive_moreRowsThanPartitionSize_splitsIntoPartitionsOfAtMostThatSize() throws Exception {
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 35; i++) ops.add(full(i));
        archive.archive(ops);
        assertEquals(4, archive.partitionCount());
      }
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
           Statement st = db.createStatement();
           ResultSet rs = st.executeQuery("SELECT filename, count(*) FROM read_parquet('" + dir
               + "/*.parquet', filename = true) GROUP BY filename ORDER BY 2 DESC")) {
        List<Long> sizes = new ArrayList<>();
        while (rs.next()) sizes.add(rs.getLong(2));
        assertEquals(List.of(10L, 10L, 10L, 5L), sizes);
      }
    }
  }

  @Nested
  class IndependentReader {
    @Test
    void duckDb_readsArchivedRows_withStandardTypes() throws Exception {
      List<Operation> ops = new ArrayList<>();
      for (int i = 0; i < 25; i++) ops.add(full(i));
      ops.add(failed(100));
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(ops);
      }
      String table = "read_parquet('" + dir + "/*.parquet')";
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
        st.execute("SET TimeZone = 'UTC'");
        Map<String, String> types = new HashMap<>();
        try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + table)) {
          while (rs.next()) types.put(rs.getString("column_name"), rs.getString("column_type"));
        }
        assertEquals(Map.ofEntries(
            Map.entry("operation_id", "VARCHAR"), Map.entry("operation_type", "VARCHAR"),
            Map.entry("backend", "VARCHAR"), Map.entry("parameters", "MAP(VARCHAR, VARCHAR)"),
            Map.entry("status", "VARCHAR"), Map.entry("timestamp", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("updated_at", "TIMESTAMP WITH TIME ZONE"), Map.entry("completed_at", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("result_cid", "VARCHAR"), Map.entry("result_size", "BIGINT"),
            Map.entry("result_destination", "VARCHAR"), Map.entry("error", "VARCHAR"),
            Map.entry("error_type", "VARCHAR"), Map.entry("retry_count", "INTEGER"),
            Map.entry("max_retries", "INTEGER"), Map.entry("next_retry_at", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("priority", "INTEGER"), Map.entry("result_location", "VARCHAR"),
            Map.entry("result_pinned", "BOOLEAN")), types);

        try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT operation_id) FROM " + table)) {
          rs.next();
          assertEquals(26, rs.getLong(1));
          assertEquals(26, rs.getLong(2));
        }
        try (ResultSet rs = st.executeQuery("SELECT operation_id, operation_type, backend, status, epoch_us(timestamp),"
            + " epoch_us(completed_at), result_cid, result_size, result_destination, retry_count, max_retries,"
            + " priority, parameters['path'], json_extract_string(parameters['path'], '$'), parameters['n']"
            + " FROM " + table + " WHERE operation_id = 'op-7'")) {
          assertTrue(rs.next());
          Operation op = full(7);
          assertEquals("op-7", rs.getString(1));
          assertEquals("add", rs.getString(2));
          assertEquals("ipfs", rs.getString(3));
          assertEquals("completed", rs.getString(4));
          assertEquals(OperationParquetSchema.toMicros(op.timestamp()), rs.getLong(5));
          assertEquals(OperationParquetSchema.toMicros(op.completedAt()), rs.getLong(6));
          assertEquals("bafkrei7", rs.getString(7));
          assertEquals(7000L, rs.getLong(8));
          assertEquals("/out/7", rs.getString(9));
          assertEquals(1, rs.getInt(10));
          assertEquals(5, rs.getInt(11));
          assertEquals(8, rs.getInt(12));
          assertEquals("\"/tmp/f7\"", rs.getString(13));
          assertEquals("/tmp/f7", rs.getString(14));
          assertEquals("7", rs.getString(15));
          assertFalse(rs.next());
        }
        try (ResultSet rs = st.executeQuery("SELECT completed_at IS NULL, result_cid IS NULL, result_size IS NULL,"
            + " error, error_type, cardinality(parameters), next_retry_at FROM " + table + " WHERE status = 'failed'")) {
          assertTrue(rs.next());
          assertTrue(rs.getBoolean(1));
          assertTrue(rs.getBoolean(2));
          assertTrue(rs.getBoolean(3));
          assertEquals("connection refused", rs.getString(4));
          assertEquals("BackendUnavailable", rs.getString(5));
          assertEquals(0, rs.getInt(6));
          assertEquals(failed(100).nextRetryAt(), rs.getObject(7, OffsetDateTime.class).toInstant());
          assertFalse(rs.next());
        }
      }
    }
  }

  @Nested
  class Query {
    @Test
    void query_filtersAndOffsetPlusLimit_newestFirstLikeSortingEverything() throws IOException {
      List<Operation> all = new ArrayList<>();
      // Interleave timestamps across partitions so ranges overlap.
      for (int i = 0; i < 200; i++) all.add(i % 5 == 0 ? failed((i * 37) % 200) : full((i * 53) % 200));
      Set<String> seen = new HashSet<>();
      all.removeIf(op -> !seen.add(op.operationId()));
      try (ParquetArchive archive = new ParquetArchive(dir, 13)) {
        for (int from = 0; from < all.size(); from += 40) archive.archive(all.subList(from, Math.min(all.size(), from + 40)));
        Comparator<Operation> newest = Comparator.comparing(Operation::timestamp).reversed()
            .thenComparing(Operation::operationId);
        for (OperationQuery q : List.of(new OperationQuery(null, null, 10, 0), new OperationQuery(null, null, 10, 35),
            new OperationQuery(OperationStatus.FAILED, null, 7, 3), new OperationQuery(null, "local", 100, 0),
            new OperationQuery(OperationStatus.COMPLETED, "ipfs", 5, 20), new OperationQuery(null, "nowhere", 5, 0),
            new OperationQuery(null, null, 50, 10_000))) {
          List<Operation> expected = all.stream().filter(q::matches).sorted(newest)
              .limit(q.offset() + q.limit()).toList();
          assertEquals(expected, archive.query(q), q.toString());
        }
      }
    }
  }

  @Nested
  class Cleanup {
    @Test
    void deleteOlderThan_removesOnlyOldRowsOfThatStatus_andRewritesAtomically() throws IOException {
      List<Operation> ops = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ops.add(full(i));
        ops.add(failed(i));
      }
      Instant cutoff = T0.plusSeconds(10);   // full(i) completes at T0+i s+7 ms; failed(i) updates at T0+(i+1) s
      try (ParquetArchive archive = new ParquetArchive(dir, 8)) {
        archive.archive(ops);
        assertEquals(8, archive.partitionCount());
        assertEquals(9, archive.deleteOlderThan(cutoff, OperationStatus.FAILED));    // failed(0..8)
        assertEquals(0, archive.deleteOlderThan(cutoff, OperationStatus.FAILED));
        assertEquals(10, archive.deleteOlderThan(cutoff, null));                     // full(0..9)
        assertEquals(41, archive.count());
        assertTrue(archive.find("op-9").isEmpty());
        assertTrue(archive.find("fail-9").isPresent());
        assertEquals(Optional.of(full(10)), archive.find("op-10"));
      }
      List<String> files = partitionFiles();
      assertTrue(files.stream().noneMatch(f -> f.endsWith(".tmp")), files.toString());
      try (ParquetArchive reopened = new ParquetArchive(dir, 8)) {
        assertEquals(41, reopened.count());
        assertTrue(reopened.partitionCount() < 8, "fully emptied partitions are deleted");
        assertEquals(reopened.partitionCount(), files.size());
        assertEquals(60 - 19, reopened.deleteOlderThan(Instant.MAX, null));
        assertEquals(0, reopened.partitionCount());
        assertEquals(List.of(), partitionFiles());
      }
    }
  }

  @Nested
  class Concurrency {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void archive_concurrentWritersAndReaders_everyRowOnceAndQueriesConsistent() throws Exception {
      int writers = 4;
      int batches = 15;
      int batchSize = 9;
      try (ParquetArchive archive = new ParquetArchive(dir, 5, FROZEN)) {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
          List<Future<?>> tasks = new ArrayList<>();
          for (int w = 0; w < writers; w++) {
            int writer = w;
            tasks.add(pool.submit(() -> {
              start.await();
              for (int b = 0; b < batches; b++) {
                List<Operation> batch = new ArrayList<>();
                for (int k = 0; k < batchSize; k++) batch.add(full(((writer * batches) + b) * batchSize + k));
                archive.archive(batch);
              }
              return null;
            }));
          }
          for (int r = 0; r < 2; r++) {
            tasks.add(pool.submit(() -> {
              start.await();
              for (int i = 0; i < 30; i++) {
                List<Operation> page = archive.query(new OperationQuery(null, null, 20, 0));
                List<Operation> sorted = new ArrayList<>(page);
                sorted.sort(Comparator.comparing(Operation::timestamp).reversed());
                assertEquals(sorted, page);
                assertEquals(page.size(), new HashSet<>(page).size());
              }
              return null;
            }));
          }
          start.countDown();
          for (Future<?> t : tasks) t.get();
        } finally {
          pool.shutdownNow();
        }
        int total = writers * batches * batchSize;
        assertEquals(total, archive.count());
        assertEquals(writers * batches * 2, archive.partitionCount());   // 9 rows → 5 + 4
        assertEquals(archive.partitionCount(), partitionFiles().size());
        Set<Operation> expected = new HashSet<>();
        for (int i = 0; i < total; i++) expected.add(full(i));
        assertEquals(expected, Set.copyOf(archive.query(new OperationQuery(null, null, 10_000, 0))));
      }
    }
  }

  @Nested
  class Recovery {
    @Test
    void open_tornTempFilesFromCrash_deletedAndIgnored() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(List.of(full(1), full(2)));
      }
      String real = partitionFiles().get(0);
      byte[] bytes = Files.readAllBytes(dir.resolve(real));
      // A crash mid-write: half a Parquet file under a temp name, and an empty one.
      Files.write(dir.resolve(".wal_1795348800000_77.parquet.tmp"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
      Files.write(dir.resolve(".wal_1795348800000_78.parquet.tmp"), new byte[0]);
      try (ParquetArchive reopened = new ParquetArchive(dir, 10)) {
        assertEquals(2, reopened.count());
        assertEquals(List.of(real), partitionFiles());
        reopened.archive(List.of(full(3)));
        assertEquals(Optional.of(full(3)), reopened.find("op-3"));
      }
    }

    @Test
    void open_damagedPartition_refusesNamingTheFile() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(List.of(full(1), full(2)));
      }
      Path file = dir.resolve(partitionFiles().get(0));
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));   // lose the footer's tail
      IOException e = assertThrows(IOException.class, () -> new ParquetArchive(dir, 10));
      assertTrue(e.getMessage().startsWith("WAL archive partition " + file + " cannot be read"), e.getMessage());
      assertTrue(e.getMessage().endsWith("move it out of " + dir + " to open the archive without it"), e.getMessage());
      assertEquals(bytes.length - 10, Files.size(file), "nothing deleted");
    }

    @Test
    void query_flippedByteInParametersColumn_openSucceedsAndReadNamesTheFile() throws IOException {
      List<Operation> ops = new ArrayList<>();
      for (int i = 0; i < 10; i++) ops.add(full(i));
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(ops);
      }
      Path file = dir.resolve(partitionFiles().get(0));
      long start;
      long length;
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file),
          ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
        ColumnChunkMetaData values = reader.getFooter().getBlocks().get(0).getColumns().stream()
            .filter(c -> c.getPath().toDotString().equals("parameters.key_value.value")).findFirst().orElseThrow();
        start = values.getStartingPos();
        length = values.getTotalSize();
      }
      byte[] bytes = Files.readAllBytes(file);
      bytes[(int) (start + length - 3)] ^= 0x5a;   // inside the last page's data of that column
      Files.write(file, bytes);

      try (ParquetArchive reopened = new ParquetArchive(dir, 10)) {   // the index columns are intact
        assertEquals(10, reopened.count());
        IOException e = assertThrows(IOException.class, () -> reopened.query(new OperationQuery(null, null, 5, 0)));
        assertTrue(e.getMessage().startsWith("WAL archive partition " + file + " cannot be read ("), e.getMessage());
      }
    }

    @Test
    void open_flippedByteInsidePage_refusesNamingTheFile() throws IOException {
      List<Operation> ops = new ArrayList<>();
      for (int i = 0; i < 10; i++) ops.add(full(i));
      try (ParquetArchive archive = new ParquetArchive(dir, 10)) {
        archive.archive(ops);
      }
      Path file = dir.resolve(partitionFiles().get(0));
      byte[] bytes = Files.readAllBytes(file);
      bytes[40] ^= 0x5a;   // inside the first column chunk's data page (after the 4-byte magic and page header)
      Files.write(file, bytes);
      IOException e = assertThrows(IOException.class, () -> new ParquetArchive(dir, 10));
      assertTrue(e.getMessage().startsWith("WAL archive partition " + file + " cannot be read"), e.getMessage());
    }
  }

  /** The home's own files are owner-only: partitions 0600, the partitions folder 0700. */
  @Nested
  class Permissions {
    @Test
    void archive_newPartition_isOwnerOnlyInAnOwnerOnlyFolder() throws IOException {
      Path partitions = dir.resolve("partitions");
      try (ParquetArchive archive = new ParquetArchive(partitions, 1000)) {
        archive.archive(List.of(full(1), full(2)));
      }
      assertEquals("rwx------", mode(partitions));
      List<Path> files = list(partitions);
      assertEquals(1, files.size());
      assertEquals("rw-------", mode(files.get(0)));
    }

    @Test
    void archive_rewrittenPartition_staysOwnerOnly() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 1000)) {
        archive.archive(List.of(full(1), failed(1)));
        assertEquals(1, archive.deleteOlderThan(T0.plusSeconds(3600), OperationStatus.COMPLETED)); // a rewrite
        assertEquals(1, archive.count());
      }
      List<Path> files = list(dir);
      assertEquals(1, files.size());
      for (Path f : files) assertEquals("rw-------", mode(f), f.toString());
    }

    @Test
    void open_olderWiderArchive_isTightened() throws IOException {
      try (ParquetArchive archive = new ParquetArchive(dir, 1000)) {
        archive.archive(List.of(full(1)));
      }
      java.nio.file.Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      for (Path f : list(dir))
        java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      try (ParquetArchive reopened = new ParquetArchive(dir, 1000)) {
        assertEquals(1, reopened.count());
      }
      assertEquals("rwx------", mode(dir));
      for (Path f : list(dir)) assertEquals("rw-------", mode(f), f.toString());
    }

    private List<Path> list(Path d) throws IOException {
      try (Stream<Path> s = Files.list(d)) {
        return s.sorted().toList();
      }
    }

    private String mode(Path p) throws IOException {
      return java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
  }
}
