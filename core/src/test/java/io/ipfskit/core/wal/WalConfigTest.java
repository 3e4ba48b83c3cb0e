package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalConfigTest {
  @TempDir Path home;

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
  void load_fileThenEnvironment_environmentWins() throws Exception {
    Files.writeString(home.resolve("wal.properties"), "max_retries=7\nfsync_mode=batch\nretry_delay=30\n");
    WalConfig c = WalConfig.load(home, Map.of("IPFS_KIT_WAL_MAX_RETRIES", "9", "IPFS_KIT_WAL_PATH", "elsewhere",
        "IPFS_KIT_WAL_PROCESS_INTERVAL", "0.25", "IPFS_KIT_WAL_ARCHIVE_COMPLETED", "false", "OTHER", "x"));
    assertEquals(9, c.maxRetries());
    assertEquals(FsyncMode.BATCH, c.fsyncMode());
    assertEquals(Duration.ofSeconds(30), c.retryDelay());
    assertEquals(home.resolve("elsewhere"), c.directory());
    assertEquals(Duration.ofMillis(250), c.processInterval());
    assertEquals(false, c.archiveCompleted());
  }

  @Test
  void load_badEnvironmentValue_namesKeyRuleAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.load(home, Map.of("IPFS_KIT_WAL_MAX_RETRIES", "-1")));
    assertEquals("max_retries must be >= 0, but was -1 (from environment (IPFS_KIT_WAL_*))", e.getMessage());
    IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.load(home, Map.of("IPFS_KIT_WAL_BATCH_SIZE", "lots")));
    assertEquals("batch_size (from environment (IPFS_KIT_WAL_*)) must be an integer <= 2147483647, but was 'lots'",
        notNumber.getMessage());
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.load(home, Map.of("IPFS_KIT_WAL_FSYNC_MODE", "sometimes")));
    assertEquals("fsync_mode (from environment (IPFS_KIT_WAL_*)) must be one of [always, batch, periodic],"
        + " but was 'sometimes'", mode.getMessage());
  }

  @Test
  void load_unknownKeyInFile_isRejected() throws Exception {
    Files.writeString(home.resolve("wal.properties"), "max_retry=3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WalConfig.load(home, Map.of()));
    assertEquals("unknown key 'max_retry' in " + home.resolve("wal.properties") + "; known keys: " + WalConfig.KEYS,
        e.getMessage());
  }

  @Test
  void constructor_maxRetryDelayBelowRetryDelay_isRejectedNotClamped() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.defaults(home).with(Map.of("max_retry_delay", "10", "retry_delay", "20")));
    assertEquals("max_retry_delay must be >= retry_delay (20 s), but was 10 s", e.getMessage());
  }

  @Test
  void with_unknownKey_namesItAndListsLiveKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WalConfig.defaults(home).with(Map.of("colour", "blue")));
    assertEquals("unknown key 'colour'; live keys: " + WalConfig.LIVE_KEYS, e.getMessage());
  }

  @Test
  void toMap_roundTripsThroughLoad() throws Exception {
    WalConfig c = WalConfig.defaults(home).with(Map.of("retry_delay", "1.5", "max_retries", "2", "batch_size", "64"));
    StringBuilder props = new StringBuilder();
    c.toMap().forEach((k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
    Files.writeString(home.resolve("wal.properties"), props);
    assertEquals(c, WalConfig.load(home, Map.of()));
    assertEquals("1.5", c.toMap().get("retry_delay"));
  }
}
