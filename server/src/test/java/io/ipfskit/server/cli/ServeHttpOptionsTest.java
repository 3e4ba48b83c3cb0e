package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}'s HTTP options: usage and configuration errors exit 2 before anything is served. */
class ServeHttpOptionsTest {

  @TempDir Path temp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(env);
    all.put("IPFS_KIT_HOME", temp.resolve("home").toString());
    CliContext context = new CliContext(all, temp, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return Main.run(context, args);
  }

  @Test
  void serve_httpOptionWithoutHttp_exit2NamingTheOptions() {
    assertEquals(2, run(Map.of(), "serve", "--port", "9000"));
    assertEquals("ipfs-kit serve: configuration error: --bind, --port, --cors-origin, --allowed-host and --no-auth need"
        + " --http", err.toString().strip());
  }

  @Test
  void serve_wildcardCorsOrigin_exit2NamingTheOptionAndRule() {
    assertEquals(2, run(Map.of(), "serve", "--http", "--port", "0", "--cors-origin", "*"));
    assertEquals("ipfs-kit serve: configuration error: --cors-origin: entry 1 is not of the form the rule gives; each"
        + " must be origins separated by ',' each written scheme://host[:port] (http or https, no path, no '*')",
        err.toString().strip());
  }

  @Test
  void serve_badTokenSetting_exit2WithoutEchoingIt() {
    assertEquals(2, run(Map.of("IPFS_KIT_HTTP_TOKEN", "short-secret"), "serve", "--http"));
    assertFalse(err.toString().contains("short-secret"), err.toString());
    assertEquals("ipfs-kit serve: configuration error: IPFS_KIT_HTTP_TOKEN (from environment): must be at least 22"
        + " characters from A-Z a-z 0-9 . _ ~ + / = -", err.toString().strip());
  }

  @Test
  void serve_noAuthWithToken_exit2() {
    assertEquals(2, run(Map.of("IPFS_KIT_HTTP_TOKEN", "abcdefghijklmnopqrstuvwxyz012345"), "serve", "--http",
        "--no-auth", "--port", "0"));
    assertEquals("ipfs-kit serve: configuration error: --no-auth cannot be combined with a token (IPFS_KIT_HTTP_TOKEN or"
        + " IPFS_KIT_HTTP_TOKEN_FILE); drop one of them", err.toString().strip());
  }
}
