package io.ipfskit.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpConfigTest {

  static final String TOKEN = "abcdefghijklmnopqrstuvwxyz012345";

  static HttpConfig from(Map<String, String> env) {
    return HttpConfig.from(Settings.of(env, SettingSource.environment()));
  }

  @Test
  void from_nothingSet_loopbackDefaults() {
    HttpConfig c = from(Map.of());
    assertEquals("127.0.0.1", c.bind());
    assertEquals(8787, c.port());
    assertEquals(Optional.empty(), c.readToken());
    assertEquals(List.of(), c.corsOrigins());
    assertEquals(Duration.ofMinutes(30), c.sessionIdle());
  }

  @Test
  void from_allSet_parsed() {
    HttpConfig c = from(Map.of("IPFS_KIT_HTTP_BIND", "::1", "IPFS_KIT_HTTP_PORT", "0", "IPFS_KIT_HTTP_TOKEN", TOKEN,
        "IPFS_KIT_HTTP_CORS_ORIGINS", "http://localhost:5173, https://Kit.Example.org",
        "IPFS_KIT_HTTP_SESSION_IDLE_SECONDS", "60"));
    assertEquals("::1", c.bind());
    assertEquals(0, c.port());
    assertEquals(Optional.of(TOKEN), c.readToken());
    assertEquals(List.of("http://localhost:5173", "https://kit.example.org"), c.corsOrigins());
    assertEquals(Duration.ofSeconds(60), c.sessionIdle());
    assertFalse(c.toString().contains(TOKEN), c.toString());
  }

  @Test
  void from_wildcardCorsOrigin_refusedNamingKeyAndRule() {
    ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of("IPFS_KIT_HTTP_CORS_ORIGINS", "*")));
    assertTrue(e.getMessage().contains("IPFS_KIT_HTTP_CORS_ORIGINS"), e.getMessage());
    assertTrue(e.getMessage().contains("no '*'"), e.getMessage());
  }

  @Test
  void from_shortToken_refusedWithoutRepeatingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of("IPFS_KIT_HTTP_TOKEN", "hunter2")));
    assertTrue(e.getMessage().contains("at least 22 characters"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void from_tokenAndTokenFile_refused() {
    ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of("IPFS_KIT_HTTP_TOKEN", TOKEN,
        "IPFS_KIT_HTTP_TOKEN_FILE", "/x")));
    assertTrue(e.getMessage().contains("set only one of IPFS_KIT_HTTP_TOKEN and IPFS_KIT_HTTP_TOKEN_FILE"), e.getMessage());
  }

  @Test
  void readToken_privateFile_readWithoutTrailingNewline(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, TOKEN + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertEquals(Optional.of(TOKEN), from(Map.of("IPFS_KIT_HTTP_TOKEN_FILE", f.toString())).readToken());
  }

  @Test
  void readToken_groupReadableFile_refusedNamingTheFix(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("token");
    Files.writeString(f, TOKEN);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> from(Map.of("IPFS_KIT_HTTP_TOKEN_FILE", f.toString())).readToken());
    assertTrue(e.getMessage().contains("chmod 600 " + f), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
  }

  @Test
  void withOverrides_badCorsOrigin_namesTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> from(Map.of()).withOverrides(null, null, List.of("http://ok:1", "http://x/path"), null));
    assertEquals("--cors-origin: entry 2 is not of the form the rule gives; each must be " + HttpConfig.CORS_ORIGINS.rule(),
        e.getMessage());
  }

  @Test
  void withOverrides_givenValuesWin() {
    HttpConfig c = from(Map.of("IPFS_KIT_HTTP_PORT", "9000")).withOverrides("0.0.0.0", 9100, List.of(),
        List.of("kit.example.org:9100"));
    assertEquals("0.0.0.0", c.bind());
    assertEquals(9100, c.port());
    assertEquals(List.of("kit.example.org:9100"), c.allowedHosts());
  }
}
