package io.ipfskit.server.cli;

import io.ipfskit.server.bench.WalBench;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipfs-kit bench wal [--quick] [--dir DIR]}: the WAL benchmark ({@link WalBench}); a
 * subcommand of {@code bench}.
 */
@Command(name = "wal", mixinStandardHelpOptions = true,
    description = {"Measure the disk's fsync limit, WAL appends per fsync mode and recovery time.",
        "Reports the raw fsync rate and batched-fsync record rate, appends with 1 and 64 appenders per fsync mode,"
            + " and the recovery time of 1M operations, as medians. Run it on the WAL's disk."})
public final class WalBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Short runs: a smoke test, not a measurement.")
  boolean quick;

  @Option(names = "--dir", paramLabel = "DIR",
      description = {"Scratch directory on the disk to measure (kept afterwards).",
          "Default: a new directory under the current one, deleted afterwards. Avoid tmpfs: fsync there is free."})
  Path dir;

  @Override
  public Integer call() throws IOException {
    boolean ownDir = dir == null;
    Path scratch = ownDir ? Files.createTempDirectory(Path.of("").toAbsolutePath(), "ipfs-kit-bench-") : dir;
    Files.createDirectories(scratch);
    try {
      WalBench.run(scratch, System.out, quick);
      return 0;
    } finally {
      if (ownDir) deleteTree(scratch);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) throw e;
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
