package io.ipfskit.server.cli;

import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.server.bench.BackendsBench;
import io.ipfskit.server.bench.IpfsRows;
import io.ipfskit.server.bench.StdioBench;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipfs-kit bench backends [--ipfs-api URL] [--quick] [--dir DIR]}: {@link BackendsBench}
 * against running backends; a subcommand of {@code bench}. Each backend given is one row source.
 */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = {"Measure add/get throughput, p50 and p99 per backend for 4 KiB, 1 MiB and 64 MiB files.",
        "For each backend given, the same transfer three ways in one interleaved run: directly with the backend's own"
            + " protocol, through ipfs-kit's backend client, and queued through a write-ahead log (queue to completed).",
        "The ratios to direct are the overhead ipfs-kit adds. See BENCHMARKS.md."})
final class BackendsBenchCommand implements Callable<Integer> {
  @Option(names = "--ipfs-api", paramLabel = "URL", defaultValue = "${env:IPFS_KIT_IPFS_API}",
      description = "A running IPFS node's Kubo RPC API, e.g. http://127.0.0.1:5001 (default: IPFS_KIT_IPFS_API).")
  String ipfsApi;

  @Option(names = "--quick", description = "Few repetitions: a smoke test, not a measurement.")
  boolean quick;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Scratch directory for the files and the log (kept). Default: a new temporary one, deleted after.")
  Path dir;

  private final CliContext context;

  BackendsBenchCommand(CliContext context) {
    this.context = context;
  }

  /** {@code --ipfs-api}: the same rule as IPFS_KIT_IPFS_API; the message names the option, never the value. */
  static URI ipfsApi(String raw) {
    try {
      return IpfsConfig.of(URI.create(raw.trim())).api();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--ipfs-api " + e.getMessage().replaceFirst("^api ", ""));
    }
  }

  @Override
  public Integer call() throws Exception {
    List<BackendsBench.RowSource> sources = new ArrayList<>();
    if (ipfsApi != null && !ipfsApi.isBlank()) sources.add(new IpfsRows(ipfsApi(ipfsApi)));
    if (sources.isEmpty())
      throw new IllegalArgumentException("no backend to measure: pass --ipfs-api URL (or set IPFS_KIT_IPFS_API)");
    boolean ownDir = dir == null;
    Path scratch = ownDir ? Files.createTempDirectory("ipfs-kit-bench-backends-") : dir;
    try {
      BackendsBench.run(sources, scratch, context.stdout(), quick);
      return 0;
    } finally {
      for (BackendsBench.RowSource s : sources) s.close();
      if (ownDir) StdioBench.deleteTree(scratch);
    }
  }
}
