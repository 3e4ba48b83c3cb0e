package io.ipfskit.core.storage.storacha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StorachaConfigTest {
  static final Path HOME = Path.of("/tmp/kit-home");
  static final String SPACE = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
  static final String KEY_REF = "0123456789abcdef";
  static final String PROOF_REF = "fedcba9876543210";

  private static Optional<StorachaConfig> from(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return StorachaConfig.from(HOME, Settings.of(m, SettingSource.environment()));
  }

  private static Optional<StorachaConfig> full(String... extra) {
    String[] all = new String[6 + extra.length];
    System.arraycopy(new String[] {"IPFS_KIT_STORACHA_SPACE", SPACE, "IPFS_KIT_STORACHA_KEY_REF", KEY_REF,
        "IPFS_KIT_STORACHA_PROOF_REF", PROOF_REF}, 0, all, 0, 6);
    System.arraycopy(extra, 0, all, 6, extra.length);
    return from(all);
  }

  @Test
  void from_nothingSet_off() {
    assertTrue(from().isEmpty());
  }

  @Test
  void from_spaceAndRefs_configuredWithDefaults() {
    StorachaConfig c = full().orElseThrow();
    assertEquals(URI.create("https://up.storacha.network"), c.endpoint());
    assertEquals("did:web:up.storacha.network", c.serviceDid());
    assertEquals(URI.create("https://storacha.link"), c.gateway());
    assertEquals(SPACE, c.space());
    assertEquals(KEY_REF, c.keyRef().value());
    assertEquals(PROOF_REF, c.proofRef().value());
    assertEquals(Duration.ofSeconds(60), c.timeout());
    assertEquals("node", c.nodeExecutable());
    assertEquals(HOME.resolve("spool/storacha"), c.spoolDirectory());
    assertTrue(c.bridgeCacheDirectory().isAbsolute());
  }

  @Test
  void from_localService_keepsEndpointDidGatewayTimeoutNode() {
    String serviceDid = "did:key:z6MkrZ1r5XBFZjBU34qyD8fueMbMRkKw17BZaq2ivKFjnz2z";
    StorachaConfig c = full("IPFS_KIT_STORACHA_ENDPOINT", "http://127.0.0.1:4567/", "IPFS_KIT_STORACHA_SERVICE_DID",
        serviceDid, "IPFS_KIT_STORACHA_GATEWAY", "http://127.0.0.1:4567", "IPFS_KIT_STORACHA_TIMEOUT", "2.5",
        "IPFS_KIT_STORACHA_NODE", "/opt/node/bin/node").orElseThrow();
    assertEquals(URI.create("http://127.0.0.1:4567"), c.endpoint());
    assertEquals(serviceDid, c.serviceDid());
    assertEquals(URI.create("http://127.0.0.1:4567"), c.gateway());
    assertEquals(Duration.ofMillis(2500), c.timeout());
    assertEquals("/opt/node/bin/node", c.nodeExecutable());
  }

  @ParameterizedTest
  @CsvSource({
      "IPFS_KIT_STORACHA_SPACE, IPFS_KIT_STORACHA_KEY_REF",
      "IPFS_KIT_STORACHA_KEY_REF, IPFS_KIT_STORACHA_SPACE",
      "IPFS_KIT_STORACHA_PROOF_REF, IPFS_KIT_STORACHA_SPACE"})
  void from_onlyOneOfThree_errorNamesFirstMissingKey(String given, String missing) {
    String value = given.endsWith("SPACE") ? SPACE : KEY_REF;
    ConfigException e = assertThrows(ConfigException.class, () -> from(given, value));
    assertEquals(missing, e.key());
    assertEquals(missing + " (from default): must be set when " + given + " is (from environment): the storacha"
        + " backend needs IPFS_KIT_STORACHA_SPACE, IPFS_KIT_STORACHA_KEY_REF and IPFS_KIT_STORACHA_PROOF_REF together"
        + " (or none of them to leave it off)", e.getMessage());
  }

  @Test
  void from_spaceAndKeyWithoutProof_errorNamesProofRef() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> from("IPFS_KIT_STORACHA_SPACE", SPACE, "IPFS_KIT_STORACHA_KEY_REF", KEY_REF));
    assertEquals("IPFS_KIT_STORACHA_PROOF_REF", e.key());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "IPFS_KIT_STORACHA_SPACE|did:web:example.com|" + StorachaConfig.SPACE_RULE,
      "IPFS_KIT_STORACHA_SPACE|did:key:z0OIl|" + StorachaConfig.SPACE_RULE,
      "IPFS_KIT_STORACHA_KEY_REF|MgCZkey-not-a-ref|" + StorachaConfig.REF_RULE,
      "IPFS_KIT_STORACHA_PROOF_REF|0123|" + StorachaConfig.REF_RULE,
      "IPFS_KIT_STORACHA_ENDPOINT|ftp://up.storacha.network|" + StorachaConfig.URL_RULE,
      "IPFS_KIT_STORACHA_ENDPOINT|https://user:pw@host|" + StorachaConfig.URL_RULE,
      "IPFS_KIT_STORACHA_GATEWAY|https://storacha.link/ipfs|" + StorachaConfig.URL_RULE,
      "IPFS_KIT_STORACHA_SERVICE_DID|up.storacha.network|" + StorachaConfig.SERVICE_DID_RULE,
      "IPFS_KIT_STORACHA_TIMEOUT|0.5|a number of seconds from 1 to 600",
      "IPFS_KIT_STORACHA_TIMEOUT|abc|a number of seconds from 1 to 600"})
  void from_badValue_errorNamesKeySourceRuleNotValue(String key, String value, String rule) {
    ConfigException e = assertThrows(ConfigException.class, () -> full(key, value));
    assertEquals(key + " (from environment): must be " + rule, e.getMessage());
    assertFalse(e.getMessage().contains(value), "the message must not repeat the value");
  }

  @Test
  void from_badValueWhileOff_stillFails() {
    ConfigException e = assertThrows(ConfigException.class, () -> from("IPFS_KIT_STORACHA_GATEWAY", "nope"));
    assertEquals("IPFS_KIT_STORACHA_GATEWAY", e.key());
  }

  @Test
  void addTimeout_perStartedMiB_addsOneSecond() {
    StorachaConfig c = full().orElseThrow();
    assertEquals(Duration.ofSeconds(60), c.addTimeout(0));
    assertEquals(Duration.ofSeconds(61), c.addTimeout(1));
    assertEquals(Duration.ofSeconds(61), c.addTimeout(1 << 20));
    assertEquals(Duration.ofSeconds(62), c.addTimeout((1 << 20) + 1));
  }

  @Test
  void toString_holdsRefsNotSecrets() {
    String s = full().orElseThrow().toString();
    assertTrue(s.contains(KEY_REF) && s.contains(SPACE), s);
  }
}
