package io.ipfskit.server;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.secrets.Vault;
import io.ipfskit.core.secrets.VaultConfig;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.LoggerFactory;

/**
 * An opened {@code IPFS_KIT_HOME}: the parsed configurations and the components living there,
 * shared by the MCP server and every command line command.
 *
 * <p>Configuration is parsed eagerly in {@link #open} so bad settings fail at start. The vault is
 * unlocked lazily on the first {@link #vault()} call: deriving the key-encryption key from a
 * password costs ~0.4 s, which must not delay {@code initialize} and {@code tools/list}.
 *
 * <p>Thread safety: {@link #vault()} synchronises on {@code vaultLock}, {@link #wal()} on {@code
 * walLock}, so neither waits for the other's slow start; {@link #close()} on {@code closeLock} and
 * closes the log before the vault, so a backend call the log is finishing can still read its secret
 * (an S3 or Storacha credential) through {@link #vault()} while close waits for it. A failed unlock
 * or WAL open is not remembered, the next call tries again.
 */
public final class KitHome implements AutoCloseable {

  /** How often a process that forwards WAL calls checks that the owner is still there. */
  static final java.time.Duration WAL_OWNER_WATCH_INTERVAL = java.time.Duration.ofSeconds(2);

  private final KitConfig config;
  private final VaultConfig vaultConfig;
  private final Object vaultLock = new Object();
  private Vault vault; // guarded by vaultLock
  /** Guards {@code wal} (not {@code this}, so a WAL recovery never waits for a vault unlock or the reverse). */
  private final Object walLock = new Object();
  private SharedWal wal; // guarded by walLock
  private boolean walClosed; // guarded by walLock
  private volatile SharedWal walIfJoined; // wal once joined, read without walLock (walOwnedHere)
  private volatile boolean vaultOpen; // set once vault is open, read without vaultLock (vaultUnlocked)
  private boolean vaultClosed; // guarded by vaultLock
  private final Object closeLock = new Object();
  private boolean closed; // guarded by closeLock

  private KitHome(KitConfig config, VaultConfig vaultConfig) {
    this.config = config;
    this.vaultConfig = vaultConfig;
  }

  /**
   * Creates the home directory (0700) when missing; {@code config} was parsed and checked by
   * {@link KitConfig#load}.
   *
   * @throws UncheckedIOException when the directory cannot be created
   */
  public static KitHome open(KitConfig config) {
    requireNonNull(config, "config");
    createPrivateDirectory(config.home());
    return new KitHome(config, config.vault());
  }

  public KitConfig config() {
    return config;
  }

  public Path directory() {
    return config.home();
  }

  /**
   * The vault, unlocked on first use.
   *
   * @throws io.ipfskit.core.secrets.VaultException when it cannot be opened (wrong password, damaged keyring)
   * @throws IllegalStateException after {@link #close()}
   */
  public Vault vault() {
    synchronized (vaultLock) {
      if (vaultClosed) {
        throw new IllegalStateException("home " + config.home() + " is closed");
      }
      if (vault == null) {
        vault = Vault.open(vaultConfig);
        vaultOpen = true;
      }
      return vault;
    }
  }

  /** Whether {@link #vault()} would answer at once (the vault is open); never waits for an unlock. */
  public boolean vaultUnlocked() {
    return vaultOpen;
  }

  /**
   * Whether {@link #wal()} would answer at once with a log this process owns (recovered, in memory);
   * never waits for a recovery or another process.
   */
  public boolean walOwnedHere() {
    SharedWal w = walIfJoined;
    return w != null && w.isOwner();
  }

  /**
   * The home's write-ahead log, joined on first use: this process owns it if no other process
   * does, else forwards to the owner and takes over when the owner exits (see {@link SharedWal}).
   * Joining recovers the log when this process becomes the owner, so the server starts it in the
   * background rather than before {@code tools/list}.
   *
   * @throws WalCallException when the log cannot be opened (e.g. corruption: run {@code ipfs-kit wal repair})
   * @throws IllegalStateException after {@link #close()}
   */
  public SharedWal wal() {
    synchronized (walLock) {
      if (walClosed) {
        throw new IllegalStateException("home " + config.home() + " is closed");
      }
      if (wal == null) {
        wal = SharedWal.forHome(config, WAL_OWNER_WATCH_INTERVAL, this::lookupSecret);
        walIfJoined = wal;
      }
      return wal;
    }
  }

  /**
   * Reads a secret a backend's configuration refers to (the S3 secret key), at use. Unlocks the
   * vault if no one has yet (blocking, like any first {@link #vault()} call); while another thread
   * unlocks it, this waits for that. A vault that cannot be opened throws its {@link
   * io.ipfskit.core.secrets.VaultException}, which the backend reports as unavailable.
   */
  private io.ipfskit.core.secrets.SecretValue lookupSecret(io.ipfskit.core.secrets.SecretId id) {
    return vault().retrieve(id);
  }

  /**
   * What unlocks the vault, for messages a user acts on: the variable actually used ({@code
   * IPFS_KIT_MASTER_PASSWORD_FILE} or {@code IPFS_KIT_MASTER_PASSWORD}, with where it was set) or the
   * key file. Never the password or the file's content.
   */
  public String vaultKeySource() {
    return describeKeySource(config);
  }

  static String describeKeySource(KitConfig config) {
    for (var setting : java.util.List.of(VaultConfig.MASTER_PASSWORD_FILE, VaultConfig.MASTER_PASSWORD)) {
      if (config.settings().value(setting.name()).isPresent()) {
        return setting.name() + " (from " + config.sourceOf(setting.name()) + ")";
      }
    }
    return "the key file " + config.vault().directory().resolve("master.key");
  }

  /**
   * Why the vault could not be unlocked, for the operator and the client: the key source's own
   * message when the source itself is unusable (it names the variable, the file and the rule),
   * else the vault's message after the variable used. Never a password.
   */
  public String unlockFailure(io.ipfskit.core.secrets.VaultException e) {
    return e instanceof io.ipfskit.core.secrets.VaultKeySourceException
        ? "the vault cannot be unlocked: " + e.getMessage()
        : "the vault cannot be unlocked with " + vaultKeySource() + ": " + e.getMessage();
  }

  /**
   * Unlocks the vault ({@link #vault()}) on a background thread, so a wrong password or an unusable
   * key file is found right after {@code initialize} instead of at the first secrets call, without
   * delaying any answer. A failure goes to the SLF4J logger {@value #VAULT_LOGGER} (message only:
   * the vault's messages never hold a secret) and to {@code onFailure}; the next secrets call tries
   * again and answers the same cause.
   *
   * @param onFailure told the cause, e.g. to notify the client; may be called on the background thread
   */
  public void unlockVaultInBackground(java.util.function.Consumer<String> onFailure) {
    requireNonNull(onFailure, "onFailure");
    Thread t = new Thread(() -> {
      try {
        vault();
      } catch (io.ipfskit.core.secrets.VaultException e) {
        String message = unlockFailure(e);
        LoggerFactory.getLogger(VAULT_LOGGER).error(message);
        onFailure.accept(message);
      } catch (IllegalStateException closedMeanwhile) {
        // the server is shutting down: nothing to report
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(VAULT_LOGGER).error("unlocking the vault failed unexpectedly", e);
        onFailure.accept("unlocking the vault failed unexpectedly (" + e.getClass().getSimpleName()
            + "); the server log has the details");
      }
    }, "vault-unlock");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Reads stored content for clients (resources, a completed {@code cat}), at most {@code
   * IPFS_KIT_CONTENT_MAX_BYTES} bytes kept per read. A backend is read through this process's
   * registry when it owns the WAL; otherwise the local block store is read in place (read-only: the
   * owner keeps running it) and other backends are not readable from here.
   */
  /**
   * The figures of the performance report, without joining the WAL for it: those of the process
   * owning the WAL, which runs the backends (their breakers, retries, pools, health, the read cache
   * and the lease registry: open streams and pooled connections, leaks older than {@code
   * leakThreshold} with the borrower's stack; and the WAL's append p99). This process answers
   * itself when it is the owner, else asks the owner over the owner socket as {@code backend_health}
   * does; before this process has joined the WAL, all empty. The leases of {@link #reportLeasesOf}
   * (this process's HTTP sessions) are added to the owner's.
   *
   * @throws WalCallException when the owner cannot be asked (it does not answer and the log cannot be taken over)
   */
  public io.ipfskit.core.resilience.PerformanceReport.Sources performanceSources(java.time.Duration leakThreshold) {
    SharedWal w = walIfJoined;
    io.ipfskit.core.resilience.PerformanceReport.Sources owner = w == null
        ? io.ipfskit.core.resilience.PerformanceReport.Sources.none() : w.service().performance(leakThreshold);
    java.util.function.Supplier<io.ipfskit.core.resilience.Leases> own = ownLeases;
    return own == null ? owner : owner.withLeasesOf(own.get(), leakThreshold);
  }

  /**
   * Adds this process's own lease registry (the HTTP server's MCP sessions) to the leases of {@link
   * #performanceSources}: they are this process's whether or not it owns the WAL.
   */
  public void reportLeasesOf(java.util.function.Supplier<io.ipfskit.core.resilience.Leases> leases) {
    this.ownLeases = java.util.Objects.requireNonNull(leases, "leases");
  }

  private volatile java.util.function.Supplier<io.ipfskit.core.resilience.Leases> ownLeases;

  public io.ipfskit.server.content.ContentReader contentReader() {
    return new io.ipfskit.server.content.ContentReader(this::readableBackend,
        java.util.List.copyOf(io.ipfskit.core.storage.BackendRegistry.builtInFactories().keySet()),
        config.contentMaxBytes());
  }

  private java.util.Optional<io.ipfskit.core.storage.StorageBackend> readableBackend(String name) {
    try {
      java.util.Optional<io.ipfskit.core.storage.StorageBackend> owned = wal().ownedBackend(name);
      if (owned.isPresent()) return owned;
    } catch (WalCallException e) {
      LoggerFactory.getLogger(KitHome.class).debug("reading content without the WAL: {}", e.getMessage());
    }
    return "local".equals(name)
        ? java.util.Optional.of(io.ipfskit.core.storage.LocalBlockStore.openForReading(
            config.backends().localBlocksDirectory()))
        : java.util.Optional.empty();
  }

  /** The logger name of vault start-up problems (and of their client notifications). */
  public static final String VAULT_LOGGER = "ipfs-kit.vault";

  /**
   * Joins the WAL ({@link #wal()}) on a background thread, so the server answers {@code initialize}
   * and {@code tools/list} without waiting for recovery while pending operations resume at once. A
   * failure is logged; the next WAL tool call tries again and reports it.
   */
  public void joinWalInBackground() {
    Thread t = new Thread(() -> {
      try {
        wal();
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(KitHome.class).warn("could not open the write-ahead log at start: {}", e.getMessage());
      }
    }, "wal-join");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      synchronized (walLock) {
        walClosed = true;
        if (wal != null) {
          wal.close();
          wal = null;
          walIfJoined = null;
        }
      }
      synchronized (vaultLock) {
        vaultClosed = true;
        if (vault != null) {
          vault.close();
          vault = null;
          vaultOpen = false;
        }
      }
    }
  }

  private static void createPrivateDirectory(Path directory) {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(directory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create IPFS_KIT_HOME " + directory + ": " + e.getMessage(), e);
    }
  }
}
