package io.ipfskit.server.cli;

import io.ipfskit.server.bench.S3Bench;
import io.ipfskit.server.bench.StdioBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipfs-kit bench s3}: the S3 rows of the backends benchmark ({@link S3Bench}), until they
 * join {@code bench backends}.
 */
@Command(name = "s3", mixinStandardHelpOptions = true,
    description = {"Measure add/get through the WAL on the s3 backend beside direct AWS SDK PutObject/GetObject.",
        "Starts S3Proxy (transient, SigV4) on loopback and this jar's MCP server; 4 KiB, 1 MiB and 64 MiB files,"
            + " interleaved in one run; p50/p99 and MiB/s of the medians. See BENCHMARKS.md."})
final class S3BenchCommand implements Callable<Integer> {
  @Option(names = "--s3proxy-jar", paramLabel = "PATH",
      description = "S3Proxy's jar-with-dependencies (default: the local Maven repository's org.gaul:s3proxy:4.1.0).")
  Path s3proxyJar;

  @Option(names = "--scale", defaultValue = "1", description = "Multiplies the samples per size (default: ${DEFAULT-VALUE}).")
  int scale;

  @Override
  public Integer call() throws Exception {
    if (scale < 1) throw new IllegalArgumentException("--scale must be >= 1, but was " + scale);
    Path jar = s3proxyJar != null ? s3proxyJar : Path.of(System.getProperty("user.home"), ".m2", "repository", "org",
        "gaul", "s3proxy", "4.1.0", "s3proxy-4.1.0-jar-with-dependencies.jar");
    if (!Files.isRegularFile(jar))
      throw new IllegalArgumentException("--s3proxy-jar must name S3Proxy's jar-with-dependencies; " + jar
          + " does not exist (mvn dependency:get -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies)");
    Path own = Path.of(S3BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (!own.toString().endsWith(".jar"))
      throw new IllegalStateException("bench s3 runs from the packaged jar only (found " + own + ")");
    String java = ProcessHandle.current().info().command().orElse("java");
    Path scratch = Files.createTempDirectory("ipfs-kit-bench-s3-");
    try {
      System.out.println(S3Bench.header());
      List<S3Bench.Row> rows = S3Bench.measure(List.of(java, "-jar", own.toString(), "serve"), jar,
          new long[] {4 * 1024, 1024 * 1024, 64L * 1024 * 1024}, scale, scratch, System.err);
      S3Bench.print(rows, System.out);
      System.out.println(S3Bench.header().replace("bench s3", "end of bench s3"));
    } finally {
      StdioBench.deleteTree(scratch);
    }
    return 0;
  }
}
