package io.ipfskit.server.cli;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.BackendStats;
import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalHealth;
import java.io.PrintStream;
import java.util.Optional;

/**
 * {@code ipfs-kit serve --check}: the checks a server start depends on, one line each ({@code ok} or
 * {@code FAIL}, the check's name, what was found), so an operator learns of a wrong password or a
 * bad setting before adding the server to an agent host. A failed check does not stop the later
 * ones, except that nothing runs without a configuration. Lines carry what the components' messages
 * carry: setting names, sources, paths and rules, never a password, key or secret value.
 */
final class StartupCheck {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = Main.EXIT_CONFIG;

  private final PrintStream out;
  private boolean failed;

  StartupCheck(PrintStream out) {
    this.out = out;
  }

  int run(CliContext context) {
    KitConfig config;
    try {
      config = context.config();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      line(false, "config", e.getMessage());
      return EXIT_FAILED;
    }
    line(true, "config", (config.configFileOrNull() == null ? "defaults and environment"
        : config.configFileOrNull() + " and environment") + "; home " + config.home());
    try (KitHome home = KitHome.open(config)) {
      checkVault(home);
      Optional<SharedWal> wal = checkWal(home);
      wal.ifPresent(this::checkBackends);
    } catch (RuntimeException e) {
      line(false, "home", e.getMessage());
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  }

  private void checkVault(KitHome home) {
    try {
      home.vault();
      line(true, "vault", "unlocked with " + home.vaultKeySource());
    } catch (io.ipfskit.core.secrets.VaultKeySourceException e) {
      line(false, "vault", "cannot be unlocked: " + e.getMessage());
    } catch (RuntimeException e) {
      line(false, "vault", "cannot be unlocked with " + home.vaultKeySource() + ": " + e.getMessage());
    }
  }

  private Optional<SharedWal> checkWal(KitHome home) {
    try {
      SharedWal wal = home.wal();
      line(true, "wal", wal.isOwner() ? "opened and recovered " + wal.walDirectory()
          : "owned by a running process, reached through " + wal.socketPath());
      return Optional.of(wal);
    } catch (RuntimeException e) {
      line(false, "wal", e.getMessage());
      return Optional.empty();
    }
  }

  private void checkBackends(SharedWal wal) {
    for (String name : BackendRegistry.builtInFactories().keySet()) {
      Optional<StorageBackend> owned = wal.ownedBackend(name);
      if (owned.isPresent()) {
        BackendHealth h = owned.get().health();
        line(h.status() == BackendHealth.Status.HEALTHY, "backend " + name,
            h.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + h.detail());
        continue;
      }
      try {
        WalHealth health = wal.service().health();
        BackendStats stats = health.backends().get(name);
        if (stats == null) continue; // not configured
        boolean ok = !"offline".equalsIgnoreCase(stats.health()) && !"unhealthy".equalsIgnoreCase(stats.health());
        line(ok, "backend " + name, stats.health() + " (as the WAL owner reports it)");
      } catch (RuntimeException e) {
        line(false, "backend " + name, e.getMessage());
      }
    }
  }

  private void line(boolean ok, String check, String detail) {
    if (!ok) failed = true;
    out.println((ok ? "ok   " : "FAIL ") + check + ": " + detail);
  }
}
