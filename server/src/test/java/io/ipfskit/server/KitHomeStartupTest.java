package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8 start-up: the vault is unlocked in the background and a failure names what was used. */
@Timeout(60)
class KitHomeStartupTest {
  @TempDir Path temp;

  private KitConfig config(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("IPFS_KIT_HOME", temp.resolve("home").toString());
    return KitConfig.load(all, temp);
  }

  @Test
  void vaultKeySource_eachWay_namesTheVariableActuallyUsed() throws Exception {
    Path file = Files.writeString(temp.resolve("pw"), "secret-pass\n");
    assertEquals("IPFS_KIT_MASTER_PASSWORD_FILE (from environment)",
        KitHome.describeKeySource(config(Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", file.toString()))));
    assertEquals("IPFS_KIT_MASTER_PASSWORD (from environment)",
        KitHome.describeKeySource(config(Map.of("IPFS_KIT_MASTER_PASSWORD", "secret-pass"))));
    assertEquals("the key file " + temp.resolve("home/secrets/master.key"), KitHome.describeKeySource(config(Map.of())));
  }

  @Test
  void unlockVaultInBackground_wrongPasswordFile_reportsAtOnceNamingTheFileVariable() throws Exception {
    try (KitHome home = KitHome.open(config(Map.of("IPFS_KIT_MASTER_PASSWORD", "the-right-one")))) {
      home.vault(); // creates the keyring with this password
    }
    Path wrong = Files.writeString(temp.resolve("pw"), "a-wrong-one\n");
    BlockingQueue<String> reported = new ArrayBlockingQueue<>(1);
    try (KitHome home = KitHome.open(config(Map.of("IPFS_KIT_MASTER_PASSWORD_FILE", wrong.toString())))) {
      home.unlockVaultInBackground(reported::add);
      String cause = reported.poll(30, TimeUnit.SECONDS);
      assertTrue(cause != null && cause.startsWith(
          "the vault cannot be unlocked with IPFS_KIT_MASTER_PASSWORD_FILE (from environment): "), cause);
      assertTrue(cause.contains("wrong master password"), cause);
      assertFalse(cause.contains("a-wrong-one") || cause.contains("the-right-one"), cause);
    }
  }

  @Test
  void unlockVaultInBackground_goodKeyFile_noReportAndVaultReady() throws Exception {
    BlockingQueue<String> reported = new ArrayBlockingQueue<>(1);
    try (KitHome home = KitHome.open(config(Map.of()))) {
      home.unlockVaultInBackground(reported::add);
      assertEquals(0, home.vault().statistics().totalSecrets());
      assertTrue(reported.isEmpty(), reported.toString());
    }
  }
}
