package io.ipfskit.server.cli;

import io.ipfskit.server.bench.SecretsBench;
import io.ipfskit.server.bench.StdioBench;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run a benchmark; figures go to stdout (see BENCHMARKS.md).",
    subcommands = {BenchCommand.Secrets.class, BenchCommand.Stdio.class, WalBenchCommand.class})
final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: secrets, stdio or wal");
  }

  @Command(name = "secrets", mixinStandardHelpOptions = true,
      description = "Measure in-process store and retrieve on an unlocked vault in a scratch directory.")
  static final class Secrets implements Callable<Integer> {
    @Option(names = "--iterations", defaultValue = "10000", description = "Operations per measurement (default: ${DEFAULT-VALUE}).")
    int iterations;

    private final CliContext context;

    Secrets(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws IOException {
      if (iterations < 1) {
        throw new IllegalArgumentException("--iterations must be >= 1, but was " + iterations);
      }
      Path scratch = Files.createTempDirectory("ipfs-kit-bench-");
      try {
        SecretsBench.run(scratch, iterations, context.stdout());
      } finally {
        StdioBench.deleteTree(scratch);
      }
      return 0;
    }
  }

  @Command(name = "stdio", mixinStandardHelpOptions = true,
      description = {"Measure start-up and stdio round trips of the server, spawned as an agent host would.",
          "Over stdio JSON-RPC it times process start to the first tools/list answer, and secrets_retrieve round"
              + " trips. Each run gets a fresh IPFS_KIT_HOME in a scratch directory."})
  static final class Stdio implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "7", description = "Startup runs per command (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--calls", defaultValue = "2000", description = "Timed retrieve calls (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--launcher", paramLabel = "PATH",
        description = "Also time this launcher script (e.g. ./ipfs-kit), run as 'PATH serve'.")
    Path launcher;

    private final CliContext context;

    Stdio(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (runs < 1 || calls < 100) {
        throw new IllegalArgumentException("--runs must be >= 1 and --calls >= 100, but were " + runs + " and " + calls);
      }
      List<String> plain = List.of(javaExecutable(), "-jar", ownJar().toString(), "serve");
      Path scratch = Files.createTempDirectory("ipfs-kit-bench-");
      try {
        StdioBench.startup(plain, runs, scratch, context.stdout());
        List<String> measured = plain;
        if (launcher != null) {
          List<String> viaLauncher = new ArrayList<>(List.of(launcher.toAbsolutePath().toString(), "serve"));
          StdioBench.startup(viaLauncher, 1, scratch, context.stdout()); // creates the CDS archive if missing
          StdioBench.startup(viaLauncher, runs, scratch, context.stdout());
          measured = viaLauncher;
        }
        StdioBench.retrieveLatency(measured, calls, scratch, context.stdout());
      } finally {
        StdioBench.deleteTree(scratch);
      }
      return 0;
    }

    private static String javaExecutable() {
      return ProcessHandle.current().info().command().orElse("java");
    }

    private static Path ownJar() throws URISyntaxException {
      Path location = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!location.toString().endsWith(".jar")) {
        throw new IllegalStateException("bench stdio runs from the packaged jar only (found " + location + ")");
      }
      return location;
    }
  }
}
