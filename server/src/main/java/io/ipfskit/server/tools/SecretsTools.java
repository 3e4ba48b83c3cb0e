package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.Schema.array;
import static io.ipfskit.server.tools.ToolDef.Hint.DESTRUCTIVE;
import static io.ipfskit.server.tools.ToolDef.Hint.IDEMPOTENT;
import static io.ipfskit.server.tools.ToolDef.READ;
import static io.ipfskit.server.tools.ToolDef.hints;
import static io.ipfskit.server.tools.Schema.bool;
import static io.ipfskit.server.tools.Schema.counts;
import static io.ipfskit.server.tools.Schema.integer;
import static io.ipfskit.server.tools.Schema.optional;
import static io.ipfskit.server.tools.Schema.object;
import static io.ipfskit.server.tools.Schema.string;

import io.ipfskit.core.secrets.MigrationListener;
import io.ipfskit.core.secrets.MigrationReport;
import io.ipfskit.core.secrets.SecretExpiredException;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretMetadata;
import io.ipfskit.core.secrets.SecretNotFoundException;
import io.ipfskit.core.secrets.SecretType;
import io.ipfskit.core.secrets.SecretValidationException;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.secrets.Vault;
import io.ipfskit.core.secrets.VaultCryptoException;
import io.ipfskit.core.secrets.VaultException;
import io.ipfskit.core.secrets.VaultStatistics;
import io.ipfskit.server.tools.SecretsOutput.AuditLog;
import io.ipfskit.server.tools.SecretsOutput.Deleted;
import io.ipfskit.server.tools.SecretsOutput.Encryption;
import io.ipfskit.server.tools.SecretsOutput.Migration;
import io.ipfskit.server.tools.SecretsOutput.Retrieved;
import io.ipfskit.server.tools.SecretsOutput.Secret;
import io.ipfskit.server.tools.SecretsOutput.SecretList;
import io.ipfskit.server.tools.SecretsOutput.Statistics;
import io.ipfskit.server.tools.SecretsOutput.Versions;
import io.ipfskit.server.tools.ToolInput.Arguments;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code secrets_*} MCP tools: thin adapters that check arguments ({@link ToolInput}), turn
 * them into vault types, make one vault call and shape the result. Every expected failure becomes
 * an {@code isError} result naming the argument or secret id; a rejected value is never repeated.
 *
 * <p>Annotations: {@code secrets_retrieve} is deliberately not marked read-only. It changes no
 * secret, but it updates the secret's access statistics and, above all, discloses the value, so a
 * host that auto-approves read-only tools should still ask. Audit entries written by any tool are
 * bookkeeping and do not count as modification (list, statistics, encryption_info, audit and
 * versions are read-only).
 */
public final class SecretsTools implements ToolSet {

  private static final Logger log = LoggerFactory.getLogger(SecretsTools.class);

  /** 100 years: far beyond any sensible expiry, small enough for every Instant computation. */
  static final long MAX_DURATION_SECONDS = 100L * 365 * 24 * 3600;
  /** Certificates and private keys fit easily; anything larger is not a secret but a file. */
  static final int MAX_SECRET_CHARS = 65_536;
  static final int MAX_SERVICE_CHARS = 128;
  static final int MAX_AUDIT_LIMIT = 1000;

  private static final String ID_RULE = "16 lowercase hexadecimal characters (the id secrets_store returned)";
  private static final List<String> TYPES = Arrays.stream(SecretType.values()).map(SecretType::wireName).toList();

  private static final Param SECRET_ID = Param.string("secret_id",
          "Id of the secret: 16 lowercase hex characters, as returned by secrets_store or secrets_list")
      .required().pattern("[0-9a-f]{16}", ID_RULE);
  private static final Param SERVICE = Param.string("service",
          "Service the secret belongs to, e.g. 'github' or 's3-backup'")
      .required().length(1, MAX_SERVICE_CHARS);
  private static final Param SECRET_VALUE = Param.string("secret_value",
          "The secret itself. Rules by type: api_key 10-256 characters (AWS AKIA keys exactly 20),"
              + " token 10-2048, connection_string must contain '://', '=' or '@', others non-empty")
      .required().length(1, MAX_SECRET_CHARS);
  private static final Param SECRET_TYPE = Param.string("secret_type", "Kind of secret; decides the validation rules")
      .oneOf(TYPES).defaultValue(SecretType.API_KEY.wireName());
  private static final Param EXPIRES_IN = Param.integer("expires_in",
          "Seconds until the secret expires and can no longer be retrieved; omit for no expiry")
      .range(1, MAX_DURATION_SECONDS);
  private static final Param ROTATION_INTERVAL = Param.integer("rotation_interval",
          "Seconds after which the secret is reported as due for rotation; omit for the default (30 days)")
      .range(1, MAX_DURATION_SECONDS);
  private static final Param NEW_VALUE = Param.string("new_value",
          "The replacement value; same rules as secret_value for the secret's type")
      .required().length(1, MAX_SECRET_CHARS);
  private static final Param DRY_RUN = Param.bool("dry_run", "Only report what would be migrated; change nothing")
      .defaultValue(false);
  private static final Param AUDIT_SECRET_ID = Param.string("secret_id",
          "Only entries for this secret id (16 lowercase hex characters); omit for all secrets")
      .pattern("[0-9a-f]{16}", ID_RULE);
  private static final Param LIMIT = Param.integer("limit", "Most recent entries to return")
      .range(1, MAX_AUDIT_LIMIT).defaultValue(50);

  private static final Map<String, Object> SECRET_SCHEMA = object(
      "secret_id", string("Id of the secret (16 hex characters)"),
      "service", string("Service the secret belongs to"),
      "secret_type", string("api_key, password, token, certificate, private_key or connection_string"),
      "created_at", string("When the secret was first stored (ISO-8601 UTC)"),
      "last_rotated", optional(string("When the value last changed (ISO-8601 UTC)")),
      "last_accessed", optional(string("When the value was last retrieved (absent if never)")),
      "access_count", integer("How often the value was retrieved"),
      "expires_at", optional(string("When the secret expires (absent for never)")),
      "rotation_interval", optional(integer("Seconds between rotations (absent when unset)")),
      "version", integer("Current version number; each rotation adds one"),
      "encryption_version", integer("Format of the stored blob: 1 legacy XOR, 2 legacy AES-GCM, 3 current envelope"),
      "expired", bool("Whether the secret has expired"),
      "rotation_due", bool("Whether last_rotated + rotation_interval has passed"));

  private final Supplier<Vault> vault;
  private final String keySource;
  private final java.util.function.BooleanSupplier vaultUnlocked;

  /** @param vault gives the (lazily unlocked) vault; called on each tool call, never at build time */
  public SecretsTools(Supplier<Vault> vault) {
    this(vault, "IPFS_KIT_MASTER_PASSWORD or IPFS_KIT_MASTER_PASSWORD_FILE (or the key file)");
  }

  /**
   * @param keySource what unlocks the vault, named in unlock failures: the variable actually used
   *     (see {@code KitHome#vaultKeySource()}), never a password
   */
  public SecretsTools(Supplier<Vault> vault, String keySource) {
    this(vault, keySource, () -> false);
  }

  /**
   * @param vaultUnlocked whether {@code vault} answers at once (the vault is open); while false every
   *     call may wait for the unlock and so never runs on the stdio reading thread
   */
  public SecretsTools(Supplier<Vault> vault, String keySource, java.util.function.BooleanSupplier vaultUnlocked) {
    this.vault = vault;
    this.keySource = java.util.Objects.requireNonNull(keySource, "keySource");
    this.vaultUnlocked = java.util.Objects.requireNonNull(vaultUnlocked, "vaultUnlocked");
  }

  /**
   * The calls that read the open vault's memory and at most append an audit line: quick once the
   * vault is unlocked. Not here: store, rotate and delete (they fsync several files), migrate
   * (rewrites the store) and audit (reads and verifies the whole audit log).
   */
  static final Set<String> QUICK = Set.of("secrets_retrieve", "secrets_list", "secrets_statistics",
      "secrets_encryption_info", "secrets_versions");

  @Override
  public boolean runsInline(String toolName) {
    return QUICK.contains(toolName) && vaultUnlocked.getAsBoolean();
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return List.of(store(), retrieve(), rotate(), delete(), list(), migrate(), statistics(),
        encryptionInfo(), audit(), versions());
  }

  private SyncToolSpecification store() {
    ToolInput input = ToolInput.of("secrets_store", SERVICE, SECRET_VALUE, SECRET_TYPE, EXPIRES_IN, ROTATION_INTERVAL);
    return spec("secrets_store", "Store a secret",
        "Encrypts and stores a new secret for a service and returns its metadata, including the"
            + " secret_id needed by every other secrets tool. The value is never returned by this tool.",
        input, SECRET_SCHEMA, hints(), args -> {
          SecretType type = SecretType.parse("secret_type", args.string("secret_type"));
          SecretMetadata stored = vault.get().store(args.string("service"), SecretValue.of(args.string("secret_value")),
              type, args.optionalInteger("expires_in").map(Duration::ofSeconds).orElse(null),
              args.optionalInteger("rotation_interval").map(Duration::ofSeconds).orElse(null));
          return ToolResults.success(Secret.of(stored), "Stored " + type.wireName() + " secret "
              + stored.secretId().value() + " for service '" + stored.service() + "'"
              + (stored.expiresAt() == null ? " (no expiry)." : " (expires " + stored.expiresAt() + ")."));
        });
  }

  private SyncToolSpecification retrieve() {
    ToolInput input = ToolInput.of("secrets_retrieve", SECRET_ID);
    return spec("secrets_retrieve", "Retrieve a secret value",
        "Decrypts and returns the current value of a secret. Fails for unknown or expired secrets."
            + " Each call is recorded in the audit log and the secret's access statistics.",
        input, object(
            "secret_id", string("Id of the secret"),
            "service", string("Service the secret belongs to"),
            "secret_type", string("Kind of secret"),
            "secret_value", string("The decrypted value")),
        hints(IDEMPOTENT), args -> {
          SecretId id = SecretId.parse("secret_id", args.string("secret_id"));
          Vault v = vault.get();
          SecretValue value = v.retrieve(id);
          SecretMetadata meta = v.metadata(id); // no audit line; the retrieve above wrote one
          return ToolResults.success(
              new Retrieved(id.value(), meta.service(), meta.secretType().wireName(), value.reveal()),
              "Secret " + id.value() + " (" + meta.secretType().wireName() + " for '" + meta.service() + "'): "
                  + value.reveal());
        });
  }

  private SyncToolSpecification rotate() {
    ToolInput input = ToolInput.of("secrets_rotate", SECRET_ID, NEW_VALUE);
    return spec("secrets_rotate", "Rotate a secret",
        "Replaces the value of a secret with new_value. The previous value is kept as an older"
            + " version (see secrets_versions); retrieve returns the new one.",
        input, SECRET_SCHEMA, hints(DESTRUCTIVE), args -> {
          SecretId id = SecretId.parse("secret_id", args.string("secret_id"));
          SecretMetadata rotated = vault.get().rotate(id, SecretValue.of(args.string("new_value")));
          return ToolResults.success(Secret.of(rotated),
              "Rotated secret " + id.value() + "; it is now at version " + rotated.version() + ".");
        });
  }

  private SyncToolSpecification delete() {
    ToolInput input = ToolInput.of("secrets_delete", SECRET_ID);
    return spec("secrets_delete", "Delete a secret",
        "Deletes a secret and all its versions. This cannot be undone.",
        input, object("secret_id", string("Id of the deleted secret"), "deleted", bool("Always true on success")),
        hints(DESTRUCTIVE, IDEMPOTENT), args -> {
          SecretId id = SecretId.parse("secret_id", args.string("secret_id"));
          vault.get().delete(id);
          return ToolResults.success(new Deleted(id.value(), true), "Deleted secret " + id.value() + ".");
        });
  }

  private SyncToolSpecification list() {
    ToolInput input = ToolInput.of("secrets_list");
    return spec("secrets_list", "List secrets",
        "Lists the metadata of every stored secret (ids, services, types, dates, versions). Never returns values.",
        input, object("secrets", array(SECRET_SCHEMA, "Metadata of every secret"),
            "total_secrets", integer("Number of secrets")),
        READ, args -> {
          List<Secret> secrets = vault.get().list().stream().map(Secret::of).toList();
          return ToolResults.success(new SecretList(secrets, secrets.size()),
              secrets.size() + " secret(s): " + String.join(", ",
                  secrets.stream().map(s -> s.secretId() + " (" + s.service() + ", " + s.secretType() + ")").toList()));
        });
  }

  private SyncToolSpecification migrate() {
    ToolInput input = ToolInput.of("secrets_migrate", DRY_RUN);
    Map<String, Object> errorSchema = object("secret_id", optional(string("Secret that failed")),
        "reason", string("Why it failed"));
    return spec("secrets_migrate", "Migrate secrets to the current format",
        "Re-encrypts every secret still in a legacy format (v1 XOR, v2 AES-GCM) into the current"
            + " v3 envelope format, verifying each by decrypting it again and keeping a backup of the"
            + " original files. With dry_run=true it only reports what it would do.",
        input, object(
            "migrated", integer("Secrets converted (or, in a dry run, that would be)"),
            "already_current", integer("Secrets already in the current format"),
            "errors", array(errorSchema, "Secrets that could not be migrated, left untouched"),
            "total_secrets", integer("Secrets in the store"),
            "dry_run", bool("Whether this was a dry run"),
            "backup_directory", optional(string("Where the original files were copied (absent when none)"))),
        hints(DESTRUCTIVE, IDEMPOTENT), args -> {
          boolean dryRun = args.bool("dry_run");
          MigrationReport report = vault.get().migrate(dryRun, MigrationListener.NONE);
          return ToolResults.success(Migration.of(report), (dryRun ? "Dry run: " : "") + report.migrated()
              + " migrated, " + report.alreadyCurrent() + " already current, " + report.errors().size()
              + " error(s), " + report.totalSecrets() + " total.");
        });
  }

  private SyncToolSpecification statistics() {
    ToolInput input = ToolInput.of("secrets_statistics");
    return spec("secrets_statistics", "Vault statistics",
        "Counts secrets: total, expired, due for rotation, per service, per type and per encryption"
            + " format version, and the total number of retrievals. Never returns values.",
        input, object(
            "total_secrets", integer("Number of secrets"),
            "expired_secrets", integer("Secrets past their expiry"),
            "secrets_needing_rotation", integer("Secrets due for rotation"),
            "services", counts("Secrets per service"),
            "total_accesses", integer("Retrievals of all secrets"),
            "encryption_versions", counts("Secrets per blob format: v1, v2 (legacy) and v3 (current)"),
            "secret_types", counts("Secrets per type")),
        READ, args -> {
          VaultStatistics stats = vault.get().statistics();
          return ToolResults.success(Statistics.of(stats), stats.totalSecrets() + " secret(s), "
              + stats.expiredSecrets() + " expired, " + stats.secretsNeedingRotation() + " due for rotation.");
        });
  }

  private SyncToolSpecification encryptionInfo() {
    ToolInput input = ToolInput.of("secrets_encryption_info", SECRET_ID);
    return spec("secrets_encryption_info", "Encryption details of a secret",
        "Tells how a secret is encrypted: method, format version, whether secrets_migrate would"
            + " convert it, and the key-derivation function protecting the vault key.",
        input, object(
            "secret_id", string("Id of the secret"),
            "encryption_method", string("Cipher and construction"),
            "encryption_version", integer("1 legacy XOR, 2 legacy AES-GCM, 3 current envelope"),
            "needs_migration", bool("Whether secrets_migrate would re-encrypt it"),
            "kdf", string("Key-derivation function and parameters")),
        READ, args -> {
          SecretId id = SecretId.parse("secret_id", args.string("secret_id"));
          Encryption info = Encryption.of(vault.get().encryptionInfo(id));
          // encryptionMethod already names the version, e.g. "AES-256-GCM envelope (v3)".
          return ToolResults.success(info, "Secret " + id.value() + ": " + info.encryptionMethod()
              + (info.needsMigration() ? ", needs migration." : ", current."));
        });
  }

  private SyncToolSpecification audit() {
    ToolInput input = ToolInput.of("secrets_audit", AUDIT_SECRET_ID, LIMIT);
    Map<String, Object> entrySchema = object(
        "timestamp", string("When (ISO-8601 UTC)"),
        "secret_id", optional(string("Secret concerned (absent for store-wide actions)")),
        "service", optional(string("Service of the secret, when known")),
        "action", string("store, retrieve, rotate, delete, migrate, list, ..."),
        "success", bool("Whether the action succeeded"),
        "reason", optional(string("Why it failed (absent when none)")));
    return spec("secrets_audit", "Read the audit log",
        "Returns the most recent audit log entries (who did what to which secret, and whether it"
            + " worked), optionally for one secret. Entries never contain values.",
        input, object("entries", array(entrySchema, "Entries, oldest first"), "count", integer("Number of entries")),
        READ, args -> {
          SecretId id = args.optionalString("secret_id").map(s -> SecretId.parse("secret_id", s)).orElse(null);
          List<SecretsOutput.Audit> entries = vault.get().audit(id, (int) args.integer("limit")).stream()
              .map(SecretsOutput.Audit::of).toList();
          return ToolResults.success(new AuditLog(entries, entries.size()),
              entries.size() + " audit entr" + (entries.size() == 1 ? "y" : "ies")
                  + (id == null ? "." : " for secret " + id.value() + "."));
        });
  }

  private SyncToolSpecification versions() {
    ToolInput input = ToolInput.of("secrets_versions", SECRET_ID);
    return spec("secrets_versions", "List the versions of a secret",
        "Lists the stored versions of a secret (each rotation adds one; old ones are pruned"
            + " beyond the configured maximum). Never returns values.",
        input, object("secret_id", string("Id of the secret"), "versions", array(object(
            "version", integer("Version number"),
            "created_at", optional(string("When this version was written (ISO-8601 UTC)")),
            "encryption_version", integer("Blob format of this version"),
            "current", bool("Whether this is the value retrieve returns")), "Versions, oldest first")),
        READ, args -> {
          SecretId id = SecretId.parse("secret_id", args.string("secret_id"));
          List<SecretsOutput.Version> versions = vault.get().versions(id).stream().map(SecretsOutput.Version::of).toList();
          return ToolResults.success(new Versions(id.value(), versions),
              "Secret " + id.value() + " has " + versions.size() + " stored version(s).");
        });
  }

  private SyncToolSpecification spec(String name, String title, String description, ToolInput input,
      Map<String, Object> outputSchema, Set<ToolDef.Hint> hints, Function<Arguments, CallToolResult> body) {
    return new ToolDef(name, title, description, input.schema(), outputSchema, hints,
        args -> call(name, input, body, args, keySource)).specification();
  }

  /** Runs one call; every failure becomes an isError result, nothing escapes to the SDK. */
  static CallToolResult call(String name, ToolInput input, Function<Arguments, CallToolResult> body,
      Map<String, Object> rawArguments, String keySource) {
    try {
      return body.apply(input.parse(rawArguments));
    } catch (InvalidArgumentException e) {
      return ToolResults.error("Invalid arguments for " + name + ": " + e.getMessage());
    } catch (SecretValidationException e) {
      return ToolResults.error("Invalid arguments for " + name + ": " + e.getMessage());
    } catch (SecretNotFoundException e) {
      return ToolResults.error("No secret with secret_id " + e.secretId().value()
          + " exists; call secrets_list to see the stored ids.");
    } catch (SecretExpiredException e) {
      return ToolResults.error("Secret " + e.secretId().value() + " expired at " + e.expiredAt()
          + "; expired secrets are not returned. Store a fresh value with secrets_store.");
    } catch (VaultCryptoException e) {
      log.warn("{}: vault crypto failure: {}", name, e.getMessage());
      return ToolResults.error("The vault could not decrypt: " + e.getMessage()
          + ". Check that " + keySource + " holds the password (or key) the store was created with.");
    } catch (VaultException e) {
      log.warn("{}: vault failure: {}", name, e.getMessage());
      return ToolResults.error(name + " failed: " + e.getMessage());
    } catch (RuntimeException e) {
      // Unexpected: log the class and stack (our messages never hold values), tell the model little.
      log.error("{}: unexpected failure", name, e);
      return ToolResults.error(name + " failed with an internal error (" + e.getClass().getSimpleName()
          + "); the server log has the details.");
    }
  }
}
