package io.ipfskit.core.storage.ipfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpfsConfigTest {
  private static Settings env(Map<String, String> values) {
    return Settings.of(values, SettingSource.environment());
  }

  @Test
  void from_apiUnset_backendOff() {
    assertEquals(Optional.empty(), IpfsConfig.from(env(Map.of())));
  }

  @Test
  void from_apiTimeoutAndPin_typedWithTrailingSlashDropped() {
    IpfsConfig c = IpfsConfig.from(env(Map.of("IPFS_KIT_IPFS_API", "http://127.0.0.1:5001/",
        "IPFS_KIT_IPFS_TIMEOUT", "2.5", "IPFS_KIT_IPFS_PIN_ON_ADD", "false"))).orElseThrow();
    assertEquals(new IpfsConfig(URI.create("http://127.0.0.1:5001"), Duration.ofMillis(2500), false), c);
  }

  @Test
  void from_apiOnly_defaultTimeoutAndPinning() {
    IpfsConfig c = IpfsConfig.from(env(Map.of("IPFS_KIT_IPFS_API", "https://node.example:5001"))).orElseThrow();
    assertEquals(IpfsConfig.DEFAULT_TIMEOUT, c.timeout());
    assertTrue(c.pinOnAdd());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:5001", "ftp://h:1", "http://", "http://user:hunter2@h:5001", "http://h:5001/?x=1",
      "not a uri"})
  void from_badApi_configExceptionNamingKeyAndRuleNeverTheValue(String bad) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> IpfsConfig.from(env(Map.of("IPFS_KIT_IPFS_API", bad))));
    assertTrue(e.getMessage().contains("IPFS_KIT_IPFS_API"), e.getMessage());
    assertTrue(e.getMessage().contains("must be " + IpfsConfig.API_RULE), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.5", "601", "-1", "ten"})
  void from_timeoutOutOfBounds_refusedEvenWithoutApi(String bad) {
    ConfigException e = assertThrows(ConfigException.class, () -> IpfsConfig.from(env(Map.of("IPFS_KIT_IPFS_TIMEOUT", bad))));
    assertTrue(e.getMessage().contains("IPFS_KIT_IPFS_TIMEOUT"), e.getMessage());
    assertTrue(e.getMessage().contains("a number of seconds from 1 to 600"), e.getMessage());
  }

  @Test
  void constructor_userInfo_refusedWithoutRepeatingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IpfsConfig.of(URI.create("http://u:hunter2@h:5001")));
    assertEquals("api must be " + IpfsConfig.API_RULE + ", but it has user info", e.getMessage());
  }
}
