package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KitConfigTest {

  @TempDir Path temp;

  @Test
  void load_noHomeVariable_usesDotIpfsKitUnderUserHome() {
    KitConfig config = KitConfig.load(Map.of("PATH", "/bin"), temp);
    assertEquals(temp.resolve(".ipfs_kit"), config.home());
    assertNull(config.configFileOrNull());
    assertEquals(Map.of(), config.settings());
  }

  @Test
  void load_fileAndEnvironment_environmentWinsAndOtherVariablesAreIgnored() throws IOException {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_KDF = argon2id\nIPFS_KIT_SECRETS_MAX_VERSIONS=3\n");
    KitConfig config = KitConfig.load(Map.of("IPFS_KIT_HOME", home.toString(), "IPFS_KIT_KDF", "pbkdf2",
        "HOME", "/root"), temp);
    assertEquals(home.resolve("config.properties"), config.configFileOrNull());
    assertEquals(Map.of("IPFS_KIT_KDF", "pbkdf2", "IPFS_KIT_SECRETS_MAX_VERSIONS", "3"), config.settings());
  }

  @Test
  void load_relativeHome_failsNamingTheVariable() {
    assertEquals("IPFS_KIT_HOME must be an absolute path, but was 'rel/dir'",
        assertThrows(IllegalArgumentException.class,
            () -> KitConfig.load(Map.of("IPFS_KIT_HOME", "rel/dir"), temp)).getMessage());
  }

  @Test
  void load_fileWithForeignKey_failsNamingFileAndKey() throws IOException {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("config.properties"), "kdf=argon2id\n");
    assertEquals(home.resolve("config.properties") + ": key 'kdf' is not an ipfs-kit setting; keys are the"
            + " IPFS_KIT_* environment variable names (see README, Configuration)",
        assertThrows(IllegalArgumentException.class,
            () -> KitConfig.load(Map.of("IPFS_KIT_HOME", home.toString()), temp)).getMessage());
  }

  @Test
  void load_fileSettingTheHome_fails() throws IOException {
    Path home = Files.createDirectories(temp.resolve("home"));
    Files.writeString(home.resolve("config.properties"), "IPFS_KIT_HOME=/elsewhere\n");
    assertThrows(IllegalArgumentException.class, () -> KitConfig.load(Map.of("IPFS_KIT_HOME", home.toString()), temp));
  }
}
