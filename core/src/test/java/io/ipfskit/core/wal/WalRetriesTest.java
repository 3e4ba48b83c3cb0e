package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.OperationClass;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The rules of the log's durable retries alone: which keys win, delays per class, the budget. */
class WalRetriesTest {
  /** Every jitter draw takes nothing off: delays are the capped values. */
  static final RandomGenerator NO_JITTER = RetryTimingTest.LOWEST;
  /** Every full-jitter draw is the highest allowed value: the cap itself. */
  static final RandomGenerator HIGHEST = RetryTimingTest.HIGHEST;

  @TempDir java.nio.file.Path tmp;
  final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

  /** WAL keys: 7 retries, full jitter from 3 s up to 100 s. */
  WalConfig wal() {
    return WalTests.config(tmp, FsyncMode.ALWAYS, 1L << 20, 7, Duration.ofSeconds(3)).with(Map.of("max_retry_delay", "100"));
  }

  Resilience resilience(ResilienceConfig.Budget budget) {
    ResilienceConfig d = ResilienceConfig.defaults();
    return Resilience.create(new ResilienceConfig(d.breaker(), d.ramp(), d.retry(), budget, d.concurrency(), d.peers()),
        clock, () -> WriteAheadLog.micros(clock.instant()) * 1000);
  }

  Resilience resilience() {
    return resilience(ResilienceConfig.defaults().budget());
  }

  @ParameterizedTest
  @CsvSource({"get,READ", "cat,READ", "download,READ", "add,WRITE", "upload,WRITE", "mkdir,WRITE", "copy,WRITE",
      "move,WRITE", "pin,PIN", "unpin,PIN", "rm,DELETE", "list,LIST"})
  void classOf_everyOperationType_hasItsClass(String type, OperationClass want) {
    assertEquals(want, WalRetries.classOf(OperationType.parse("type", type)));
  }

  @ParameterizedTest
  @EnumSource(OperationType.class)
  void walKeys_anyType_maxRetriesAndFullJitterFromTheWalKeys(OperationType type) {
    WalRetries r = WalRetries.walKeys();
    assertEquals(7, r.maxRetries(type, wal()));
    assertEquals(Duration.ofSeconds(3), r.firstDelay(type, wal()));
    assertFalse(r.budgeted());
    assertTrue(r.tryAcquireRetry("local"), "no budget: always granted");
    long d = r.delayMicros(type, 2, wal());
    assertTrue(d >= 0 && d <= 12_000_000, "full jitter under min(100 s, 3 s * 2^2): " + d);
  }

  @ParameterizedTest
  @CsvSource({
    // type, max retries, delays before retries 0, 1, 2 in ms (reference defaults; no jitter drawn)
    "get, 5, 500, 1000, 2000",
    "add, 3, 2000, 4000, 8000",
    "pin, 10, 5000, 10000, 20000",
    "rm, 3, 1000, 2000, 3000", // linear
    "list, 3, 1000, 2000, 4000"})
  void perClass_noWalKeyGiven_classPolicyGivesRetriesAndDelays(String type, int retries, long d0, long d1, long d2) {
    OperationType t = OperationType.parse("type", type);
    WalRetries r = WalRetries.perClass(resilience(), Set.of(), NO_JITTER);
    assertEquals(retries, r.maxRetries(t, wal()));
    assertEquals(List.of(d0 * 1000, d1 * 1000, d2 * 1000),
        List.of(r.delayMicros(t, 0, wal()), r.delayMicros(t, 1, wal()), r.delayMicros(t, 2, wal())));
    assertEquals(Duration.ofMillis(d0), r.firstDelay(t, wal()));
    assertTrue(r.budgeted());
  }

  @Test
  void perClass_maxRetriesGiven_walMaxRetriesWinsDelaysStayPerClass() {
    WalRetries r = WalRetries.perClass(resilience(), Set.of("max_retries"), NO_JITTER);
    assertEquals(7, r.maxRetries(OperationType.PIN, wal()));
    assertEquals(5_000_000, r.delayMicros(OperationType.PIN, 0, wal()));
  }

  @Test
  void perClass_retryDelayGiven_walFullJitterDelaysWinRetriesStayPerClass() {
    WalRetries r = WalRetries.perClass(resilience(), Set.of("retry_delay"), HIGHEST);
    assertEquals(10, r.maxRetries(OperationType.PIN, wal()));
    assertEquals(12_000_000, r.delayMicros(OperationType.PIN, 2, wal()), "the full-jitter cap 3 s * 2^2");
    assertEquals(100_000_000, r.delayMicros(OperationType.PIN, 9, wal()), "capped by max_retry_delay");
    assertEquals(Duration.ofSeconds(3), r.firstDelay(OperationType.PIN, wal()));
  }

  @Test
  void perClass_fromSettings_walKeysGivenAtStartWin() {
    Settings s = Settings.of(Map.of("IPFS_KIT_WAL_MAX_RETRIES", "7", "IPFS_KIT_RETRY_PIN_MAX_RETRIES", "4"),
        SettingSource.environment());
    WalRetries given = WalRetries.perClass(resilience(), s);
    assertEquals(7, given.maxRetries(OperationType.PIN, wal()));
    WalRetries none = WalRetries.perClass(resilience(), Settings.empty());
    assertEquals(10, none.maxRetries(OperationType.PIN, wal()), "the layer's own configuration, not the settings,"
        + " holds the class policy");
  }

  @Test
  void keysChanged_liveRetryKey_winsFromThenOnOtherKeysIgnored() {
    WalRetries r = WalRetries.perClass(resilience(), Set.of(), NO_JITTER);
    r.keysChanged(List.of("batch_size", "process_interval"));
    assertEquals(3, r.maxRetries(OperationType.ADD, wal()));
    r.keysChanged(List.of("max_retries"));
    assertEquals(7, r.maxRetries(OperationType.ADD, wal()));
    assertEquals(2_000_000, r.delayMicros(OperationType.ADD, 0, wal()), "delays stay the class's");
    r.keysChanged(List.of("max_retry_delay"));
    assertEquals(Duration.ofSeconds(3), r.firstDelay(OperationType.ADD, wal()));
  }

  @Test
  void perClass_unknownGivenKey_refusedNamingTheAllowedKeys() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WalRetries.perClass(resilience(), Set.of("batch_size"), NO_JITTER));
    assertEquals("givenWalKeys must be among [max_retries, retry_delay, max_retry_delay], but had 'batch_size'",
        e.getMessage());
  }

  @Test
  void tryAcquireRetry_budgetSpent_refusedUntilTheWindowMoves() {
    // ratio 0, one retry a second over 2 s: two retries per window, whatever the traffic
    Resilience layer = resilience(new ResilienceConfig.Budget(0, 1, Duration.ofSeconds(2)));
    WalRetries r = WalRetries.perClass(layer, Set.of(), NO_JITTER);
    r.recordFirstAttempt("ipfs");
    assertTrue(r.tryAcquireRetry("ipfs"));
    assertTrue(r.tryAcquireRetry("ipfs"));
    assertFalse(r.tryAcquireRetry("ipfs"));
    assertTrue(r.tryAcquireRetry("local"), "each backend has its own budget");
    Resilience.RetryFigures f = layer.retryFigures("ipfs");
    assertEquals(List.of(1L, 2L, 1L), List.of(f.callsInWindow(), f.retriesGranted(), f.retriesDenied()));
    clock.advance(Duration.ofSeconds(3));
    assertTrue(r.tryAcquireRetry("ipfs"), "the window moved past the spent retries");
  }

  @Test
  void deferMicros_shortPolicyDelay_atLeastOneBudgetBucket() {
    WalRetries r = WalRetries.perClass(resilience(new ResilienceConfig.Budget(0.2, 1, Duration.ofSeconds(60))),
        Set.of(), NO_JITTER);
    assertEquals(6_000_000, r.deferMicros(OperationType.GET, 0, wal()), "a tenth of 60 s beats read's 0.5 s");
    assertEquals(20_000_000, r.deferMicros(OperationType.PIN, 2, wal()), "pin's 20 s beats the 6 s bucket");
  }
}
