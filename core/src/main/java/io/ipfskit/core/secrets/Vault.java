package io.ipfskit.core.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The encrypted secrets vault of one store directory (the reference layout plus {@code keyring.json},
 * {@code versions.enc.json} and {@code .lock}; see {@link StoreState}, {@link Keyring}, {@link AuditLog}).
 *
 * <p>Invariants and concurrency.
 *
 * <ul>
 *   <li>The data key is unwrapped once in {@link #open}; the slow KDF never runs on a read.
 *   <li>Every mutation runs under the store lock ({@link StoreLock}: JVM mutex + POSIX file lock, so
 *       other processes are excluded too): bump the store generation, re-read the files, change a copy,
 *       replace the files atomically (temp → fsync → rename → fsync dir), append a durable audit line.
 *       Nothing written by another process is lost, and a crash leaves the old or the new file.
 *   <li>Reads use an immutable in-memory snapshot ({@code snapshot}, volatile). It is valid while the
 *       store generation in the lock file equals the one it was built at — one {@code pread} per read.
 *       Otherwise the reader reloads under the store lock. Reads never write the store files; access
 *       counts come from the audit log (see {@link AuditLog}).
 *   <li>Encryption runs outside the lock where possible; the blob's AAD binds secret id and version.
 * </ul>
 *
 * <p>Recovery: {@link #open} removes temp files of writers that died and repairs a torn audit tail.
 * Orphan blobs (a store cut short between its two renames) are ignored.
 *
 * <p>Caller's duty: {@link #close} when done; an instance is thread-safe.
 */
public final class Vault implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Vault.class);
  static final String LOCK_FILE = ".lock";
  private static final DateTimeFormatter BACKUP_NAME =
      DateTimeFormatter.ofPattern("'backup-'yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private record Snapshot(StoreState state, long generation) {}

  private final VaultConfig config;
  private final KdfCost cost;
  private final Path dir;
  private final Clock clock;
  private final StoreLock lock;
  private final AuditLog audit;
  private final SecretCipher cipher;
  private final Object reloadMonitor = new Object();
  private volatile Snapshot snapshot;
  private volatile boolean closed;

  private Vault(VaultConfig config, KdfCost cost, StoreLock lock, AuditLog audit, byte[] dataKey) {
    this.config = config;
    this.cost = cost;
    this.dir = config.directory();
    this.clock = config.clock();
    this.lock = lock;
    this.audit = audit;
    this.cipher = new SecretCipher(dataKey, config.legacyKeyOrNull(), dir.resolve(StoreState.SECRETS_FILE));
  }

  /** Opens with the default KDF cost (PBKDF2 600,000 iterations / Argon2id 64 MiB). */
  public static Vault open(VaultConfig config) {
    return open(config, KdfCost.DEFAULT);
  }

  /**
   * Opens (and on first start creates) the store: directory 0700, keyring, key file 0600 when the
   * key source is a key file. Derives the KEK once and unwraps the data key.
   *
   * @param cost KDF work factors for a new keyring and for {@link #changePassword}
   * @throws VaultCryptoException wrong password or key file, damaged keyring or store file
   */
  public static Vault open(VaultConfig config, KdfCost cost) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cost, "cost");
    Path dir = config.directory();
    VaultFiles.ensurePrivateDirectory(dir);
    StoreLock lock;
    try {
      // the real path, so that two spellings of one directory share one lock in this JVM
      lock = StoreLock.acquire(dir.toRealPath().resolve(LOCK_FILE));
    } catch (IOException e) {
      throw new VaultStorageException("cannot resolve the secrets directory " + dir + ": " + e, e);
    }
    AuditLog audit = null;
    try {
      byte[] dataKey;
      // A password file is read now, on each open (a missing one fails this open, not the configuration).
      KeySource keySource = config.keySource() instanceof KeySource.PasswordFile file ? file.read() : config.keySource();
      if (Keyring.exists(dir)) {
        dataKey = Keyring.unlock(dir, keySource);
      } else {
        dataKey = lock.withStoreLock(() -> {
          if (Keyring.exists(dir)) {
            return Keyring.unlock(dir, keySource);
          }
          StoreState existing = StoreState.load(dir);
          long v3 = existing.blobs.values().stream().filter(b -> b.startsWith("v3:")).count();
          if (v3 > 0) {
            throw new VaultCryptoException(dir.resolve(Keyring.FILE) + " is missing, but " + v3 + " secrets in "
                + StoreState.SECRETS_FILE + " are v3 and need it; restore keyring.json from a copy");
          }
          LOG.info("creating a new keyring in {} ({})", dir,
              keySource instanceof KeySource.KeyFile kf ? "key file " + kf.path() : "master password, " + config.kdf());
          return Keyring.create(dir, keySource, config.kdf(), cost, config.clock().instant());
        });
      }
      lock.withStoreLock(() -> {
        VaultFiles.removeStaleTemps(dir);
        try {
          for (String f : List.of(StoreState.SECRETS_FILE, StoreState.METADATA_FILE, StoreState.VERSIONS_FILE, Keyring.FILE)) {
            VaultFiles.tightenFile(dir.resolve(f));
          }
        } catch (IOException e) {
          throw new VaultStorageException("cannot set permissions in " + dir + ": " + e, e);
        }
        return null;
      });
      audit = new AuditLog(dir, lock, dataKey);
      Vault vault = new Vault(config, cost, lock, audit, dataKey);
      vault.state(); // parses and checks the store files now rather than on first use
      return vault;
    } catch (RuntimeException e) {
      if (audit != null) {
        audit.close();
      }
      lock.release();
      throw e;
    }
  }

  // ---- reads ------------------------------------------------------------------------------------

  /** The current snapshot; reloads when another writer changed the store. */
  private StoreState state() {
    ensureOpen();
    long generation = lock.readGeneration();
    Snapshot s = snapshot;
    if (s != null && s.generation == generation) {
      return s.state;
    }
    synchronized (reloadMonitor) {
      s = snapshot;
      if (s != null && s.generation == lock.readGeneration()) {
        return s.state;
      }
      return lock.withStoreLock(() -> {
        long g = lock.readGeneration();
        StoreState loaded = StoreState.load(dir);
        snapshot = new Snapshot(loaded, g);
        return loaded;
      });
    }
  }

  /**
   * Decrypts the current value.
   *
   * @throws SecretNotFoundException no such id
   * @throws SecretExpiredException its expiry time has passed
   * @throws VaultCryptoException the blob fails authentication or is damaged
   */
  public SecretValue retrieve(SecretId id) {
    Objects.requireNonNull(id, "id");
    StoreState s = state();
    Instant now = clock.instant();
    StoreState.Entry e = s.entries.get(id.value());
    if (e == null) {
      audit.append(now, id.value(), "unknown", "retrieve", false, "not_found", false);
      throw new SecretNotFoundException(id);
    }
    if (e.expiresAt() != null && !now.isBefore(e.expiresAt())) {
      audit.append(now, id.value(), e.service(), "retrieve", false, "expired", false);
      throw new SecretExpiredException(id, e.expiresAt());
    }
    String plain;
    try {
      plain = decrypt(e);
    } catch (VaultCryptoException ex) {
      audit.append(now, id.value(), e.service(), "retrieve", false, "decryption_failed", false);
      throw ex;
    }
    audit.append(now, id.value(), e.service(), "retrieve", true, null, false);
    return SecretValue.of(plain);
  }

  private String decrypt(StoreState.Entry e) {
    if (e.blobProblemOrNull() != null) {
      throw new VaultCryptoException(e.blobProblemOrNull() + " (" + dir.resolve(StoreState.SECRETS_FILE) + ")");
    }
    return cipher.decrypt(e.id(), e.parsedOrNull());
  }

  /** Metadata of every secret (never values), in store order. */
  public List<SecretMetadata> list() {
    StoreState s = state();
    Instant now = clock.instant();
    audit.append(now, null, "", "list", true, null, false);
    List<SecretMetadata> out = new ArrayList<>(s.entries.size());
    for (StoreState.Entry e : s.entries.values()) {
      out.add(metadata(e, now));
    }
    return List.copyOf(out);
  }

  private SecretMetadata metadata(StoreState.Entry e, Instant now) {
    AuditLog.Access a = audit.access(e.id());
    Instant last = e.lastAccessedBase();
    if (a.last != null && (last == null || a.last.isAfter(last))) {
      last = a.last;
    }
    boolean expired = e.expiresAt() != null && !now.isBefore(e.expiresAt());
    boolean rotationDue = !e.lastRotated().plus(e.rotationInterval()).isAfter(now);
    return new SecretMetadata(SecretId.parse("secret_id", e.id()), e.service(), e.type(), e.createdAt(), e.lastRotated(),
        last, e.accessCountBase() + a.count, e.expiresAt(), e.rotationInterval(), e.version(), e.encryptionVersion(),
        expired, rotationDue);
  }

  /** Metadata of one secret (no audit line, no value). */
  public SecretMetadata metadata(SecretId id) {
    StoreState.Entry e = entry(state(), id);
    audit.refresh();
    return metadata(e, clock.instant());
  }

  private static StoreState.Entry entry(StoreState s, SecretId id) {
    Objects.requireNonNull(id, "id");
    StoreState.Entry e = s.entries.get(id.value());
    if (e == null) {
      throw new SecretNotFoundException(id);
    }
    return e;
  }

  public VaultStatistics statistics() {
    StoreState s = state();
    audit.refresh();
    Instant now = clock.instant();
    int expired = 0;
    int rotation = 0;
    long accesses = 0;
    Map<String, Integer> services = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>(Map.of("v1", 0, "v2", 0, "v3", 0));
    Map<String, Integer> types = new TreeMap<>();
    for (StoreState.Entry e : s.entries.values()) {
      SecretMetadata m = metadata(e, now);
      expired += m.expired() ? 1 : 0;
      rotation += m.rotationDue() ? 1 : 0;
      accesses += m.accessCount();
      services.merge(m.service(), 1, Integer::sum);
      versions.merge("v" + m.encryptionVersion(), 1, Integer::sum);
      types.merge(m.secretType().wireName(), 1, Integer::sum);
    }
    return new VaultStatistics(s.entries.size(), expired, rotation, services, accesses, versions, types);
  }

  public EncryptionInfo encryptionInfo(SecretId id) {
    StoreState.Entry e = entry(state(), id);
    if (e.blobProblemOrNull() != null) {
      throw new VaultCryptoException(e.blobProblemOrNull());
    }
    return switch (e.encryptionVersion()) {
      case 3 -> new EncryptionInfo(id, "AES-256-GCM envelope (v3)", 3, false,
          "HKDF-SHA256 per-secret key from the data key; data key wrapped with " + Keyring.describe(dir).kdf());
      case 2 -> new EncryptionInfo(id, "AES-256-GCM PBKDF2 (v2, legacy)", 2, true,
          "PBKDF2-HMAC-SHA256 " + BlobCodec.V2_ITERATIONS + " iterations per secret (legacy master key)");
      default -> new EncryptionInfo(id, "XOR (v1, legacy, insecure)", 1, true, "none (XOR with the legacy master key)");
    };
  }

  /** Kept versions of a secret, oldest first, the current one last (metadata only). */
  public List<SecretVersion> versions(SecretId id) {
    StoreState s = state();
    StoreState.Entry e = entry(s, id);
    List<SecretVersion> out = new ArrayList<>();
    for (StoreState.OldVersion v : s.versions.getOrDefault(id.value(), List.of())) {
      out.add(new SecretVersion(v.version(), v.createdAt(), encryptionVersionOf(v.blob()), false));
    }
    out.add(new SecretVersion(e.version(), e.version() == 1 ? e.createdAt() : e.lastRotated(), e.encryptionVersion(), true));
    return List.copyOf(out);
  }

  private static int encryptionVersionOf(String blob) {
    try {
      return BlobCodec.parse(blob).encryptionVersion();
    } catch (BlobCodec.MalformedBlobException e) {
      return blob.startsWith("v3:") ? 3 : blob.startsWith("v2:") ? 2 : 1;
    }
  }

  /** The newest {@code limit} audit entries (of one secret, or all), oldest first. */
  public List<AuditEntry> audit(SecretId idOrNull, int limit) {
    ensureOpen();
    if (limit < 1 || limit > 100_000) {
      throw new SecretValidationException("limit", "must be 1 to 100000", "was " + limit);
    }
    return audit.read(idOrNull == null ? null : idOrNull.value(), limit);
  }

  public AuditVerification verifyAudit() {
    ensureOpen();
    return audit.verify();
  }

  // ---- mutations --------------------------------------------------------------------------------

  /**
   * Encrypts and stores a new secret.
   *
   * @param expiresIn null for no expiry, else positive
   * @param rotationInterval null for the default (30 days), else positive
   * @throws SecretValidationException naming the field and rule (never the value)
   */
  public SecretMetadata store(String service, SecretValue value, SecretType type, Duration expiresIn, Duration rotationInterval) {
    ensureOpen();
    Instant now = clock.instant();
    try {
      Objects.requireNonNull(type, "type");
      SecretRules.service(service);
      SecretRules.value("secret_value", type, value);
      SecretRules.positive("expires_in", expiresIn);
      SecretRules.positive("rotation_interval", rotationInterval);
    } catch (SecretValidationException e) {
      audit.append(now, null, service == null || service.length() > SecretRules.MAX_SERVICE_CHARS ? "" : service, "store", false,
          e.getMessage(), true);
      throw e;
    }
    return mutate(() -> {
      StoreState cur = StoreState.load(dir);
      SecretId id = SecretId.random();
      while (cur.blobs.containsKey(id.value()) || cur.entries.containsKey(id.value())) {
        id = SecretId.random();
      }
      String blob = cipher.seal(id.value(), 1, value.reveal());
      StoreState.Draft d = new StoreState.Draft(cur);
      ObjectNode m = StoreJson.NODES.objectNode();
      m.put("secret_id", id.value());
      m.put("service", service);
      m.put("secret_type", type.wireName());
      m.set("created_at", StoreJson.epoch(now));
      m.set("last_rotated", StoreJson.epoch(now));
      m.putNull("last_accessed");
      m.put("access_count", 0);
      if (expiresIn == null) {
        m.putNull("expires_at");
      } else {
        m.set("expires_at", StoreJson.epoch(now.plus(expiresIn)));
      }
      m.set("rotation_interval", StoreJson.seconds(rotationInterval == null ? StoreState.DEFAULT_ROTATION_INTERVAL : rotationInterval));
      m.put("is_encrypted", true);
      m.put("version", 1);
      d.blobs.put(id.value(), blob);
      d.metadata.put(id.value(), m);
      d.blobsChanged = true;
      d.metadataChanged = true;
      d.write(dir, false);
      StoreState next = StoreState.of(dir, d);
      audit.append(now, id.value(), service, "store", true, null, true);
      return new Result<>(next, metadata(next.entries.get(id.value()), now));
    });
  }

  /** Replaces the value; the previous version is kept (up to {@code maxVersions} in total). */
  public SecretMetadata rotate(SecretId id, SecretValue newValue) {
    ensureOpen();
    Objects.requireNonNull(id, "id");
    Instant now = clock.instant();
    return mutate(() -> {
      StoreState cur = StoreState.load(dir);
      StoreState.Entry e = cur.entries.get(id.value());
      if (e == null) {
        audit.append(now, id.value(), "unknown", "rotate", false, "not_found", true);
        throw new SecretNotFoundException(id);
      }
      try {
        SecretRules.value("new_value", e.type(), newValue);
      } catch (SecretValidationException ex) {
        audit.append(now, id.value(), e.service(), "rotate", false, ex.getMessage(), true);
        throw ex;
      }
      int nextVersion = e.version() + 1;
      String blob = cipher.seal(id.value(), nextVersion, newValue.reveal());
      StoreState.Draft d = new StoreState.Draft(cur);
      List<StoreState.OldVersion> kept = new ArrayList<>(cur.versions.getOrDefault(id.value(), List.of()));
      if (e.blob() != null) {
        kept.add(new StoreState.OldVersion(e.version(), e.version() == 1 ? e.createdAt() : e.lastRotated(), e.blob()));
      }
      while (kept.size() > config.maxVersions() - 1) {
        kept.remove(0);
      }
      d.versions.put(id.value(), List.copyOf(kept));
      d.versionsChanged = true;
      d.blobs.put(id.value(), blob);
      d.blobsChanged = true;
      ObjectNode m = d.metadata.get(id.value());
      m.set("last_rotated", StoreJson.epoch(now));
      m.put("version", nextVersion);
      d.metadataChanged = true;
      d.write(dir, false);
      StoreState next = StoreState.of(dir, d);
      audit.append(now, id.value(), e.service(), "rotate", true, null, true);
      return new Result<>(next, metadata(next.entries.get(id.value()), now));
    });
  }

  /** Removes the secret and all its kept versions. */
  public void delete(SecretId id) {
    ensureOpen();
    Objects.requireNonNull(id, "id");
    Instant now = clock.instant();
    mutate(() -> {
      StoreState cur = StoreState.load(dir);
      StoreState.Entry e = cur.entries.get(id.value());
      if (e == null) {
        audit.append(now, id.value(), "unknown", "delete", false, "not_found", true);
        throw new SecretNotFoundException(id);
      }
      StoreState.Draft d = new StoreState.Draft(cur);
      d.metadata.remove(id.value());
      d.metadataChanged = true;
      if (d.blobs.remove(id.value()) != null) {
        d.blobsChanged = true;
      }
      if (d.versions.remove(id.value()) != null) {
        d.versionsChanged = true;
      }
      d.write(dir, true);
      StoreState next = StoreState.of(dir, d);
      audit.append(now, id.value(), e.service(), "delete", true, null, true);
      return new Result<Void>(next, null);
    });
  }

  /**
   * Re-encrypts every v1/v2 blob (current and kept versions, expired secrets too) as v3. Each new blob
   * is decrypted again and compared before anything is replaced; the original files are first copied
   * to {@code backup-<UTC time>/}. A dry run test-decrypts and reports, and changes nothing.
   */
  public MigrationReport migrate(boolean dryRun, MigrationListener listener) {
    ensureOpen();
    Objects.requireNonNull(listener, "listener");
    Instant now = clock.instant();
    if (dryRun) {
      return lock.withStoreLock(() -> migrateIn(StoreState.load(dir), true, listener, now).report);
    }
    return mutate(() -> {
      Migration mg = migrateIn(StoreState.load(dir), false, listener, now);
      return new Result<>(mg.next, mg.report);
    });
  }

  private record Migration(StoreState next, MigrationReport report) {}

  private Migration migrateIn(StoreState cur, boolean dryRun, MigrationListener listener, Instant now) {
    StoreState.Draft d = new StoreState.Draft(cur);
    Set<String> ids = new LinkedHashSet<>(cur.entries.keySet());
    int total = ids.size();
    int migrated = 0;
    int current = 0;
    List<MigrationError> errors = new ArrayList<>();
    List<String> migratedIds = new ArrayList<>();
    int index = 0;
    for (String id : ids) {
      index++;
      StoreState.Entry e = cur.entries.get(id);
      SecretId sid = SecretId.parse("secret_id", id);
      String outcome;
      try {
        boolean changed = false;
        if (e.blobProblemOrNull() != null) {
          throw new VaultCryptoException(e.blobProblemOrNull());
        }
        if (e.encryptionVersion() != 3) {
          d.blobs.put(id, cipher.reencrypt(id, e.parsedOrNull(), e.version()));
          d.blobsChanged = true;
          changed = true;
        }
        List<StoreState.OldVersion> olds = cur.versions.getOrDefault(id, List.of());
        List<StoreState.OldVersion> newOlds = new ArrayList<>();
        for (StoreState.OldVersion v : olds) {
          BlobCodec.Parsed p = parseOrThrow(id, v.blob());
          if (p.encryptionVersion() != 3) {
            newOlds.add(new StoreState.OldVersion(v.version(), v.createdAt(), cipher.reencrypt(id, p, v.version())));
            changed = true;
          } else {
            newOlds.add(v);
          }
        }
        if (!newOlds.equals(olds)) {
          d.versions.put(id, List.copyOf(newOlds));
          d.versionsChanged = true;
        }
        if (changed) {
          migrated++;
          migratedIds.add(id);
          outcome = dryRun ? "would_migrate" : "migrated";
        } else {
          current++;
          outcome = "already_current";
        }
      } catch (VaultCryptoException ex) {
        errors.add(new MigrationError(sid, ex.getMessage()));
        outcome = "error: " + ex.getMessage();
      }
      listener.onSecret(sid, index, total, outcome);
    }
    // unreferenced legacy blobs (a reference store's leftovers): no weak blob may stay on disk
    for (Map.Entry<String, String> orphan : cur.blobs.entrySet()) {
      if (cur.entries.containsKey(orphan.getKey())) {
        continue;
      }
      try {
        BlobCodec.Parsed p = BlobCodec.parse(orphan.getValue());
        if (p.encryptionVersion() != 3) {
          d.blobs.put(orphan.getKey(), cipher.reencrypt(orphan.getKey(), p, 1));
          d.blobsChanged = true;
        }
      } catch (BlobCodec.MalformedBlobException | VaultCryptoException ex) {
        LOG.warn("unreferenced blob {} in {} could not be migrated: {}", orphan.getKey(), StoreState.SECRETS_FILE, ex.getMessage());
      }
    }
    Path backup = null;
    StoreState next = cur;
    if (!dryRun && (d.blobsChanged || d.versionsChanged)) {
      backup = backup(now);
      d.write(dir, false);
      next = StoreState.of(dir, d);
      for (int i = 0; i < migratedIds.size(); i++) {
        String id = migratedIds.get(i);
        audit.append(now, id, cur.entries.get(id).service(), "migrate", true, null, i == migratedIds.size() - 1);
      }
    }
    for (MigrationError err : errors) {
      StoreState.Entry e = cur.entries.get(err.secretId().value());
      audit.append(now, err.secretId().value(), e.service(), "migrate", false, err.reason(), false);
    }
    return new Migration(next, new MigrationReport(migrated, current, errors, total, dryRun, backup));
  }

  private BlobCodec.Parsed parseOrThrow(String id, String blob) {
    try {
      return BlobCodec.parse(blob);
    } catch (BlobCodec.MalformedBlobException ex) {
      throw new VaultCryptoException("a kept version of secret " + id + " in " + StoreState.VERSIONS_FILE + " is damaged: "
          + ex.getMessage());
    }
  }

  private Path backup(Instant now) {
    Path target = dir.resolve(BACKUP_NAME.format(now));
    for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
      target = dir.resolve(BACKUP_NAME.format(now) + "-" + n);
    }
    try {
      Files.createDirectory(target, VaultFiles.DIR_ATTR);
      for (String f : List.of(StoreState.SECRETS_FILE, StoreState.METADATA_FILE, StoreState.VERSIONS_FILE)) {
        Path src = dir.resolve(f);
        if (Files.exists(src)) {
          VaultFiles.writeAtomically(target.resolve(f), Files.readAllBytes(src));
        }
      }
      VaultFiles.fsyncDirectory(dir);
    } catch (IOException e) {
      throw new VaultStorageException("cannot back up the store to " + target + "; nothing was migrated: " + e, e);
    }
    return target;
  }

  /**
   * Re-wraps the data key under a new master password (with the configured KDF and cost); secrets are
   * not re-encrypted. Afterwards the store opens with the new password only.
   */
  public void changePassword(char[] newPassword) {
    ensureOpen();
    Objects.requireNonNull(newPassword, "newPassword");
    if (newPassword.length == 0) {
      throw new SecretValidationException("new_password", "must not be empty", "was 0 characters long");
    }
    KeySource.Password source = new KeySource.Password(newPassword);
    Instant now = clock.instant();
    lock.withStoreLock(() -> {
      Keyring.write(dir, cipher.dataKey(), source, config.kdf(), cost, now);
      audit.append(now, null, "", "change_password", true, null, true);
      return null;
    });
  }

  private record Result<T>(StoreState next, T value) {}

  /** Runs one mutation under the store lock with the generation bumped first. */
  private <T> T mutate(Supplier<Result<T>> body) {
    return lock.withStoreLock(() -> {
      long generation = lock.bumpGeneration();
      snapshot = null; // until the mutation succeeds, readers in this JVM reload from disk
      Result<T> r = body.get();
      snapshot = new Snapshot(r.next(), generation);
      return r.value();
    });
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("vault " + dir + " is closed");
    }
  }

  public Path directory() {
    return dir;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    audit.close();
    lock.release();
    cipher.destroy();
  }

  @Override
  public String toString() {
    return "Vault[" + dir + "]";
  }
}
