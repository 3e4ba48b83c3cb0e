package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultLifecycleTest {
  @TempDir Path tmp;
  final TestVaults.MutableClock clock = new TestVaults.MutableClock(TestVaults.T0);

  private Vault open() {
    return Vault.open(TestVaults.keyFileConfig(tmp.resolve("secrets"), clock));
  }

  @Test
  void store_thenRetrieve_returnsValueAndRecordsMetadata() {
    try (Vault v = open()) {
      SecretMetadata m = v.store("github", SecretValue.of("ghp_0123456789abcdef"), SecretType.TOKEN, null, null);
      assertEquals("github", m.service());
      assertEquals(SecretType.TOKEN, m.secretType());
      assertEquals(TestVaults.T0, m.createdAt());
      assertEquals(TestVaults.T0, m.lastRotated());
      assertNull(m.expiresAt());
      assertEquals(Duration.ofSeconds(2_592_000), m.rotationInterval());
      assertEquals(1, m.version());
      assertEquals(3, m.encryptionVersion());
      assertEquals(0, m.accessCount());
      assertNull(m.lastAccessed());
      assertEquals("ghp_0123456789abcdef", v.retrieve(m.secretId()).reveal());
    }
  }

  @Test
  void open_firstStart_createsPrivateDirectoryAndFiles() throws Exception {
    Path dir = tmp.resolve("home/secrets");
    try (Vault v = Vault.open(TestVaults.keyFileConfig(dir, clock))) {
      v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null);
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    for (String f : List.of("master.key", "keyring.json", "secrets.enc.json", "metadata.json", "audit.log", ".lock")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))), f);
    }
    assertTrue(Files.readString(dir.resolve("master.key")).strip().matches("[0-9a-f]{64}"));
  }

  @Test
  void open_existingLooseDirectory_tightensItTo0700() throws Exception {
    Path dir = tmp.resolve("secrets");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Vault v = open()) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }
  }

  @Test
  void reopen_sameKeyFile_readsSecretsAndAccessCounts() {
    SecretId id;
    try (Vault v = open()) {
      id = v.store("s3", SecretValue.of("AKIAIOSFODNN7EXAMPLE"), SecretType.API_KEY, null, null).secretId();
      v.retrieve(id);
      clock.advance(Duration.ofSeconds(5));
      v.retrieve(id);
    }
    try (Vault v = open()) {
      SecretMetadata m = v.list().get(0);
      assertEquals(id, m.secretId());
      assertEquals(2, m.accessCount());
      assertEquals(TestVaults.T0.plusSeconds(5), m.lastAccessed());
      assertEquals("AKIAIOSFODNN7EXAMPLE", v.retrieve(id).reveal());
    }
  }

  @Test
  void retrieve_doesNotRewriteStoreFiles() throws Exception {
    Path dir = tmp.resolve("secrets");
    try (Vault v = open()) {
      SecretId id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      byte[] secrets = Files.readAllBytes(dir.resolve("secrets.enc.json"));
      byte[] meta = Files.readAllBytes(dir.resolve("metadata.json"));
      Files.setLastModifiedTime(dir.resolve("metadata.json"), FileTime.fromMillis(1000));
      Files.setLastModifiedTime(dir.resolve("secrets.enc.json"), FileTime.fromMillis(1000));
      for (int i = 0; i < 10; i++) {
        v.retrieve(id);
      }
      v.list();
      v.statistics();
      assertArrayEquals(secrets, Files.readAllBytes(dir.resolve("secrets.enc.json")));
      assertArrayEquals(meta, Files.readAllBytes(dir.resolve("metadata.json")));
      assertEquals(1000, Files.getLastModifiedTime(dir.resolve("metadata.json")).toMillis());
      assertEquals(1000, Files.getLastModifiedTime(dir.resolve("secrets.enc.json")).toMillis());
      assertEquals(10, v.metadata(id).accessCount());
    }
  }

  @Test
  void retrieve_unknownId_throwsNotFound() {
    try (Vault v = open()) {
      SecretId id = SecretId.parse("secret_id", "0123456789abcdef");
      SecretNotFoundException e = assertThrows(SecretNotFoundException.class, () -> v.retrieve(id));
      assertEquals("no secret with secret_id 0123456789abcdef exists; call list to see the stored ids", e.getMessage());
    }
  }

  @Test
  void retrieve_afterExpiry_throwsExpiredButListShowsIt() {
    try (Vault v = open()) {
      SecretId id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, Duration.ofSeconds(60), null).secretId();
      clock.advance(Duration.ofSeconds(59));
      assertEquals("password1", v.retrieve(id).reveal());
      clock.advance(Duration.ofSeconds(1));
      SecretExpiredException e = assertThrows(SecretExpiredException.class, () -> v.retrieve(id));
      assertEquals(TestVaults.T0.plusSeconds(60), e.expiredAt());
      assertTrue(v.list().get(0).expired());
      assertEquals(1, v.statistics().expiredSecrets());
    }
  }

  @Test
  void rotate_keepsPreviousVersionsUpToMax() {
    Path dir = tmp.resolve("secrets");
    VaultConfig cfg = new VaultConfig(dir, new KeySource.KeyFile(dir.resolve("master.key")), Kdf.PBKDF2_SHA256, 3, null, clock);
    try (Vault v = Vault.open(cfg)) {
      SecretId id = v.store("svc", SecretValue.of("value-1"), SecretType.PASSWORD, null, null).secretId();
      for (int i = 2; i <= 5; i++) {
        clock.advance(Duration.ofHours(1));
        SecretMetadata m = v.rotate(id, SecretValue.of("value-" + i));
        assertEquals(i, m.version());
        assertEquals(clock.instant(), m.lastRotated());
      }
      assertEquals("value-5", v.retrieve(id).reveal());
      List<SecretVersion> versions = v.versions(id);
      assertEquals(List.of(3, 4, 5), versions.stream().map(SecretVersion::version).toList());
      assertEquals(List.of(false, false, true), versions.stream().map(SecretVersion::current).toList());
      assertEquals(TestVaults.T0.plus(Duration.ofHours(2)), versions.get(0).createdAt());
    }
    try (Vault v = Vault.open(cfg)) {
      SecretId id = v.list().get(0).secretId();
      assertEquals("value-5", v.retrieve(id).reveal());
      assertEquals(3, v.versions(id).size());
    }
  }

  @Test
  void rotationDue_afterInterval_isReportedInListAndStatistics() {
    try (Vault v = open()) {
      SecretId id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, Duration.ofDays(1)).secretId();
      assertFalse(v.list().get(0).rotationDue());
      clock.advance(Duration.ofDays(1));
      assertTrue(v.list().get(0).rotationDue());
      assertEquals(1, v.statistics().secretsNeedingRotation());
      v.rotate(id, SecretValue.of("password2"));
      assertFalse(v.list().get(0).rotationDue());
    }
  }

  @Test
  void delete_removesSecretAndVersions_secondDeleteThrowsNotFound() throws Exception {
    try (Vault v = open()) {
      SecretId keep = v.store("a", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      SecretId id = v.store("b", SecretValue.of("password2"), SecretType.PASSWORD, null, null).secretId();
      v.rotate(id, SecretValue.of("password3"));
      v.delete(id);
      assertThrows(SecretNotFoundException.class, () -> v.retrieve(id));
      assertThrows(SecretNotFoundException.class, () -> v.delete(id));
      assertEquals(List.of(keep), v.list().stream().map(SecretMetadata::secretId).toList());
      assertFalse(Files.readString(tmp.resolve("secrets/secrets.enc.json")).contains(id.value()));
      assertFalse(Files.readString(tmp.resolve("secrets/versions.enc.json")).contains(id.value()));
    }
  }

  @Test
  void statistics_countsByServiceTypeAndVersion() {
    try (Vault v = open()) {
      v.store("a", SecretValue.of("password1"), SecretType.PASSWORD, null, null);
      SecretId t = v.store("a", SecretValue.of("token-0123456789"), SecretType.TOKEN, null, null).secretId();
      v.store("b", SecretValue.of("postgres://u@h/db"), SecretType.CONNECTION_STRING, null, null);
      v.retrieve(t);
      VaultStatistics s = v.statistics();
      assertEquals(3, s.totalSecrets());
      assertEquals(Map.of("a", 2, "b", 1), s.services());
      assertEquals(Map.of("v1", 0, "v2", 0, "v3", 3), s.encryptionVersions());
      assertEquals(Map.of("password", 1, "token", 1, "connection_string", 1), s.secretTypes());
      assertEquals(1, s.totalAccesses());
    }
  }

  @Test
  void encryptionInfo_v3Secret_namesEnvelopeAndKdf() {
    try (Vault v = open()) {
      SecretId id = v.store("a", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      EncryptionInfo info = v.encryptionInfo(id);
      assertEquals("AES-256-GCM envelope (v3)", info.encryptionMethod());
      assertEquals(3, info.encryptionVersion());
      assertFalse(info.needsMigration());
      assertEquals("HKDF-SHA256 per-secret key from the data key; data key wrapped with HKDF-SHA256 from a 256-bit key file",
          info.kdf());
    }
  }

  @Test
  void twoVaultsInOneJvm_seeEachOthersWrites() {
    try (Vault a = open(); Vault b = open()) {
      SecretId id = a.store("a", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      assertEquals("password1", b.retrieve(id).reveal());
      b.rotate(id, SecretValue.of("password2"));
      assertEquals("password2", a.retrieve(id).reveal());
      b.delete(id);
      assertThrows(SecretNotFoundException.class, () -> a.retrieve(id));
      assertTrue(a.verifyAudit().valid());
    }
  }

  @Test
  void retrieve_interruptedCaller_failsButVaultKeepsWorking() {
    try (Vault v = open()) {
      SecretId id = v.store("svc", SecretValue.of("password1"), SecretType.PASSWORD, null, null).secretId();
      Thread.currentThread().interrupt();
      try {
        assertThrows(VaultStorageException.class, () -> v.retrieve(id));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is restored");
      } finally {
        Thread.interrupted();
      }
      assertEquals("password1", v.retrieve(id).reveal());
      SecretId other = v.store("svc", SecretValue.of("password2"), SecretType.PASSWORD, null, null).secretId();
      assertEquals("password2", v.retrieve(other).reveal());
      assertTrue(v.verifyAudit().valid());
    }
  }
}
