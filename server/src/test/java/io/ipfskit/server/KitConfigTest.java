package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.secrets.Kdf;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.wal.FsyncMode;
import io.ipfskit.core.storage.s3.S3Config;
import io.ipfskit.core.wal.WalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KitConfigTest {

  @TempDir Path temp;

  private Path home() throws IOException {
    return Files.createDirectories(temp.resolve("home"));
  }

  private KitConfig load(Path home, Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("IPFS_KIT_HOME", home.toString());
    return KitConfig.load(all, temp);
  }

  @Test
  void load_noHomeVariable_usesDotIpfsKitUnderUserHomeAndDefaults() {
    KitConfig config = KitConfig.load(Map.of("PATH", "/bin", "HOME", "/root"), temp);
    assertEquals(temp.resolve(".ipfs_kit"), config.home());
    assertNull(config.configFileOrNull());
    assertEquals(Map.of(), config.settings().asMap());
    assertEquals(WalConfig.defaults(config.home()), config.wal());
    assertEquals(BackendsConfig.embedded(config.home()), config.backends());
    assertEquals(Kdf.PBKDF2_SHA256, config.vault().kdf());
    assertEquals(List.of(), config.warnings());
  }

  @Test
  void load_fileAndEnvironment_environmentWinsAndEachValueRemembersItsSource() throws IOException {
    Path home = home();
    Path file = home.resolve("config.properties");
    Files.writeString(file, "IPFS_KIT_KDF = argon2id\nIPFS_KIT_SECRETS_MAX_VERSIONS=3\nIPFS_KIT_WAL_FSYNC_MODE=batch\n");
    KitConfig config = load(home, Map.of("IPFS_KIT_KDF", "pbkdf2", "IPFS_KIT_WAL_MAX_RETRIES", "9"));
    assertEquals(file, config.configFileOrNull());
    assertEquals(Kdf.PBKDF2_SHA256, config.vault().kdf());
    assertEquals(3, config.vault().maxVersions());
    assertEquals(FsyncMode.BATCH, config.wal().fsyncMode());
    assertEquals(9, config.wal().maxRetries());
    assertEquals(SettingSource.environment(), config.sourceOf("IPFS_KIT_KDF"));
    assertEquals(SettingSource.file(file), config.sourceOf("IPFS_KIT_SECRETS_MAX_VERSIONS"));
    assertEquals(SettingSource.defaultValue(), config.sourceOf("IPFS_KIT_WAL_CONCURRENCY"));
  }

  @Test
  void load_relativeHome_failsNamingVariableSourceAndRule() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> KitConfig.load(Map.of("IPFS_KIT_HOME", "rel/dir"), temp));
    assertEquals("IPFS_KIT_HOME (from environment): must be an absolute path", e.getMessage());
  }

  @Test
  void load_fileWithForeignKey_failsNamingFileAndKey() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "kdf=argon2id\n");
    assertEquals(home.resolve("config.properties") + ": key 'kdf' is not an ipfs-kit setting; keys are the"
            + " IPFS_KIT_* environment variable names (see README, Configuration)",
        assertThrows(IllegalArgumentException.class, () -> load(home, Map.of())).getMessage());
  }

  @Test
  void load_fileSettingTheHome_failsNamingFile() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_HOME=/elsewhere\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("IPFS_KIT_HOME (from " + home.resolve("config.properties")
        + "): cannot be set inside the home it names; set it in the environment", e.getMessage());
  }

  @Test
  void load_typoKeyInFile_failsNamingKeyFileAndSuggestion() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_KDFF=argon2id\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("IPFS_KIT_KDFF (from " + home.resolve("config.properties") + "): unknown setting; did you mean"
        + " IPFS_KIT_KDF? (every setting is listed in README, Configuration)", e.getMessage());
  }

  @Test
  void load_typoKeyInEnvironment_failsNamingKeyEnvironmentAndSuggestion() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(home(), Map.of("IPFS_KIT_WAL_FSYNC_MOD", "always")));
    assertEquals("IPFS_KIT_WAL_FSYNC_MOD (from environment): unknown setting; did you mean IPFS_KIT_WAL_FSYNC_MODE?"
        + " (every setting is listed in README, Configuration)", e.getMessage());
  }

  @Test
  void load_unknownKeyFarFromAnyName_failsWithoutSuggestion() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load(home(), Map.of("IPFS_KIT_COLOUR", "blue")));
    assertEquals("IPFS_KIT_COLOUR (from environment): unknown setting (every setting is listed in README,"
        + " Configuration)", e.getMessage());
  }

  @Test
  void load_invalidValueInEnvironment_failsNamingKeySourceAndRuleNotValue() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(home(), Map.of("IPFS_KIT_WAL_FSYNC_MODE", "bogus")));
    assertEquals("IPFS_KIT_WAL_FSYNC_MODE (from environment): must be one of always, batch, periodic", e.getMessage());
  }

  @Test
  void load_invalidValueInFile_namesTheFile() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_WAL_PERIODIC_INTERVAL_MS=9223372036854775807\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("IPFS_KIT_WAL_PERIODIC_INTERVAL_MS (from " + home.resolve("config.properties")
        + "): must be an integer from 1 to 3600000 (milliseconds)", e.getMessage());
  }

  @Test
  void load_badValueOverriddenByEnvironment_isNotParsed() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_WAL_FSYNC_MODE=bogus\n");
    assertEquals(FsyncMode.PERIODIC, load(home, Map.of("IPFS_KIT_WAL_FSYNC_MODE", "periodic")).wal().fsyncMode());
  }

  @Test
  void load_oldWalProperties_readWithWarningAndOverriddenByConfigFileAndEnvironment() throws IOException {
    Path home = home();
    Path old = home.resolve("wal.properties");
    Files.writeString(old, "max_retries=7\nfsync_mode=batch\nretry_delay=30\nconcurrency=2\n");
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_WAL_FSYNC_MODE=periodic\n");
    KitConfig config = load(home, Map.of("IPFS_KIT_WAL_MAX_RETRIES", "9"));
    assertEquals(9, config.wal().maxRetries());
    assertEquals(FsyncMode.PERIODIC, config.wal().fsyncMode());
    assertEquals(Duration.ofSeconds(30), config.wal().retryDelay());
    assertEquals(2, config.wal().concurrencyPerBackend());
    assertEquals(SettingSource.legacyFile(old), config.sourceOf("IPFS_KIT_WAL_CONCURRENCY"));
    assertEquals(List.of(old + " is deprecated: move its keys into " + home.resolve("config.properties")
        + " as IPFS_KIT_WAL_<KEY> (e.g. fsync_mode=batch becomes IPFS_KIT_WAL_FSYNC_MODE=batch) and delete it;"
        + " config.properties and the environment override it"), config.warnings());
  }

  @Test
  void load_oldWalPropertiesUnknownKey_failsNamingTheOldFile() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("wal.properties"), "max_retry=3\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("max_retry (from " + home.resolve("wal.properties") + "): unknown key; known keys: " + WalConfig.KEYS,
        e.getMessage());
  }

  @Test
  void load_oldWalPropertiesBadValue_namesTheOldFile() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("wal.properties"), "max_retries=1000\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("IPFS_KIT_WAL_MAX_RETRIES (from " + home.resolve("wal.properties")
        + "): must be an integer from 0 to 100", e.getMessage());
  }

  @Test
  void load_masterPasswordInvalid_messageNeverShowsIt() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load(home(),
        Map.of("IPFS_KIT_MASTER_PASSWORD", "hunter2", "IPFS_KIT_MASTER_PASSWORD_FILE", "/nowhere")));
    assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void readme_configurationTables_listEveryKnownSettingWithItsDefault() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    for (Setting<?> s : KitConfig.KNOWN_SETTINGS) {
      String row = lines.stream().filter(l -> l.startsWith("| `" + s.name() + "`")).findFirst()
          .orElseThrow(() -> new AssertionError("README.md has no configuration row for " + s.name()));
      if (s.defaultText().equals("unset")) {
        assertTrue(row.contains("| unset |"), s.name() + ": " + row);
      } else if (s.defaultText().matches("[0-9a-z.]+")) {
        assertTrue(row.contains("| `" + s.defaultText() + "` |"), s.name() + " default " + s.defaultText() + ": " + row);
      }
    }
  }

  @Test
  void knownSettings_eachNameOnceWithDocAndDefault() {
    Set<String> names = new HashSet<>();
    for (Setting<?> s : KitConfig.KNOWN_SETTINGS) {
      assertTrue(names.add(s.name()), "duplicate " + s.name());
      assertTrue(s.name().startsWith(KitConfig.PREFIX), s.name());
      assertTrue(!s.doc().isBlank() && !s.rule().isBlank() && !s.defaultText().isBlank(), s.name());
    }
    // + CONTENT_MAX_BYTES, MAX_MESSAGE_BYTES, the ipfs and s3 backends', the HTTP server's and the resilience layer's settings
    assertEquals(1 + 1 + 1 + 5 + WalConfig.KEYS.size() + 2 + io.ipfskit.core.storage.ipfs.IpfsConfig.SETTINGS.size()
        + S3Config.SETTINGS.size() + io.ipfskit.core.storage.storacha.StorachaConfig.SETTINGS.size()
        + io.ipfskit.server.http.HttpConfig.SETTINGS.size()
        + io.ipfskit.core.resilience.ResilienceConfig.SETTINGS.size()
        + io.ipfskit.core.storage.HealthThresholds.SETTINGS.size()
        + io.ipfskit.core.storage.PoolConfig.SETTINGS.size()
        + io.ipfskit.core.resilience.ContentCacheConfig.SETTINGS.size()
        + io.ipfskit.core.storage.s3.HeadCacheConfig.SETTINGS.size(), names.size());
  }

  @Test
  void load_s3Bucket_configuresTheS3SectionOfTheBackends() throws IOException {
    Path home = home();
    assertEquals(null, load(home, Map.of()).backends().s3OrNull(), "no bucket: s3 off");
    KitConfig config = load(home, Map.of("IPFS_KIT_S3_BUCKET", "my-bucket", "IPFS_KIT_S3_ENDPOINT",
        "http://127.0.0.1:9000", "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "IPFS_KIT_S3_SECRET_KEY_REF",
        "0123456789abcdef"));
    S3Config s3 = config.backends().s3OrNull();
    assertEquals("my-bucket", s3.bucket());
    assertEquals("0123456789abcdef", s3.secretKeyRefOrNull().value());
    assertTrue(s3.pathStyle());
  }

  @Test
  void load_storachaSpaceAndRefs_configuresTheStorachaSectionOfTheBackends() throws IOException {
    Path home = home();
    assertEquals(null, load(home, Map.of()).backends().storachaOrNull(), "nothing set: storacha off");
    String space = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    KitConfig config = load(home, Map.of("IPFS_KIT_STORACHA_SPACE", space, "IPFS_KIT_STORACHA_KEY_REF",
        "0123456789abcdef", "IPFS_KIT_STORACHA_PROOF_REF", "fedcba9876543210", "IPFS_KIT_STORACHA_GATEWAY",
        "http://127.0.0.1:8080"));
    io.ipfskit.core.storage.storacha.StorachaConfig c = config.backends().storachaOrNull();
    assertEquals(space, c.space());
    assertEquals("fedcba9876543210", c.proofRef().value());
    assertEquals("http://127.0.0.1:8080", c.gateway().toString());
    assertEquals(home.resolve("spool/storacha"), c.spoolDirectory());
  }

  @Test
  void load_storachaSpaceWithoutRefs_startErrorNamingTheMissingKey() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load(home(), Map.of("IPFS_KIT_STORACHA_SPACE",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")));
    assertEquals("IPFS_KIT_STORACHA_KEY_REF", e.key());
  }

  @Test
  void load_allowedRootsUnset_noneAndPathArgumentsRefused() throws IOException {
    KitConfig config = load(home(), Map.of());
    assertEquals(io.ipfskit.core.files.AllowedRoots.none(), config.allowedRoots());
    assertTrue(config.allowedRoots().allowsNothing());
  }

  @Test
  void load_allowedRootsFromEnvironment_parsedAsOperatorRoots() throws IOException {
    Path a = Files.createDirectories(temp.resolve("a"));
    KitConfig config = load(home(), Map.of("IPFS_KIT_ALLOWED_ROOTS", a + ":/srv/shared/"));
    assertEquals(java.util.Optional.of(List.of(a, Path.of("/srv/shared"))), config.allowedRoots().operatorRoots());
    assertEquals(SettingSource.environment(), config.sourceOf("IPFS_KIT_ALLOWED_ROOTS"));
  }

  @Test
  void load_allowedRootsInConfigFile_read() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_ALLOWED_ROOTS=/srv/a:/srv/b\n");
    assertEquals(java.util.Optional.of(List.of(Path.of("/srv/a"), Path.of("/srv/b"))),
        load(home, Map.of()).allowedRoots().operatorRoots());
  }

  @Test
  void load_allowedRootInsideHome_configErrorNamingKeyAndSourceNotThePath() throws IOException {
    Path home = home();
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(home, Map.of("IPFS_KIT_ALLOWED_ROOTS", "/srv/ok:" + home.resolve("secrets"))));
    assertEquals("IPFS_KIT_ALLOWED_ROOTS (from environment): entry 2 of 2 lies inside IPFS_KIT_HOME, which tools may "
        + "never reach; allow a folder outside the home", e.getMessage());
  }

  @Test
  void load_allowedRootIsTheHomeThroughALink_configError() throws IOException {
    Path home = home();
    Path link = Files.createSymbolicLink(temp.resolve("link-to-home"), home);
    assertThrows(ConfigException.class, () -> load(home, Map.of("IPFS_KIT_ALLOWED_ROOTS", link.toString())));
  }

  @Test
  void load_allowedRootsBadEntry_configErrorNamingTheEntryAndSource() throws IOException {
    Path home = home();
    Path file = home.resolve("config.properties");
    Files.writeString(file, "IPFS_KIT_ALLOWED_ROOTS=/srv/a::~/docs\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(home, Map.of()));
    assertEquals("IPFS_KIT_ALLOWED_ROOTS (from " + SettingSource.file(file) + "): entry 2 of 3 is empty (two ':' in a "
        + "row, or a ':' at either end); remove it", e.getMessage());
    ConfigException relative = assertThrows(ConfigException.class,
        () -> load(home, Map.of("IPFS_KIT_ALLOWED_ROOTS", "docs")));
    assertTrue(relative.getMessage().startsWith("IPFS_KIT_ALLOWED_ROOTS (from environment): entry 1 of 1 must be an "
        + "absolute folder"), relative.getMessage());
  }

  @Test
  void load_ipfsApiUnset_backendsWithoutIpfs() throws IOException {
    assertNull(load(home(), Map.of()).backends().ipfs());
  }

  @Test
  void load_ipfsFromFileAndEnvironment_typedIpfsSection() throws IOException {
    Path home = home();
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_IPFS_API=http://127.0.0.1:5001\n");
    KitConfig config = load(home, Map.of("IPFS_KIT_IPFS_TIMEOUT", "12", "IPFS_KIT_IPFS_PIN_ON_ADD", "no"));
    assertEquals(new io.ipfskit.core.storage.ipfs.IpfsConfig(java.net.URI.create("http://127.0.0.1:5001"),
        Duration.ofSeconds(12), false), config.backends().ipfs());
    assertEquals(home.resolve("blocks"), config.backends().localBlocksDirectory());
  }

  @Test
  void load_ipfsApiWithPassword_exitTwoMessageNamesKeyAndRuleNeverTheValue() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(home(), Map.of("IPFS_KIT_IPFS_API", "http://admin:hunter2@127.0.0.1:5001")));
    assertEquals("IPFS_KIT_IPFS_API (from environment): must be an http:// or https:// URL of the node's Kubo RPC API"
        + " with a host (e.g. http://127.0.0.1:5001), without user info, query or fragment", e.getMessage());
  }

  @Test
  void load_breakerFailureRateOutOfRange_exitTwoMessageNamesKeyAndRule() throws IOException {
    ConfigException e = assertThrows(ConfigException.class,
        () -> load(home(), Map.of("IPFS_KIT_BREAKER_FAILURE_RATE", "150")));
    assertEquals("IPFS_KIT_BREAKER_FAILURE_RATE (from environment): must be an integer from 1 to 100 (percent)",
        e.getMessage());
  }

  @Test
  void load_breakerSettings_reachTheResilienceConfig() throws IOException {
    KitConfig config = load(home(), Map.of("IPFS_KIT_BREAKER_FAILURE_RATE", "30", "IPFS_KIT_BREAKER_MINIMUM_CALLS", "7"));
    assertEquals(30, config.resilience().breaker().failureRateThreshold());
    assertEquals(7, config.resilience().breaker().minimumCalls());
  }

  @Test
  void load_poolAndCacheKeys_appliedToPoolAndContentCache() throws IOException {
    KitConfig c = load(home(), Map.of("IPFS_KIT_POOL_MAX_CONNECTIONS", "4", "IPFS_KIT_POOL_ACQUIRE_TIMEOUT", "0.25",
        "IPFS_KIT_POOL_MAX_LIFETIME", "30", "IPFS_KIT_CACHE_MAX_BYTES", "0"));
    assertEquals(new io.ipfskit.core.storage.PoolConfig(4, 4, java.time.Duration.ofMillis(250),
        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60)), c.pool());
    assertEquals(false, c.contentCache().enabled(), "0 bytes: no read cache");
  }

  @Test
  void load_perRouteAboveTotal_exitsNamingBothKeys() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load(home(),
        Map.of("IPFS_KIT_POOL_MAX_CONNECTIONS", "8", "IPFS_KIT_POOL_MAX_PER_ROUTE", "9")));
    assertEquals("IPFS_KIT_POOL_MAX_PER_ROUTE (from environment): must be at most IPFS_KIT_POOL_MAX_CONNECTIONS (8),"
        + " but was 9", e.getMessage());
  }

  @Test
  void load_cacheEntryLargerThanCache_exitsNamingBothKeys() throws IOException {
    ConfigException e = assertThrows(ConfigException.class, () -> load(home(),
        Map.of("IPFS_KIT_CACHE_MAX_BYTES", "1000", "IPFS_KIT_CACHE_MAX_ENTRY_BYTES", "1001")));
    assertEquals("IPFS_KIT_CACHE_MAX_ENTRY_BYTES (from environment): must be at most IPFS_KIT_CACHE_MAX_BYTES (1000),"
        + " but was 1001", e.getMessage());
  }
}
