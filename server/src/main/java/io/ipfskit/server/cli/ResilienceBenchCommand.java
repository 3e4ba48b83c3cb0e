package io.ipfskit.server.cli;

import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.SettingValue;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.storage.HealthThresholds;
import io.ipfskit.server.bench.ResilienceBench;
import io.ipfskit.server.bench.StdioBench;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipfs-kit bench resilience --ipfs-api URL [--quick] [--outage 30s] [--parts ...] [--dir DIR]}: {@link
 * ResilienceBench} against a running IPFS node, with the resilience layer configured as the server
 * would be ({@code IPFS_KIT_BREAKER_*}, {@code IPFS_KIT_RAMP_*}, {@code IPFS_KIT_RETRY_*}, {@code
 * IPFS_KIT_HEALTH_*}); {@code --quick} lays {@link ResilienceBench#QUICK_SETTINGS} over them.
 */
@Command(name = "resilience", mixinStandardHelpOptions = true,
    description = {"Reproduce the resilience tables side by side on a real IPFS node behind a fault proxy.",
        "Parts: WAL add -> completed with and without the resilience layer; calls wasted on a dead backend and recovery"
            + " time after it returns (with vs without the layer); success under network blips, HTTP 503 and HTTP"
            + " 429 (no retry, in-process retries within the budget, eventually through the WAL); pooled vs"
            + " unpooled connections. The layer is configured as the server's (IPFS_KIT_BREAKER_*, ...). See"
            + " BENCHMARKS.md."})
final class ResilienceBenchCommand implements Callable<Integer> {
  @Option(names = "--ipfs-api", paramLabel = "URL", defaultValue = "${env:IPFS_KIT_IPFS_API}",
      description = "A running IPFS node's Kubo RPC API, e.g. http://127.0.0.1:5001 (default: IPFS_KIT_IPFS_API).")
  String ipfsApi;

  @Option(names = "--quick", description = "Few calls, a 3 s outage, a 2 s open breaker and 0.5 s health probes and"
      + " ramp steps: a smoke test, not a measurement.")
  boolean quick;

  @Option(names = "--outage", paramLabel = "DURATION", defaultValue = "30s",
      description = "How long the backend is dead in the outage part (full run; default ${DEFAULT-VALUE}).")
  String outage;

  @Option(names = "--parts", paramLabel = "PART", split = ",", defaultValue = "OVERHEAD,OUTAGE,FAULTS,POOL",
      description = "Which parts to run, comma-separated: ${COMPLETION-CANDIDATES} (default: all).")
  java.util.List<ResilienceBench.Part> parts;

  @Option(names = "--dir", paramLabel = "DIR",
      description = "Scratch directory for the logs (kept). Default: a new temporary one, deleted after.")
  Path dir;

  private final CliContext context;

  ResilienceBenchCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (ipfsApi == null || ipfsApi.isBlank())
      throw new IllegalArgumentException("no node to measure: pass --ipfs-api URL (or set IPFS_KIT_IPFS_API)");
    URI api = BackendsBenchCommand.ipfsApi(ipfsApi);
    ResilienceBench.Profile profile = quick ? ResilienceBench.Profile.quick()
        : ResilienceBench.Profile.full(DurationArg.parse("--outage", outage));
    Settings settings = context.config().settings();
    if (quick) {
      Map<String, SettingValue> merged = new TreeMap<>(settings.asMap());
      ResilienceBench.QUICK_SETTINGS.forEach((k, v) -> merged.put(k, new SettingValue(v, SettingSource.liveUpdate())));
      settings = Settings.of(merged);
    }
    ResilienceConfig layer = ResilienceConfig.from(settings);
    HealthThresholds health = HealthThresholds.from(settings);
    boolean ownDir = dir == null;
    Path scratch = ownDir ? Files.createTempDirectory("ipfs-kit-bench-resilience-") : dir;
    try {
      ResilienceBench.run(api, layer, health, profile, java.util.EnumSet.copyOf(parts), scratch, context.stdout());
      return 0;
    } finally {
      if (ownDir) StdioBench.deleteTree(scratch);
    }
  }
}
