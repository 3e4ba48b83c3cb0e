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
 * <p>Thread safety: {@link #vault()} and {@link #close()} synchronise on this object (it guards
 * {@code vault} and {@code closed}); {@link #wal()} on {@code walLock}, so neither waits for the
 * other's slow start. A failed unlock or WAL open is not remembered, the next call tries again.
 */
public final class KitHome implements AutoCloseable {

  /** How often a process that forwards WAL calls checks that the owner is still there. */
  static final java.time.Duration WAL_OWNER_WATCH_INTERVAL = java.time.Duration.ofSeconds(2);

  private final KitConfig config;
  private final VaultConfig vaultConfig;
  private Vault vault; // guarded by this
  /** Guards {@code wal} (not {@code this}, so a WAL recovery never waits for a vault unlock or the reverse). */
  private final Object walLock = new Object();
  private SharedWal wal; // guarded by walLock
  private boolean walClosed; // guarded by walLock
  private boolean closed; // guarded by this

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
  public synchronized Vault vault() {
    if (closed) {
      throw new IllegalStateException("home " + config.home() + " is closed");
    }
    if (vault == null) {
      vault = Vault.open(vaultConfig);
    }
    return vault;
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
        wal = SharedWal.forHome(config, WAL_OWNER_WATCH_INTERVAL);
      }
      return wal;
    }
  }

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
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (walLock) {
      walClosed = true;
      if (wal != null) {
        wal.close();
        wal = null;
      }
    }
    if (vault != null) {
      vault.close();
      vault = null;
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
