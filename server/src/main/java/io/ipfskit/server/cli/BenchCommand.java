package io.ipfskit.server.cli;

import io.ipfskit.server.bench.HttpBench;
import io.ipfskit.server.bench.SecretsBench;
import io.ipfskit.server.bench.SideBySideBench;
import io.ipfskit.server.bench.StdioBench;
import io.ipfskit.server.bench.TsReferenceServer;
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
    subcommands = {BenchCommand.Secrets.class, BenchCommand.Stdio.class, BenchCommand.Http.class, WalBenchCommand.class,
        BackendsBenchCommand.class, S3BenchCommand.class, ResilienceBenchCommand.class})
final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: secrets, stdio, http, wal, backends or s3");
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
      description = {"Measure ipfs-kit beside the official TypeScript SDK's reference stdio server.",
          "Spawns both as an agent host would and measures them in one interleaved run through the same JSON-RPC"
              + " client: process start to the first tools/list answer, and sequential and pipelined tools/call of a"
              + " light tool (secrets_statistics / statistics): rate, p50, p99, server CPU per call.",
          "Needs node and npm for the TypeScript server (installed once into ~/.cache/ipfs-kit/node).",
          "Each server gets a fresh IPFS_KIT_HOME in a scratch directory. See BENCHMARKS.md."})
  static final class Stdio implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "7", description = "Cold starts per server (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved call rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--calls", defaultValue = "2000",
        description = "Calls per round, sequential and again pipelined (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--warmup", defaultValue = "3000", description = "Warm-up calls per server (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--in-flight", defaultValue = "16",
        description = "Requests outstanding in the pipelined part (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--launcher", paramLabel = "PATH",
        description = "Also measure this launcher script (e.g. ./ipfs-kit), run as 'PATH serve'; repeatable"
            + " (e.g. a copy of an older build's checkout beside the current one).")
    List<Path> launchers = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "PATH",
        description = "An ipfs-kit jar to measure with 'java -jar' (default: this jar); repeatable, e.g. an older build.")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--no-plain", description = "Do not measure plain 'java -jar' (only the launchers and TS).")
    boolean noPlain;

    @Option(names = "--ts-server", paramLabel = "DIR",
        description = "The TypeScript reference server (default: server/src/test/node/ts-reference-server).")
    Path tsServer;

    @Option(names = "--no-ts", description = "Measure ipfs-kit only (no node needed).")
    boolean noTs;

    @Option(names = "--jfr", paramLabel = "FILE",
        description = "Instead: record the server (the launcher if given, else java -jar) with JFR during"
            + " rounds × calls sequential calls and print where its CPU samples went.")
    Path jfr;

    @Option(names = "--retrieve", description = "Also time secrets_retrieve round trips (the older latency figure).")
    boolean retrieve;

    private final CliContext context;

    Stdio(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (runs < 0 || rounds < 1 || calls < 100 || warmup < 0 || inFlight < 2) {
        throw new IllegalArgumentException("--runs must be >= 0, --rounds >= 1, --calls >= 100, --warmup >= 0 and"
            + " --in-flight >= 2");
      }
      List<SideBySideBench.Target> targets = new ArrayList<>();
      for (Path launcher : launchers) {
        Path absolute = launcher.toAbsolutePath().normalize();
        String where = absolute.getParent() == null ? "" : absolute.getParent().getFileName() + "/";
        targets.add(new SideBySideBench.Target("ipfs-kit, launcher " + where + absolute.getFileName(),
            List.of(absolute.toString(), "serve"), "secrets_statistics", true));
      }
      if (!noPlain) {
        for (Path ours : jars.isEmpty() ? List.of(ownJar()) : jars) {
          if (!Files.isRegularFile(ours)) {
            throw new IllegalArgumentException("--jar must name an existing jar file");
          }
          targets.add(new SideBySideBench.Target("ipfs-kit, java -jar " + (jars.size() > 1 ? ours : ours.getFileName()),
              List.of(javaExecutable(), "-jar", ours.toAbsolutePath().toString(), "serve"), "secrets_statistics", true));
        }
      }
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("nothing of ours to measure: give --launcher, or drop --no-plain");
      }
      Path scratch = Files.createTempDirectory("ipfs-kit-bench-");
      try {
        if (jfr != null) {
          SideBySideBench.profile(targets.get(0), warmup, rounds * calls, jfr.toAbsolutePath(), scratch,
              context.stdout());
          return 0;
        }
        if (!noTs) {
          Path sources = TsReferenceServer.locate(tsServer, ownJar());
          List<String> node = TsReferenceServer.install(sources, TsReferenceServer.defaultCacheRoot(context.userHome(), context.env()), context.stderr());
          targets.add(new SideBySideBench.Target("TypeScript SDK 1.32.2, node",
              node, TsReferenceServer.TOOL, false));
        }
        for (SideBySideBench.Target t : targets) {
          context.stdout().println("  " + t.label() + ": " + String.join(" ", t.command()));
        }
        SideBySideBench.run(targets, targets,
            new SideBySideBench.Settings(runs, rounds, calls, warmup, inFlight), scratch, context.stdout());
        if (retrieve) {
          StdioBench.retrieveLatency(targets.get(0).command(), calls, scratch, context.stdout());
        }
      } finally {
        StdioBench.deleteTree(scratch);
      }
      return 0;
    }

    static String javaExecutable() {
      return ProcessHandle.current().info().command().orElse("java");
    }

    static Path ownJar() throws URISyntaxException {
      Path location = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!location.toString().endsWith(".jar")) {
        throw new IllegalStateException("bench stdio runs from the packaged jar only (found " + location + ")");
      }
      return location;
    }
  }

  @Command(name = "http", mixinStandardHelpOptions = true,
      description = {"Measure ipfs-kit over MCP Streamable HTTP beside the official TypeScript SDK's own Streamable HTTP"
          + " server, in one interleaved run through the same Java client: tools/call of a light tool"
          + " (secrets_statistics / statistics) with 1 and 16 concurrent clients (one session each): calls/s, p50, p99.",
          "ipfs-kit runs as 'java -jar <this jar> serve --http' with a token (every request authenticated); the"
              + " TypeScript server has no auth. Needs node and npm (installed once into ~/.cache/ipfs-kit/node)."})
  static final class Http implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--calls", defaultValue = "2000",
        description = "Calls per round and concurrency level (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--warmup", defaultValue = "3000", description = "Warm-up calls per server (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--clients", split = ",", defaultValue = "1,16",
        description = "Concurrency levels, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--ts-server", paramLabel = "DIR",
        description = "The TypeScript reference server (default: server/src/test/node/ts-reference-server).")
    Path tsServer;

    @Option(names = "--no-ts", description = "Measure ipfs-kit only (no node needed).")
    boolean noTs;

    @Option(names = "--jar", paramLabel = "PATH",
        description = "Also measure this ipfs-kit jar (e.g. an older build), run as 'java -jar PATH serve --http'; repeatable.")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--jfr", paramLabel = "FILE",
        description = "Instead: record this jar's server with JFR during --rounds × --calls sequential calls of one"
            + " client (after --warmup) into FILE and print where its CPU samples went.")
    Path jfr;

    private final CliContext context;

    Http(CliContext context) {
      this.context = context;
    }

    @Override
    public Integer call() throws Exception {
      if (rounds < 1 || calls < 16 || warmup < 0 || clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("--rounds must be >= 1, --calls >= 16, --warmup >= 0 and --clients >= 1 each");
      }
      Path scratch = Files.createTempDirectory("ipfs-kit-bench-http-");
      try {
        List<HttpBench.Target> targets = new ArrayList<>();
        String token = java.util.HexFormat.of().formatHex(randomBytes());
        List<Path> ours = new ArrayList<>();
        ours.add(Stdio.ownJar());
        jars.forEach(j -> ours.add(j.toAbsolutePath().normalize()));
        for (Path jar : ours) {
          int ourPort = freePort();
          String where = ours.size() == 1 ? "" : jar.getParent().getFileName() + "/";
          targets.add(new HttpBench.Target("ipfs-kit, java -jar " + where + jar.getFileName(),
              List.of(Stdio.javaExecutable(), "-jar", jar.toString(), "serve", "--http", "--port",
                  Integer.toString(ourPort)),
              java.util.Map.of("IPFS_KIT_HOME", scratch.resolve("home-" + targets.size()).toString(),
                  "IPFS_KIT_HTTP_TOKEN", token),
              ourPort, java.util.Map.of("Authorization", "Bearer " + token), "secrets_statistics", true));
        }
        if (jfr != null) {
          HttpBench.profile(targets.get(0), warmup, rounds * calls, jfr.toAbsolutePath(), scratch, context.stdout());
          return 0;
        }
        if (!noTs) {
          Path sources = TsReferenceServer.locate(tsServer, Stdio.ownJar());
          List<String> node = new ArrayList<>(TsReferenceServer.install(sources,
              TsReferenceServer.defaultCacheRoot(context.userHome(), context.env()), context.stderr()));
          int tsPort = freePort();
          node.addAll(List.of("--http", Integer.toString(tsPort)));
          targets.add(new HttpBench.Target("TypeScript SDK 1.32.2, node", node, java.util.Map.of(), tsPort,
              java.util.Map.of(), TsReferenceServer.TOOL, false));
        }
        for (HttpBench.Target t : targets) {
          context.stdout().println("  " + t.label() + ": " + String.join(" ", t.command()));
        }
        HttpBench.run(targets, new HttpBench.Settings(rounds, calls, warmup, clients), scratch, context.stdout());
      } finally {
        StdioBench.deleteTree(scratch);
      }
      return 0;
    }

    private static byte[] randomBytes() {
      byte[] b = new byte[24];
      new java.security.SecureRandom().nextBytes(b);
      return b;
    }

    private static int freePort() throws IOException {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }
}
