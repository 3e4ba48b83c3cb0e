package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.node.ObjectNode;

/**
 * Rough speed of the Parquet archive (not a test; nothing asserts time). Archives N terminal
 * operations in partitions of 1000 rows (each partition fsynced), reopens (which reads every row
 * to build the index), runs a query and finds. Prints the median of 5 runs.
 *
 * <pre>
 * mvn -B -o -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *     io.ipfskit.core.wal.ParquetArchiveBenchmark [rows] [directory]
 * </pre>
 */
public final class ParquetArchiveBenchmark {
  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("archive-bench");
    List<Operation> ops = new ArrayList<>(rows);
    Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 0; i < rows; i++) {
      ObjectNode p = OperationParquetSchema.JSON.createObjectNode();
      p.put("path", "/data/files/file-" + i + ".bin");
      p.put("size_hint", i * 17L);
      Instant ts = t0.plusMillis(i * 13L);
      ops.add(new Operation(java.util.UUID.nameUUIDFromBytes(("op" + i).getBytes()).toString(),
          OperationType.ADD, i % 3 == 0 ? "ipfs" : "local", p,
          i % 10 == 0 ? OperationStatus.FAILED : OperationStatus.COMPLETED, 5, ts, ts.plusMillis(40),
          ts.plusMillis(41), i % 10 == 0 ? null : new OperationResult("bafkreiexample" + i, 1000L + i, null),
          i % 10 == 0 ? "connection refused" : null, i % 10 == 0 ? "BackendUnavailable" : null,
          i % 10 == 0 ? 5 : 0, 5, null));
    }
    int runs = 5;
    double[] write = new double[runs], open = new double[runs], query = new double[runs], find = new double[runs];
    long bytes = 0;
    for (int r = 0; r < runs; r++) {
      Path dir = base.resolve("run" + r);
      long a = System.nanoTime();
      try (ParquetArchive archive = new ParquetArchive(dir, 1000)) {
        for (int from = 0; from < rows; from += 1000) archive.archive(ops.subList(from, Math.min(rows, from + 1000)));
      }
      long b = System.nanoTime();
      try (ParquetArchive archive = new ParquetArchive(dir, 1000)) {
        long c = System.nanoTime();
        archive.query(new OperationQuery(OperationStatus.FAILED, "ipfs", 100, 0));
        long d = System.nanoTime();
        for (int i = 0; i < 100; i++) archive.find(ops.get(i * (rows / 100)).operationId()).orElseThrow();
        long e = System.nanoTime();
        write[r] = (b - a) / 1e6;
        open[r] = (c - b) / 1e6;
        query[r] = (d - c) / 1e6;
        find[r] = (e - d) / 1e6 / 100;
      }
      try (Stream<Path> s = Files.list(dir)) {
        bytes = s.mapToLong(p -> p.toFile().length()).sum();
      }
    }
    try (java.util.stream.Stream<Path> files = Files.walk(base)) {   // leave nothing behind
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
    }
    System.out.printf("rows=%d partitions=%d bytes=%d (%.1f B/row)%n", rows, (rows + 999) / 1000, bytes, (double) bytes / rows);
    System.out.printf("archive (write+fsync): median %.0f ms = %.0f rows/s%n", median(write), rows / median(write) * 1000);
    System.out.printf("open (read all rows, build index): median %.0f ms = %.0f rows/s%n", median(open), rows / median(open) * 1000);
    System.out.printf("query newest 100 failed/ipfs: median %.1f ms; find by id: median %.2f ms%n", median(query), median(find));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
