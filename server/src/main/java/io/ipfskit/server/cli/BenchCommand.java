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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ipfs-kit bench ...}: benchmarks that measure this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run benchmarks on this machine.",
    subcommands = BenchCommand.Wal.class)
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "wal", mixinStandardHelpOptions = true,
      description = "Raw fsync rate, WAL appends per fsync mode with 1 and 64 appenders, and recovery time. "
          + "Results are medians; run it on the disk the WAL lives on.")
  static final class Wal implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "Short runs (a smoke test, not a measurement).")
    boolean quick;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Scratch directory on the disk to measure (default: a new temporary directory under the current directory). "
            + "Avoid tmpfs: fsync there costs nothing.")
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
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
