package io.ipfskit.core.secrets;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An immutable snapshot of the three store files.
 *
 * <ul>
 *   <li>{@code secrets.enc.json} (reference): {@code {secret_id: blob}} — the current blob of each secret.
 *   <li>{@code metadata.json} (reference fields, float epoch seconds) plus our {@code version}; unknown
 *       fields written by other tools are kept as they are.
 *   <li>{@code versions.enc.json} (ours): {@code {secret_id: [{version, created_at, blob}]}}, the kept
 *       previous versions, oldest first. A reference store simply has none.
 * </ul>
 *
 * A secret exists when it has a metadata entry. Writers replace secrets before metadata on store and
 * rotate, and metadata before secrets on delete, so a crash between two renames leaves at most an
 * unreferenced blob (ignored), never metadata pointing at a missing or older blob. A v3 blob carries
 * its version, so a rotate cut short between the two renames still decrypts.
 */
final class StoreState {
  static final String SECRETS_FILE = "secrets.enc.json";
  static final String METADATA_FILE = "metadata.json";
  static final String VERSIONS_FILE = "versions.enc.json";
  static final Duration DEFAULT_ROTATION_INTERVAL = Duration.ofSeconds(2_592_000);

  /** A kept previous version. */
  record OldVersion(int version, Instant createdAt, String blob) {}

  /** One secret as stored: metadata fields parsed once, plus its current blob. */
  record Entry(
      String id,
      ObjectNode rawMetadata,
      String service,
      SecretType type,
      Instant createdAt,
      Instant lastRotated,
      Instant lastAccessedBase,
      long accessCountBase,
      Instant expiresAt,
      Duration rotationInterval,
      int version,
      String blob,
      BlobCodec.Parsed parsedOrNull,
      String blobProblemOrNull) {

    int encryptionVersion() {
      if (parsedOrNull != null) {
        return parsedOrNull.encryptionVersion();
      }
      return blob != null && blob.startsWith("v3:") ? 3 : blob != null && blob.startsWith("v2:") ? 2 : 1;
    }
  }

  final Map<String, Entry> entries;          // secret id → entry, metadata.json order
  final Map<String, String> blobs;           // every blob of secrets.enc.json (orphans included)
  final Map<String, List<OldVersion>> versions;
  final Map<String, ObjectNode> rawMetadata; // every metadata entry as read

  private StoreState(Map<String, Entry> entries, Map<String, String> blobs, Map<String, List<OldVersion>> versions,
      Map<String, ObjectNode> rawMetadata) {
    this.entries = Collections.unmodifiableMap(entries);
    this.blobs = Collections.unmodifiableMap(blobs);
    this.versions = Collections.unmodifiableMap(versions);
    this.rawMetadata = Collections.unmodifiableMap(rawMetadata);
  }

  static StoreState load(Path dir) {
    Map<String, String> blobs = new LinkedHashMap<>();
    Path secretsFile = dir.resolve(SECRETS_FILE);
    byte[] sb = VaultFiles.readOrNull(secretsFile);
    if (sb != null) {
      for (Map.Entry<String, JsonNode> e : StoreJson.parseObject(secretsFile, sb).properties()) {
        if (!e.getValue().isString()) {
          throw new VaultCryptoException(secretsFile + ": the blob of secret " + e.getKey() + " must be a string, but is a "
              + e.getValue().getNodeType());
        }
        blobs.put(e.getKey(), e.getValue().stringValue());
      }
    }

    Map<String, List<OldVersion>> versions = new LinkedHashMap<>();
    Path versionsFile = dir.resolve(VERSIONS_FILE);
    byte[] vb = VaultFiles.readOrNull(versionsFile);
    if (vb != null) {
      for (Map.Entry<String, JsonNode> e : StoreJson.parseObject(versionsFile, vb).properties()) {
        List<OldVersion> list = new ArrayList<>();
        if (!e.getValue().isArray()) {
          throw new VaultCryptoException(versionsFile + ": entry " + e.getKey() + " must be an array");
        }
        for (JsonNode v : e.getValue()) {
          JsonNode ver = v.get("version");
          JsonNode at = v.get("created_at");
          JsonNode blob = v.get("blob");
          if (ver == null || !ver.isIntegralNumber() || at == null || !at.isNumber() || blob == null || !blob.isString()) {
            throw new VaultCryptoException(versionsFile + ": a version of secret " + e.getKey()
                + " lacks version, created_at or blob");
          }
          list.add(new OldVersion(ver.intValue(), StoreJson.instant(at), blob.stringValue()));
        }
        versions.put(e.getKey(), List.copyOf(list));
      }
    }

    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, ObjectNode> raw = new LinkedHashMap<>();
    Path metadataFile = dir.resolve(METADATA_FILE);
    byte[] mb = VaultFiles.readOrNull(metadataFile);
    if (mb != null) {
      for (Map.Entry<String, JsonNode> e : StoreJson.parseObject(metadataFile, mb).properties()) {
        if (!e.getValue().isObject()) {
          throw new VaultStorageException(metadataFile + ": entry " + e.getKey() + " must be a JSON object");
        }
        ObjectNode node = (ObjectNode) e.getValue();
        raw.put(e.getKey(), node);
        entries.put(e.getKey(), parseEntry(metadataFile, e.getKey(), node, blobs.get(e.getKey())));
      }
    }
    return new StoreState(entries, blobs, versions, raw);
  }

  /** The state a draft describes once written (no file I/O). */
  static StoreState of(Path dir, Draft d) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    Path metadataFile = dir.resolve(METADATA_FILE);
    d.metadata.forEach((k, v) -> entries.put(k, parseEntry(metadataFile, k, v, d.blobs.get(k))));
    return new StoreState(entries, new LinkedHashMap<>(d.blobs), new LinkedHashMap<>(d.versions),
        new LinkedHashMap<>(d.metadata));
  }

  private static Entry parseEntry(Path file, String key, ObjectNode m, String blob) {
    try {
      SecretId.parse("secret_id", key);
    } catch (SecretValidationException e) {
      throw new VaultStorageException(file + ": key '" + key + "' is not a secret id: " + e.getMessage());
    }
    String service = requiredString(file, key, m, "service");
    SecretType type;
    try {
      type = SecretType.parse("secret_type", requiredString(file, key, m, "secret_type"));
    } catch (SecretValidationException e) {
      throw new VaultStorageException(file + ": secret " + key + ": " + e.getMessage());
    }
    Instant created = requiredTime(file, key, m, "created_at");
    Instant rotated = optionalTime(file, key, m, "last_rotated");
    Instant accessed = optionalTime(file, key, m, "last_accessed");
    Instant expires = optionalTime(file, key, m, "expires_at");
    JsonNode ac = m.get("access_count");
    long accessCount = ac == null || ac.isNull() ? 0 : ac.isNumber() ? ac.longValue() : fail(file, key, "access_count", "a number");
    JsonNode ri = m.get("rotation_interval");
    Duration rotation;
    if (ri == null || ri.isNull()) {
      rotation = DEFAULT_ROTATION_INTERVAL;
    } else if (ri.isNumber() && ri.decimalValue().signum() > 0) {
      try {
        rotation = StoreJson.duration(ri);
      } catch (ArithmeticException ex) {
        rotation = fail(file, key, "rotation_interval", "a positive number of seconds below 292 years");
      }
    } else {
      rotation = fail(file, key, "rotation_interval", "a positive number of seconds");
    }
    BlobCodec.Parsed parsed = null;
    String problem = null;
    if (blob == null) {
      problem = "secret " + key + " has metadata but no blob in " + SECRETS_FILE;
    } else {
      try {
        parsed = BlobCodec.parse(blob);
      } catch (BlobCodec.MalformedBlobException ex) {
        problem = "the blob of secret " + key + " in " + SECRETS_FILE + " is damaged: " + ex.getMessage();
      }
    }
    int version;
    if (parsed instanceof BlobCodec.V3 v3) {
      version = v3.version();
    } else {
      JsonNode vn = m.get("version");
      version = vn == null || vn.isNull() ? 1 : vn.isIntegralNumber() && vn.intValue() >= 1 ? vn.intValue()
          : fail(file, key, "version", "an integer >= 1");
    }
    return new Entry(key, m, service, type, created, rotated == null ? created : rotated, accessed, accessCount, expires,
        rotation, version, blob, parsed, problem);
  }

  private static <T> T fail(Path file, String key, String field, String rule) {
    throw new VaultStorageException(file + ": secret " + key + ": field " + field + " must be " + rule);
  }

  private static String requiredString(Path file, String key, ObjectNode m, String field) {
    JsonNode n = m.get(field);
    if (n == null || !n.isString()) {
      return fail(file, key, field, "a string");
    }
    return n.stringValue();
  }

  private static Instant requiredTime(Path file, String key, ObjectNode m, String field) {
    Instant t = optionalTime(file, key, m, field);
    return t != null ? t : fail(file, key, field, "a number of epoch seconds");
  }

  private static Instant optionalTime(Path file, String key, ObjectNode m, String field) {
    JsonNode n = m.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isNumber()) {
      return fail(file, key, field, "a number of epoch seconds or null");
    }
    try {
      return StoreJson.instant(n);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return fail(file, key, field, "a number of epoch seconds in range");
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  /** A mutable copy used by one mutation under the store lock. */
  static final class Draft {
    final Map<String, String> blobs;
    final Map<String, ObjectNode> metadata;
    final Map<String, List<OldVersion>> versions;
    boolean blobsChanged;
    boolean metadataChanged;
    boolean versionsChanged;

    Draft(StoreState s) {
      blobs = new LinkedHashMap<>(s.blobs);
      metadata = new LinkedHashMap<>();
      s.rawMetadata.forEach((k, v) -> metadata.put(k, v.deepCopy()));
      versions = new LinkedHashMap<>(s.versions);
    }

    /** Writes the changed files in crash-safe order ({@code metadataFirst} for deletions). */
    void write(Path dir, boolean metadataFirst) {
      if (metadataFirst && metadataChanged) {
        VaultFiles.writeAtomically(dir.resolve(METADATA_FILE), metadataBytes());
      }
      if (versionsChanged && !metadataFirst) {
        VaultFiles.writeAtomically(dir.resolve(VERSIONS_FILE), versionsBytes());
      }
      if (blobsChanged) {
        ObjectNode root = StoreJson.NODES.objectNode();
        blobs.forEach(root::put);
        VaultFiles.writeAtomically(dir.resolve(SECRETS_FILE), StoreJson.write(root));
      }
      if (versionsChanged && metadataFirst) {
        VaultFiles.writeAtomically(dir.resolve(VERSIONS_FILE), versionsBytes());
      }
      if (!metadataFirst && metadataChanged) {
        VaultFiles.writeAtomically(dir.resolve(METADATA_FILE), metadataBytes());
      }
    }

    private byte[] metadataBytes() {
      ObjectNode root = StoreJson.NODES.objectNode();
      metadata.forEach(root::set);
      return StoreJson.write(root);
    }

    private byte[] versionsBytes() {
      ObjectNode root = StoreJson.NODES.objectNode();
      versions.forEach((id, list) -> {
        if (!list.isEmpty()) {
          ArrayNode arr = root.putArray(id);
          for (OldVersion v : list) {
            ObjectNode o = arr.addObject();
            o.put("version", v.version());
            o.set("created_at", StoreJson.epoch(v.createdAt()));
            o.put("blob", v.blob());
          }
        }
      });
      return StoreJson.write(root);
    }
  }
}
