package io.ipfskit.core.storage.storacha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StorachaBackend} when {@code IPFS_KIT_STORACHA_NODE} is not a usable Node.js: a path that
 * does not exist, a file that is not executable, and a program that is not Node ({@code /bin/false}).
 * Health says why (unhealthy, never throws), add fails PERMANENT naming the setting and the rule, the
 * vault's key and proof appear nowhere, and the backend keeps answering (a later call fails the same way).
 */
@Timeout(60)
class StorachaNodeMissingTest {
  static final String KEY = "MgCYsecretAgentKeyThatMustNeverAppear0123456789abcdefghijklmnop=";
  static final String PROOF = "mAYIEAsecretProofThatMustNeverAppear";
  static final SecretId KEY_REF = SecretId.parse("key", "0123456789abcdef");
  static final SecretId PROOF_REF = SecretId.parse("proof", "fedcba9876543210");

  @TempDir Path dir;

  static Stream<Named<Function<Path, String>>> unusableNodes() {
    return Stream.of(
        Named.<Function<Path, String>>of("path that does not exist", d -> d.resolve("no-such-dir/node").toString()),
        Named.<Function<Path, String>>of("file that is not executable", d -> {
          try {
            Path f = Files.writeString(d.resolve("not-executable"), "#!/bin/sh\necho v20.0.0\n", UTF_8);
            return f.toString();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }),
        Named.<Function<Path, String>>of("program that is not node (/bin/false)", d -> "/bin/false"));
  }

  private StorachaBackend open(String node) throws Exception {
    StorachaConfig config = new StorachaConfig(URI.create("http://127.0.0.1:9/"), "did:web:up.storacha.network",
        "did:key:z6MkrZ1r5XBFZjBU34qyD8fueMbMRkKw17BZaq2ivKFjnz2z", KEY_REF, PROOF_REF,
        URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(5), node, dir.resolve("spool"), dir.resolve("cache"));
    return StorachaBackend.open(config, id -> SecretValue.of(id.equals(KEY_REF) ? KEY : PROOF));
  }

  private static void assertNamesSettingAndRuleOnly(String message) {
    assertTrue(message.contains("IPFS_KIT_STORACHA_NODE"), message);
    assertTrue(message.contains("Node.js 18 or later"), message);
    assertFalse(message.contains(KEY), message);
    assertFalse(message.contains(PROOF), message);
  }

  /** Probes until the background install has failed (bounded: 30 s; the Node check takes milliseconds). */
  private static BackendHealth settledHealth(StorachaBackend b) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    BackendHealth h = b.health();
    while (h.detail().contains("starting the bridge") && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      h = b.health();
    }
    return h;
  }

  @ParameterizedTest
  @MethodSource("unusableNodes")
  void health_nodeUnusable_unhealthyNamingTheSetting(Function<Path, String> nodeIn) throws Exception {
    try (StorachaBackend b = open(nodeIn.apply(dir))) {
      // The first probe starts the install in the background ("starting the bridge"); poll, bounded.
      BackendHealth h = settledHealth(b);
      assertEquals(BackendHealth.Status.UNHEALTHY, h.status());
      assertNamesSettingAndRuleOnly(h.detail());
      // The failed install is not cached as success: the next probe tries again and says the same.
      BackendHealth again = settledHealth(b);
      assertEquals(BackendHealth.Status.UNHEALTHY, again.status());
      assertNamesSettingAndRuleOnly(again.detail());
    }
  }

  @ParameterizedTest
  @MethodSource("unusableNodes")
  void add_nodeUnusable_permanentNamingTheSettingAndStillAnswering(Function<Path, String> nodeIn) throws Exception {
    try (StorachaBackend b = open(nodeIn.apply(dir))) {
      for (int attempt = 0; attempt < 2; attempt++) {
        StorageException e = assertThrows(StorageException.class,
            () -> b.add(new ByteArrayInputStream("hello".getBytes(UTF_8))));
        assertEquals(StorageErrorClass.PERMANENT, e.errorClass(), e.getMessage());
        assertNamesSettingAndRuleOnly(e.getMessage());
      }
      try (Stream<Path> left = Files.list(dir.resolve("spool"))) {
        assertEquals(0, left.count(), "the spooled file is deleted after the failed add");
      }
    }
  }
}
