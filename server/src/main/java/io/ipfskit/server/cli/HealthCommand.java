package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.HealthThresholds;
import io.ipfskit.server.KitConfig;
import io.ipfskit.server.tools.HealthTools;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.SharedWal;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ipfs-kit health}: the backends' health as the {@code backend_health} tool shows it. When no
 * server owns the home's WAL this command owns it for its run and probes once; when a server owns
 * it, the command cannot see that server's monitor and probes the backends itself (one round, no
 * call history) and says so.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = {"Show each storage backend's health (the backend_health tool's answer).",
        "States: healthy, degraded, unhealthy, unknown, not_configured; each with its reason."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:Every configured backend (the one named, if given) is healthy.",
        "1:A backend is not healthy (or the one named is not configured), or the backends cannot be opened.",
        Main.EXIT_CODE_USAGE})
final class HealthCommand implements Callable<Integer> {

  @Option(names = "--backend", paramLabel = "TYPE", description = "Only this backend type (local, ipfs, s3, storacha).")
  String backend;

  @Option(names = "--json", description = "Print the tool's JSON answer instead of one line per backend.")
  boolean json;

  private final CliContext context;

  HealthCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (backend != null && !HealthTools.knownTypes().contains(backend)) {
      context.stderr().println("ipfs-kit health: --backend '" + backend + "' is not a backend type; known types: "
          + HealthTools.knownTypes());
      return Main.EXIT_USAGE;
    }
    KitConfig config = context.config();
    Map<String, Object> report;
    String note = null;
    try (SharedWal wal = SharedWal.forHome(config, null)) {
      Optional<BackendRegistry> owned = wal.ownedRegistry();
      if (owned.isPresent()) {
        report = HealthTools.report(owned.get(), backend);
      } else {
        try (BackendRegistry own = BackendRegistry.open(config.backends(), SecretLookup.NONE,
            HealthThresholds.from(config.settings()))) {
          own.startHealthProbes(); // one round, on this thread
          report = HealthTools.report(own, backend);
        }
        note = "another ipfs-kit process owns this home's WAL: these are this command's own probes, without that "
            + "server's call history (ask it with the backend_health tool)";
      }
    } catch (IOException | RuntimeException e) {
      context.stderr().println("ipfs-kit health: cannot open the storage backends: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    if (json) {
      context.stdout().println(OperationJson.MAPPER.writeValueAsString(report));
    } else {
      context.stdout().println(HealthTools.summary(report));
    }
    if (note != null) context.stderr().println("note: " + note);
    return Boolean.TRUE.equals(report.get("all_healthy")) ? Main.EXIT_OK : Main.EXIT_FAILURE;
  }
}
