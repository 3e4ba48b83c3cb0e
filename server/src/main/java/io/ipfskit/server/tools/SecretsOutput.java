package io.ipfskit.server.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ipfskit.core.secrets.AuditEntry;
import io.ipfskit.core.secrets.EncryptionInfo;
import io.ipfskit.core.secrets.MigrationError;
import io.ipfskit.core.secrets.MigrationReport;
import io.ipfskit.core.secrets.SecretMetadata;
import io.ipfskit.core.secrets.SecretVersion;
import io.ipfskit.core.secrets.VaultStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The structured results of the secrets tools, serialised with snake_case names (the reference
 * system's field names). Times are ISO-8601 UTC strings, durations whole seconds. Only
 * {@link Retrieved} carries a secret value. An absent value (never accessed, no expiry) is left
 * out rather than written as null, so every property has one JSON type.
 */
final class SecretsOutput {

  private SecretsOutput() {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Secret(String secretId, String service, String secretType, String createdAt,
      String lastRotated, String lastAccessed, long accessCount, String expiresAt,
      Long rotationInterval, int version, int encryptionVersion, boolean expired, boolean rotationDue) {

    static Secret of(SecretMetadata m) {
      return new Secret(m.secretId().value(), m.service(), m.secretType().wireName(), time(m.createdAt()),
          time(m.lastRotated()), time(m.lastAccessed()), m.accessCount(), time(m.expiresAt()),
          seconds(m.rotationInterval()), m.version(), m.encryptionVersion(), m.expired(), m.rotationDue());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Retrieved(String secretId, String service, String secretType, String secretValue) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Deleted(String secretId, boolean deleted) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record SecretList(List<Secret> secrets, int totalSecrets) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record MigrationFailure(String secretId, String reason) {
    static MigrationFailure of(MigrationError e) {
      return new MigrationFailure(e.secretId() == null ? null : e.secretId().value(), e.reason());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Migration(int migrated, int alreadyCurrent, List<MigrationFailure> errors, int totalSecrets,
      boolean dryRun, String backupDirectory) {
    static Migration of(MigrationReport r) {
      return new Migration(r.migrated(), r.alreadyCurrent(),
          r.errors().stream().map(MigrationFailure::of).toList(), r.totalSecrets(), r.dryRun(),
          r.backupDirectoryOrNull() == null ? null : r.backupDirectoryOrNull().toString());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Statistics(int totalSecrets, int expiredSecrets, int secretsNeedingRotation,
      Map<String, Integer> services, long totalAccesses, Map<String, Integer> encryptionVersions,
      Map<String, Integer> secretTypes) {
    static Statistics of(VaultStatistics s) {
      Map<String, Integer> versions = new TreeMap<>(Map.of("v1", 0, "v2", 0, "v3", 0));
      s.encryptionVersions().forEach((k, v) -> versions.merge(k.startsWith("v") ? k : "v" + k, v, Integer::sum));
      return new Statistics(s.totalSecrets(), s.expiredSecrets(), s.secretsNeedingRotation(),
          new TreeMap<>(s.services()), s.totalAccesses(), versions, new TreeMap<>(s.secretTypes()));
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Encryption(String secretId, String encryptionMethod, int encryptionVersion,
      boolean needsMigration, String kdf) {
    static Encryption of(EncryptionInfo i) {
      return new Encryption(i.secretId().value(), i.encryptionMethod(), i.encryptionVersion(),
          i.needsMigration(), i.kdf());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Audit(String timestamp, String secretId, String service, String action, boolean success,
      String reason) {
    static Audit of(AuditEntry e) {
      return new Audit(time(e.timestamp()), e.secretIdOrNull(), e.service(), e.action(), e.success(),
          e.reasonOrNull());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record AuditLog(List<Audit> entries, int count) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Version(int version, String createdAt, int encryptionVersion, boolean current) {
    static Version of(SecretVersion v) {
      return new Version(v.version(), time(v.createdAt()), v.encryptionVersion(), v.current());
    }
  }

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Versions(String secretId, List<Version> versions) {}

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static Long seconds(Duration duration) {
    return duration == null ? null : duration.toSeconds();
  }
}
