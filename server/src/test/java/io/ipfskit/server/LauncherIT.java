package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The {@code ./ipfs-kit} launcher on a fresh checkout: a copy of every file git would commit (no
 * {@code target/}, no jar), as a new user's clone. Its Maven runs offline from the build's local
 * repository, which already holds everything {@code package} needs once {@code mvn verify} got here.
 *
 * <p>The first test builds the jar (one Maven run, about a minute), so the class has a long timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LauncherIT {
  /** Covers one Maven build of core and server on a loaded 2-core machine. */
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);

  private Path temp;
  private Path checkout;

  /** One temp directory for the class: the tests share the copied checkout (the second reuses the build). */
  @BeforeAll
  void copyTheCheckout(@TempDir Path classTemp) throws Exception {
    temp = classTemp;
    checkout = temp.resolve("fresh checkout");  // a space in the path, as on many desktops
    Path source = Path.of(System.getProperty("ipfskit.repoRoot")).toRealPath();
    for (String file : committableFiles(source)) {
      Path from = source.resolve(file);
      if (!Files.isRegularFile(from)) continue;  // deleted in the work tree
      Path to = checkout.resolve(file);
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
    assertTrue(Files.isExecutable(checkout.resolve("ipfs-kit")), "the launcher keeps its executable bit");
    assertFalse(Files.exists(checkout.resolve("server/target")), "a fresh checkout has no build output");
    // Offline from the outer build's repository; one argument a line (Maven 3.8 and 3.9 read both).
    Files.createDirectories(checkout.resolve(".mvn"));
    Files.writeString(checkout.resolve(".mvn/maven.config"),
        "-o\n-Dmaven.repo.local=" + System.getProperty("ipfskit.localRepository") + "\n", StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void serve_twoLaunchersAtOnceOnAFreshCheckout_oneBuildsAndBothServe() throws Exception {
    Path elsewhere = Files.createDirectories(temp.resolve("cwd"));
    List<String> command = List.of(checkout.resolve("ipfs-kit").toString(), "serve");
    try (StdioClient first = StdioClient.startCommand(command, elsewhere, env("home-1"), temp.resolve("first.stderr"));
        StdioClient second = StdioClient.startCommand(command, elsewhere, env("home-2"), temp.resolve("second.stderr"))) {
      // Both requests are sent at once, before either launcher has built anything.
      send(first, 1, "initialize", initializeParams());
      send(second, 1, "initialize", initializeParams());
      for (StdioClient client : List.of(first, second)) {
        JsonNode init = client.awaitResponse(id(1), BUILD_TIMEOUT);
        assertTrue(init.has("result"), init + "\nstderr:\n" + client.stderr());
        client.notify("notifications/initialized", null);
        send(client, 2, "tools/list", null);
        JsonNode tools = client.awaitResponse(id(2), StdioClient.DEFAULT_TIMEOUT);
        assertTrue(tools.path("result").path("tools").size() > 10, tools.toString());
      }
      String stderr = first.stderr() + second.stderr();
      assertEquals(1, count(stderr, "ipfs-kit: first start, building the server jar (about "),
          "exactly one launcher builds:\n" + stderr);
      assertFalse(stderr.contains("error in opening zip file"), stderr);
      assertFalse(stderr.contains("\u001b"), "no ANSI escape on stderr:\n" + stderr);
      assertFalse(stderr.contains("[INFO]"), "Maven runs quiet:\n" + stderr);
      assertEquals(0, first.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT), first.stderr());
      assertEquals(0, second.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT), second.stderr());
    }  // close() also fails the test if stdout carried anything but JSON-RPC (e.g. Maven output)
    assertTrue(Files.isRegularFile(checkout.resolve("server/target/ipfs-kit.jar")));
    assertTrue(Files.isRegularFile(checkout.resolve("server/target/ipfs-kit.jsa")), "the CDS archive was trained");
  }

  @Test
  @Order(2)
  void serve_launcherReachedThroughSymlinks_findsItsCheckout() throws Exception {
    // ~/bin/ipfs-kit -> relative link -> the real launcher, started from an unrelated directory.
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path links = Files.createDirectories(temp.resolve("links"));
    Files.createSymbolicLink(links.resolve("ipfs-kit"), checkout.resolve("ipfs-kit"));
    Files.createSymbolicLink(bin.resolve("ipfs-kit"), Path.of("../links/ipfs-kit"));
    Path elsewhere = Files.createDirectories(temp.resolve("somewhere else"));
    try (StdioClient client = StdioClient.startCommand(List.of(bin.resolve("ipfs-kit").toString(), "serve"), elsewhere,
        env("home-link"), temp.resolve("link.stderr"))) {
      send(client, 1, "initialize", initializeParams());
      JsonNode init = client.awaitResponse(id(1), BUILD_TIMEOUT);  // builds only when run alone
      assertTrue(init.has("result"), init + "\nstderr:\n" + client.stderr());
      client.notify("notifications/initialized", null);
      send(client, 2, "tools/list", null);
      assertTrue(client.awaitResponse(id(2), StdioClient.DEFAULT_TIMEOUT).path("result").path("tools").size() > 10);
      assertFalse(client.stderr().contains("there is no POM"), client.stderr());
      assertEquals(0, client.closeStdinAndWait(StdioClient.DEFAULT_TIMEOUT), client.stderr());
    }
  }

  /** Tracked files plus new ones not ignored: what a commit would hold, without target/ or *.jsa. */
  private static List<String> committableFiles(Path root) throws IOException, InterruptedException {
    Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
        "--exclude-standard").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = git.getInputStream().readAllBytes();
    if (git.waitFor() == 0 && out.length > 0) {
      List<String> files = new ArrayList<>();
      for (String f : new String(out, StandardCharsets.UTF_8).split("\0")) {
        if (!f.isEmpty()) files.add(f);
      }
      return files;
    }
    // Not a git checkout (e.g. a source archive): everything but build output and IDE files.
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.matches("(.*/)?(target|node_modules|\\.git|\\.idea)/.*") && !p.endsWith(".jsa"))
          .toList();
    }
  }

  private Map<String, String> env(String home) {
    Map<String, String> env = new HashMap<>();
    env.put("IPFS_KIT_HOME", temp.resolve(home).toString());
    String javaHome = System.getProperty("java.home");
    env.put("JAVA_HOME", javaHome);
    String mavenHome = System.getProperty("ipfskit.mavenHome");
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    env.put("PATH", (mavenHome == null || mavenHome.isBlank() ? "" : mavenHome + "/bin:") + javaHome + "/bin:" + path);
    return env;
  }

  private static void send(StdioClient client, long id, String method, Object params) throws IOException {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    if (params != null) message.put("params", params);
    client.sendLine(StdioClient.JSON.writeValueAsString(message));
  }

  private static JsonNode id(long id) {
    return StdioClient.JSON.getNodeFactory().numberNode(id);
  }

  private static Map<String, Object> initializeParams() {
    return Map.of("protocolVersion", "2025-06-18", "capabilities", Map.of(),
        "clientInfo", Map.of("name", "launcher-it", "version", "1"));
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
    return n;
  }
}
