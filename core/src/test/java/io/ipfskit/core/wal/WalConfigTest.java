package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalConfigTest {
  @TempDir Path home;

  private WalConfig fromEnvironment(Map<String, String> env) {
    return WalConfig.from(home, Settings.of(env, SettingSource.environment()));
  }

  @Test
  void defaults_anyHome_matchReferenceValues() {
    WalConfig c = WalConfig.defaults(home);
    assertEquals(home.resolve("wal"), c.directory());
    assertEquals(FsyncMode.ALWAYS, c.fsyncMode());
    assertEquals(256, c.batchSize());
    assertEquals(Duration.ofMillis(10), c.batchInterval());
    assertEquals(Duration.ofMillis(100), c.periodicInterval());
    assertEquals(64L << 20, c.segmentSizeBytes());
    assertEquals(1000, c.partitionSize());
    assertEquals(5, c.maxRetries());
    assertEquals(Duration.ofSeconds(60), c.retryDelay());
    assertEquals(Duration.ofHours(1), c.maxRetryDelay());
    assertEquals(true, c.archiveCompleted());
    assertEquals(Duration.ofSeconds(5), c.processInterval());
    assertEquals(30, c.maxAgeDays());
    assertEquals(4, c.concurrencyPerBackend());
  }

  @Test
  void settings_documentedDefaults_matchDefaults() {
    Map<String, String> defaults = WalConfig.defaults(home).toMap();
    WalConfig.SETTINGS.forEach((key, setting) -> {
      if (!key.equals("path")) assertEquals(defaults.get(key), setting.defaultText(), key);
      assertEquals(WalConfig.envName(key), setting.name());
    });
    assertEquals(WalConfig.KEYS, java.util.List.copyOf(WalConfig.SETTINGS.keySet()));
  }

  @Test
  void from_settingsGiven_eachAppliedAndRelativePathResolvedAgainstHome() {
    WalConfig c = fromEnvironment(Map.of("IPFS_KIT_WAL_MAX_RETRIES", "9", "IPFS_KIT_WAL_PATH", "elsewhere",
        "IPFS_KIT_WAL_FSYNC_MODE", "Batch", "IPFS_KIT_WAL_PROCESS_INTERVAL", "0.25",
        "IPFS_KIT_WAL_ARCHIVE_COMPLETED", "false", "IPFS_KIT_OTHER", "x"));
    assertEquals(9, c.maxRetries());
    assertEquals(FsyncMode.BATCH, c.fsyncMode());
    assertEquals(home.resolve("elsewhere"), c.directory());
    assertEquals(Duration.ofMillis(250), c.processInterval());
    assertEquals(false, c.archiveCompleted());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "IPFS_KIT_WAL_MAX_RETRIES|-1|must be an integer from 0 to 100",
      "IPFS_KIT_WAL_MAX_RETRIES|101|must be an integer from 0 to 100",
      "IPFS_KIT_WAL_BATCH_SIZE|lots|must be an integer from 1 to 1000000 (records)",
      "IPFS_KIT_WAL_FSYNC_MODE|bogus|must be one of always, batch, periodic",
      "IPFS_KIT_WAL_PERIODIC_INTERVAL_MS|9223372036854775807|must be an integer from 1 to 3600000 (milliseconds)",
      "IPFS_KIT_WAL_PERIODIC_INTERVAL_MS|99999999999999999999999|must be an integer from 1 to 3600000 (milliseconds)",
      "IPFS_KIT_WAL_BATCH_INTERVAL_MS|0|must be an integer from 1 to 3600000 (milliseconds)",
      "IPFS_KIT_WAL_SEGMENT_SIZE|4095|must be an integer from 4096 to 1073741824 (bytes)",
      "IPFS_KIT_WAL_PARTITION_SIZE|1000001|must be an integer from 1 to 1000000 (rows)",
      "IPFS_KIT_WAL_RETRY_DELAY|1e300|must be a number of seconds from 0.001 to 86400",
      "IPFS_KIT_WAL_RETRY_DELAY|0.0009|must be a number of seconds from 0.001 to 86400",
      "IPFS_KIT_WAL_PROCESS_INTERVAL|3600.001|must be a number of seconds from 0.001 to 3600",
      "IPFS_KIT_WAL_MAX_AGE_DAYS|0|must be an integer from 1 to 36500 (days)",
      "IPFS_KIT_WAL_CONCURRENCY|257|must be an integer from 1 to 256",
      "IPFS_KIT_WAL_ARCHIVE_COMPLETED|maybe|must be true or false",
      "IPFS_KIT_WAL_PATH|'  '|must be a non-empty path",
      "IPFS_KIT_MAX_ADD_BYTES|0|must be an integer from 1 to 1099511627776 (bytes)",
      "IPFS_KIT_MAX_ADD_BYTES|1099511627777|must be an integer from 1 to 1099511627776 (bytes)",
  })
  void from_valueBreaksRule_failsNamingKeySourceAndRuleNotValue(String key, String value, String rule) {
    ConfigException e = assertThrows(ConfigException.class, () -> fromEnvironment(Map.of(key, value)));
    assertEquals(key + " (from environment): " + rule, e.getMessage());
    assertEquals(SettingSource.environment(), e.source());
    if (!value.isBlank()) assertFalse(e.getMessage().contains("(from environment): " + value), e.getMessage());
  }

  @Test
  void from_valueFromFile_namesTheFile() {
    Path file = home.resolve("config.properties");
    ConfigException e = assertThrows(ConfigException.class, () -> WalConfig.from(home,
        Settings.of(Map.of("IPFS_KIT_WAL_FSYNC_MODE", "bogus"), SettingSource.file(file))));
    assertEquals("IPFS_KIT_WAL_FSYNC_MODE (from " + file + "): must be one of always, batch, periodic", e.getMessage());
  }

  @Test
  void from_maxRetryDelayBelowRetryDelay_isRejectedNotClamped() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> fromEnvironment(Map.of("IPFS_KIT_WAL_RETRY_DELAY", "20", "IPFS_KIT_WAL_MAX_RETRY_DELAY", "10")));
    assertEquals("IPFS_KIT_WAL_MAX_RETRY_DELAY (from environment): must be at least retry_delay (20 s)", e.getMessage());
  }

  @Test
  void with_maxRetryDelayBelowRetryDelay_isRejectedNotClamped() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> WalConfig.defaults(home).with(Map.of("max_retry_delay", "10", "retry_delay", "20")));
    assertEquals("max_retry_delay (from live update): must be at least retry_delay (20 s)", e.getMessage());
  }

  @Test
  void with_retryDelayAboveCurrentMax_blamesRetryDelay() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> WalConfig.defaults(home).with(Map.of("retry_delay", "7200")));
    assertEquals("retry_delay (from live update): must be at most max_retry_delay (3600 s)", e.getMessage());
  }

  @Test
  void with_unknownKey_namesItAndListsLiveKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.defaults(home).with(Map.of("colour", "blue")));
    assertEquals("unknown key 'colour'; live keys: " + WalConfig.LIVE_KEYS, e.getMessage());
  }

  @Test
  void with_periodicIntervalLongMax_refusedNamingKeyRuleAndBounds() {
    WalConfig before = WalConfig.defaults(home);
    ConfigException e = assertThrows(ConfigException.class,
        () -> before.with(Map.of("periodic_interval_ms", Long.toString(Long.MAX_VALUE))));
    assertEquals("periodic_interval_ms (from live update): must be an integer from 1 to 3600000 (milliseconds)",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "batch_size|0|1000001", "batch_interval_ms|0|3600001", "periodic_interval_ms|0|3600001",
      "max_retries|-1|101", "retry_delay|0|86400.001", "max_retry_delay|0|86400.001",
      "process_interval|0|3600.001", "max_age_days|0|36501",
  })
  void with_justOutsideBounds_refusedOnBothSides(String key, String below, String above) {
    WalConfig c = WalConfig.defaults(home);
    assertThrows(ConfigException.class, () -> c.with(Map.of(key, below)));
    assertThrows(ConfigException.class, () -> c.with(Map.of(key, above)));
  }

  @Test
  void with_largestAllowedValues_accepted() {
    WalConfig c = WalConfig.defaults(home).with(Map.of("batch_size", "1000000", "batch_interval_ms", "3600000",
        "periodic_interval_ms", "3600000", "max_retries", "100", "retry_delay", "86400", "max_retry_delay", "86400",
        "process_interval", "3600", "max_age_days", "36500"));
    assertEquals(Duration.ofHours(1), c.periodicInterval());
    assertEquals(Duration.ofHours(1).toNanos(), c.periodicInterval().toNanos()); // what the flusher computes
    assertEquals(Duration.ofDays(1), c.maxRetryDelay());
  }

  @Test
  void constructor_intervalBeyondBounds_isRejected() {
    WalConfig d = WalConfig.defaults(home);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WalConfig(d.directory(),
        FsyncMode.PERIODIC, 256, d.batchInterval(), Duration.ofMillis(Long.MAX_VALUE), d.segmentSizeBytes(),
        d.partitionSize(), d.maxRetries(), d.retryDelay(), d.maxRetryDelay(), true, d.processInterval(), 30, 4));
    assertEquals("periodic_interval_ms must be between 0.001 s and 3600 s, but was " + Duration.ofMillis(Long.MAX_VALUE),
        e.getMessage());
  }

  @Test
  void toMap_roundTripsThroughFrom() {
    WalConfig c = WalConfig.defaults(home).with(Map.of("retry_delay", "1.5", "max_retries", "2", "batch_size", "64"));
    Map<String, String> env = new java.util.HashMap<>();
    c.toMap().forEach((k, v) -> env.put(WalConfig.envName(k), v));
    assertEquals(c, fromEnvironment(env));
    assertEquals("1.5", c.toMap().get("retry_delay"));
  }

  @Test
  void maxAddBytes_defaultTenGibibytesAndSettable_keptByLiveChangesAndNotShownByToMap() {
    assertEquals(10L << 30, WalConfig.defaults(home).maxAddBytes());
    assertEquals(home, WalConfig.defaults(home).home());
    WalConfig c = fromEnvironment(Map.of("IPFS_KIT_MAX_ADD_BYTES", "4096"));
    assertEquals(4096, c.maxAddBytes());
    assertEquals(4096, c.with(Map.of("max_retries", "1")).maxAddBytes());
    assertEquals(home, c.with(Map.of("max_retries", "1")).home());
    assertFalse(c.toMap().containsKey("max_add_bytes"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withMaxAddBytes(0));
    assertEquals("max_add_bytes must be between 1 and 1099511627776 bytes, but was 0", e.getMessage());
  }
}
