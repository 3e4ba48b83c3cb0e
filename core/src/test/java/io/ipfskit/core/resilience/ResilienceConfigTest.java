package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {
  static ResilienceConfig from(Map<String, String> env) {
    return ResilienceConfig.from(Settings.of(env, SettingSource.environment()));
  }

  @Test
  void defaults_retryPolicies_areTheReferenceDefaults() {
    ResilienceConfig c = ResilienceConfig.defaults();
    for (OperationClass k : OperationClass.values()) assertEquals(RetryPolicy.referenceDefault(k), c.retry().get(k));
    assertEquals(50, c.breaker().failureRateThreshold());
    // Exponential from 10 %, doubling each 1 s after a 1 s cooldown: 100 % about 5 s after the breaker closes.
    assertEquals(new ResilienceConfig.Ramp(RampStrategy.EXPONENTIAL, 0.1, 1.0, java.time.Duration.ofSeconds(1), 20, 3,
        java.time.Duration.ofMinutes(2), java.time.Duration.ofSeconds(1)), c.ramp());
  }

  @Test
  void settings_everyKey_isUniqueAndNamespaced() {
    Set<String> names = new HashSet<>();
    for (Setting<?> s : ResilienceConfig.SETTINGS) {
      assertTrue(names.add(s.name()), "duplicate " + s.name());
      assertTrue(s.name().matches("IPFS_KIT_(BREAKER|RAMP|RETRY|CONCURRENCY|PEERS)_[A-Z_]+"), s.name());
    }
    assertEquals(17 + 5 * 5 + 10, names.size());
  }

  @Test
  void from_givenKeys_reachTheRecords() {
    ResilienceConfig c = from(Map.of("IPFS_KIT_BREAKER_WAIT_IN_OPEN", "2.5", "IPFS_KIT_RAMP_STRATEGY", "Exponential",
        "IPFS_KIT_RETRY_PIN_MAX_RETRIES", "4", "IPFS_KIT_RETRY_READ_BACKOFF", "decorrelated_jitter",
        "IPFS_KIT_RETRY_BUDGET_RATIO", "0.05"));
    assertEquals(Duration.ofMillis(2500), c.breaker().waitInOpen());
    assertEquals(RampStrategy.EXPONENTIAL, c.ramp().strategy());
    assertEquals(4, c.retry().get(OperationClass.PIN).maxRetries());
    assertEquals(Backoff.DECORRELATED_JITTER, c.retry().get(OperationClass.READ).backoff());
    assertEquals(0.0, c.retry().get(OperationClass.READ).jitter(), "a jitter backoff drops the default extra jitter");
    assertEquals(0.05, c.budget().ratio());
  }

  @Test
  void from_valueOutOfBounds_namesKeySourceAndRuleNotTheValue() {
    ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of("IPFS_KIT_BREAKER_FAILURE_RATE", "0")));
    assertEquals("IPFS_KIT_BREAKER_FAILURE_RATE (from environment): must be an integer from 1 to 100 (percent)",
        e.getMessage());
  }

  @Test
  void from_decimalOutOfBounds_isRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of("IPFS_KIT_RAMP_INITIAL_RATE", "0")));
    assertEquals("IPFS_KIT_RAMP_INITIAL_RATE (from environment): must be over 0 and at most 1", e.getMessage());
  }

  @Test
  void from_keysThatDisagree_errorNamesTheKeysAndTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("IPFS_KIT_CONCURRENCY_INITIAL", "100")));
    assertEquals("IPFS_KIT_CONCURRENCY_*: initialLimit must be from 1 to 64, but was 100", e.getMessage());
    IllegalArgumentException jitter = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of("IPFS_KIT_RETRY_LIST_BACKOFF", "full_jitter", "IPFS_KIT_RETRY_LIST_JITTER", "0.3")));
    assertEquals("IPFS_KIT_RETRY_LIST_*: jitter must be 0 with backoff full_jitter (it draws its own), but was 0.3",
        jitter.getMessage());
  }
}
