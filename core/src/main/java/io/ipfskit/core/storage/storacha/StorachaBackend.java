package io.ipfskit.core.storage.storacha;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.secrets.SecretExpiredException;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.secrets.SecretNotFoundException;
import io.ipfskit.core.secrets.VaultException;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.storage.ContentCid;
import io.ipfskit.core.storage.ContentSpool;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.TeeInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code storacha} backend: content uploaded to a Storacha space through the official {@code
 * @storacha/client}, run by a small Node bridge ({@link BridgeProcess}, installed on first use by
 * {@link BridgeInstall}); reads come from an IPFS gateway. The one public entry of this package.
 *
 * <ul>
 *   <li>{@link #add} spools the stream to a private temp file ({@link ContentSpool}: the bridge reads
 *       files by path; the CID the local store gives the bytes is computed on the way), asks
 *       the bridge to upload it ({@code space/blob/add} → PUT → {@code ucan/conclude} → {@code
 *       blob/accept} → {@code filecoin/offer} → {@code space/index/add} → {@code upload/add}, all done by
 *       the client) and returns the upload's root CID. The bridge builds the UnixFS DAG with ipfs-kit's
 *       settings (256 KiB chunks, raw leaves, CIDv1, balanced, 174 links), so the root equals the CID
 *       the local store and IPFS give the same bytes (checked: a different root fails the add). {@link StoredContent#location()}
 *       is the space DID.
 *   <li>{@link #get} streams {@code GET <gateway>/ipfs/<cid>} to the caller ({@link GatewayReader}:
 *       HttpClient 5, connect and between-bytes timeouts, redirects followed) and checks on the way
 *       that the bytes give that CID ({@link ContentCid}); a gateway answering other bytes fails the
 *       get (PERMANENT). Content uploaded by other tools with other DAG settings (the {@code storacha}
 *       CLI uses 1 MiB chunks) therefore cannot be read through this backend.
 *   <li>{@link #remove}: {@code upload/remove} of the root. Removing an absent upload is not an error.
 *       (Storacha drops the upload from the space listing; blobs and Filecoin deals are the service's.)
 *   <li>{@link #pin} / {@link #unpin}: <b>an upload in the space is what keeps content stored</b>;
 *       there is nothing else to pin. Both check that an upload with this root is listed in the space
 *       ({@link ContentNotFoundException} if not) and change nothing; add already reports {@code pinned:
 *       true}. The check pages through {@code upload/list}, so it costs one call per 100 uploads.
 *   <li>{@link #list}: {@code upload/list}, paged.
 *   <li>{@link #health}: the bridge's {@code health}, a real {@code upload/list} of size 1. While the
 *       bridge is installed (npm, first use only) and started, health is UNHEALTHY saying so, and
 *       that runs in the background instead of blocking the probe.
 * </ul>
 *
 * <p><b>Secrets.</b> The agent key and the delegation proof are read from the vault ({@code
 * IPFS_KIT_STORACHA_KEY_REF}, {@code _PROOF_REF}) each time a bridge process starts, and sent only in
 * its {@code init} line. A missing or expired secret is PERMANENT naming the setting and the secret
 * id; a vault that cannot be read now is UNAVAILABLE (queued operations wait for it).
 *
 * <p>Thread-safe: the bridge and the gateway client are; the install future is set under {@code this}.
 */
public final class StorachaBackend implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(StorachaBackend.class);
  static final String NAME = "storacha";
  static final int PIN_LIST_PAGE = 100;

  /** One upload of the space, as {@code upload/list} shows it. */
  public record Upload(String root, List<String> shards, String insertedAt, String updatedAt) {
    public Upload {
      requireNonNull(root, "root");
      shards = List.copyOf(shards);
    }
  }

  /** One page of {@link #list(String, int)}; {@code nextCursorOrNull} is null on the last page. */
  public record Page(List<Upload> uploads, String nextCursorOrNull) {
    public Page {
      uploads = List.copyOf(uploads);
    }
  }

  private final StorachaConfig config;
  private final SecretLookup secrets;
  private final BridgeProcess bridge;
  private final GatewayReader gateway;
  private CompletableFuture<Path> install; // guarded by this; null = not started, or failed and reported
  private CompletableFuture<Void> warmedUp; // guarded by this; set with install

  private StorachaBackend(StorachaConfig config, SecretLookup secrets) {
    this.config = config;
    this.secrets = secrets;
    this.bridge = new BridgeProcess(this::installedFolder, config.nodeExecutable(), this::initFields,
        config.timeout());
    this.gateway = new GatewayReader(config.gateway(), config.timeout());
  }

  /**
   * Opens the backend: creates the spool directory (0700) and deletes files a crash left in it.
   * Contacts neither the service, Node nor the vault (they are used on first call).
   */
  public static StorachaBackend open(StorachaConfig config, SecretLookup secrets) throws IOException {
    requireNonNull(config, "config");
    requireNonNull(secrets, "secrets");
    ContentSpool.prepare(config.spoolDirectory(), NAME);
    return new StorachaBackend(config, secrets);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The configuration this backend was opened with (no secret in it: the key and proof are vault references). */
  public StorachaConfig config() {
    return config;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    requireNonNull(content, "content");
    try (ContentSpool spool = ContentSpool.write(config.spoolDirectory(), NAME, content)) {
      StoredContent computed = spool.computed();
      ObjectNode f = BridgeProcess.JSON.createObjectNode();
      f.put("path", spool.file().toString());
      JsonNode a = bridge.call("add", f, config.addTimeout(computed.size()), service(), null);
      String root = Cid.canonical(a.path("root").asString("")).orElseThrow(() -> StorachaErrors.bridgeFailure("add",
          "the bridge answered no valid root CID", null));
      if (a.has("size") && a.path("size").asLong(-1) != computed.size())
        throw StorachaErrors.bridgeFailure("add", "the bridge uploaded " + a.path("size").asLong(-1)
            + " bytes of a " + computed.size() + "-byte file", null);
      if (!root.equals(computed.cid()))
        throw new StorageException("storacha add: the bridge uploaded a DAG with root " + root + ", not the "
            + computed.cid() + " the local store gives these bytes (256 KiB chunks, raw leaves, CIDv1, 174 links);"
            + " gets could not verify it, so the add fails (the bridge's UnixFS settings changed?)",
            StorageErrorClass.PERMANENT);
      return new StoredContent(root, computed.size(), config.space(), true);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    String c = canonical(cid);
    requireNonNull(out, "out");
    gateway.read(c, in -> {
      TeeInputStream v = new TeeInputStream(in, out);
      String got;
      try {
        got = ContentCid.of(v).cid();
        if (v.read() != -1)
          throw new StorageException("storacha get of " + c + ": the gateway " + config.gateway()
              + " answered more bytes than the content of that CID", StorageErrorClass.PERMANENT);
      } catch (TeeInputStream.CopyFailure e) {
        throw new StorageException("storacha get of " + c + ": writing the content failed: " + e.getCause(),
            StorageErrorClass.TRANSIENT, e.getCause());
      }
      if (!got.equals(c))
        throw new StorageException("storacha get of " + c + ": the gateway " + config.gateway() + " answered bytes"
            + " whose CID (256 KiB chunks, raw leaves, CIDv1) is " + got + "; refusing them (content uploaded with"
            + " other DAG settings cannot be verified here)", StorageErrorClass.PERMANENT);
    });
  }

  /** Checks that an upload with this root is in the space; changes nothing (see the class comment). */
  @Override
  public void pin(String cid) throws StorageException {
    requireUpload(canonical(cid));
  }

  /** Checks that an upload with this root is in the space; changes nothing (see the class comment). */
  @Override
  public void unpin(String cid) throws StorageException {
    requireUpload(canonical(cid));
  }

  @Override
  public void remove(String cid) throws StorageException {
    String c = canonical(cid);
    ObjectNode f = BridgeProcess.JSON.createObjectNode();
    f.put("root", c);
    try {
      bridge.call("remove", f, config.timeout(), service(), c);
    } catch (ContentNotFoundException absent) {
      // nothing to remove: not an error
    }
  }

  /** One page of the space's uploads ({@code upload/list}); {@code cursorOrNull} from the previous page. */
  public Page list(String cursorOrNull, int size) throws StorageException {
    if (size < 1 || size > 1000) throw new IllegalArgumentException("size must be from 1 to 1000, but was " + size);
    ObjectNode f = BridgeProcess.JSON.createObjectNode();
    if (cursorOrNull == null) f.putNull("cursor");
    else f.put("cursor", cursorOrNull);
    f.put("size", size);
    JsonNode a = bridge.call("list", f, config.timeout(), service(), null);
    List<Upload> uploads = new ArrayList<>();
    for (JsonNode u : a.path("results")) {
      List<String> shards = new ArrayList<>();
      for (JsonNode s : u.path("shards")) shards.add(s.asString(""));
      uploads.add(new Upload(u.path("root").asString(""), shards, u.path("insertedAt").asString(""),
          u.path("updatedAt").asString("")));
    }
    JsonNode next = a.path("cursor");
    String nextCursor = next.isString() && !next.asString("").isEmpty() && !uploads.isEmpty() ? next.asString("")
        : null;
    return new Page(uploads, nextCursor);
  }

  /** Every upload of the space, page by page. */
  public List<Upload> list() throws StorageException {
    List<Upload> all = new ArrayList<>();
    String cursor = null;
    do {
      Page p = list(cursor, PIN_LIST_PAGE);
      all.addAll(p.uploads());
      cursor = p.nextCursorOrNull();
    } while (cursor != null);
    return all;
  }

  /** The upload whose root is {@code cid}, if the space lists one. */
  public Optional<Upload> find(String cid) throws StorageException {
    String c = canonical(cid);
    String cursor = null;
    do {
      Page p = list(cursor, PIN_LIST_PAGE);
      for (Upload u : p.uploads()) if (c.equals(Cid.canonical(u.root()).orElse(u.root()))) return Optional.of(u);
      cursor = p.nextCursorOrNull();
    } while (cursor != null);
    return Optional.empty();
  }

  /** A real {@code upload/list} of size 1 through the bridge. Never throws. */
  @Override
  public BackendHealth health() {
    try {
      synchronized (this) {
        if (install == null) startInstall();
        if (install.isCompletedExceptionally()) {
          CompletableFuture<Path> failed = install;
          install = null; // the next probe or call tries again
          failed.join();
        }
        if (!warmedUp.isDone())
          return BackendHealth.unhealthy("storacha: starting the bridge (its first use installs its npm dependencies)");
      }
      bridge.call("health", BridgeProcess.JSON.createObjectNode(), config.timeout(), service(), null);
      return BackendHealth.healthy("storacha space " + config.space() + " at " + config.endpoint() + " answers"
          + " upload/list");
    } catch (StorageException e) {
      return BackendHealth.unhealthy(e.getMessage());
    } catch (java.util.concurrent.CompletionException e) {
      return BackendHealth.unhealthy(e.getCause() instanceof StorageException se ? se.getMessage()
          : "storacha: installing the bridge failed: " + StorachaErrors.scrub(String.valueOf(e.getCause())));
    } catch (RuntimeException e) {
      return BackendHealth.unhealthy("storacha: health probe failed: " + StorachaErrors.scrub(e.toString()));
    }
  }

  /** The bridge's process id while one runs (tests stop it to check a restart). */
  public java.util.OptionalLong bridgePid() {
    return bridge.pid();
  }

  @Override
  public void close() {
    try {
      bridge.close();
    } finally {
      gateway.close();
    }
  }

  @Override
  public String toString() {
    return "StorachaBackend[space=" + config.space() + ", endpoint=" + config.endpoint() + ", serviceDid="
        + config.serviceDid() + ", gateway=" + config.gateway() + ", keyRef=" + config.keyRef() + ", proofRef="
        + config.proofRef() + "]";
  }

  // ------------------------------------------------------------------ parts

  private String service() {
    return config.endpoint().toString();
  }

  private void requireUpload(String cid) throws StorageException {
    if (find(cid).isEmpty()) throw new ContentNotFoundException(NAME, cid);
  }

  /**
   * Installs the bridge on a daemon thread ({@link #install} completes with the folder), then starts
   * it with one {@code health} call whose outcome does not matter here ({@link #warmedUp} completes
   * after it), so the first health probe does not pay for spawning Node. The two are separate because
   * a call that starts the bridge waits for the folder while holding the bridge's start lock, which
   * the warm-up call needs too.
   */
  private void startInstall() {
    CompletableFuture<Path> folder = new CompletableFuture<>();
    CompletableFuture<Void> warm = new CompletableFuture<>();
    install = folder;
    warmedUp = warm;
    Thread t = new Thread(() -> {
      try {
        folder.complete(BridgeInstall.ensure(config.bridgeCacheDirectory(), config.nodeExecutable(),
            BridgeInstall.shippedFiles()));
      } catch (StorageException | RuntimeException e) {
        folder.completeExceptionally(e);
        warm.complete(null);
        return;
      }
      try {
        bridge.call("health", BridgeProcess.JSON.createObjectNode(), config.timeout(), service(), null);
      } catch (StorageException | RuntimeException e) {
        LOG.debug("storacha bridge warm-up: {}", e.getMessage());
      }
      warm.complete(null);
    }, "storacha-bridge-install");
    t.setDaemon(true);
    t.start();
  }

  /** The installed bridge folder, installing it (or waiting for the install in progress) first. */
  private Path installedFolder() throws StorageException {
    CompletableFuture<Path> f;
    synchronized (this) {
      if (install == null || install.isCompletedExceptionally()) startInstall();
      f = install;
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StorageException se) throw se;
      throw StorachaErrors.bridgeFailure("install", String.valueOf(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw StorachaErrors.bridgeFailure("install", "interrupted while waiting for the bridge install", e);
    }
  }

  /** The {@code init} request's fields, with the key and proof read from the vault now. */
  private ObjectNode initFields() throws StorageException {
    ObjectNode f = BridgeProcess.JSON.createObjectNode();
    f.put("endpoint", config.endpoint().toString());
    f.put("serviceDid", config.serviceDid());
    f.put("space", config.space());
    f.put("key", secret("IPFS_KIT_STORACHA_KEY_REF", config.keyRef()));
    f.put("proof", secret("IPFS_KIT_STORACHA_PROOF_REF", config.proofRef()));
    return f;
  }

  private String secret(String setting, SecretId ref) throws StorageException {
    try {
      return secrets.lookup(ref).reveal();
    } catch (SecretNotFoundException | SecretExpiredException e) {
      throw new StorageException("storacha: " + setting + " names vault secret " + ref + ", which "
          + (e instanceof SecretNotFoundException ? "does not exist" : "has expired") + "; store it with 'ipfs-kit"
          + " secrets store' and set the ref to its id", StorageErrorClass.PERMANENT);
    } catch (VaultException | IllegalStateException e) {
      // Vault messages never hold a secret value (the vault's own rule), so the cause may be shown.
      throw new BackendUnavailableException("storacha: the vault holding " + setting + " (" + ref + ") cannot be"
          + " read now: " + e.getMessage(), null);
    }
  }

  private static String canonical(String cid) throws StorageException {
    return Cid.canonical(cid).orElseThrow(() -> new StorageException("cid " + Cid.ACCEPTED_RULE,
        StorageErrorClass.PERMANENT));
  }
}
