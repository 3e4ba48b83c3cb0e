package io.ipfskit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.ipfskit.server.testing.StdioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * tools-manifest/tools.json must be exactly what the live server's tools/list returns, and
 * server.json must describe this build. On drift the failure lists the differing JSON paths and
 * the command that regenerates both files.
 */
@Timeout(120)
class ToolsManifestIT {

  private static final String REGENERATE = "regenerate with: java -jar server/target/ipfs-kit.jar manifest --write tools-manifest";
  private static final int MAX_REPORTED = 25;

  @TempDir Path temp;

  @Test
  void toolsJson_matchesLiveToolsList() throws Exception {
    JsonNode live;
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      client.initialize();
      live = client.request("tools/list", Map.of()).path("result");
    }
    JsonNode file = read("tools.json");
    List<String> differences = new ArrayList<>();
    diff("", file, live, differences);
    if (!differences.isEmpty()) {
      fail("tools-manifest/tools.json drifted from the live tools/list (" + differences.size() + " difference(s)):\n  "
          + String.join("\n  ", differences.subList(0, Math.min(MAX_REPORTED, differences.size()))) + "\n" + REGENERATE);
    }
  }

  @Test
  void serverJson_nameAndVersionMatchTheLiveServer() throws Exception {
    JsonNode serverInfo;
    try (StdioClient client = StdioClient.start(temp.resolve("home"))) {
      serverInfo = client.initialize().path("serverInfo");
    }
    JsonNode file = read("server.json");
    String version = serverInfo.path("version").asString();
    assertEquals(version, file.path("version").asString(), "server.json version; " + REGENERATE);
    assertEquals(version, file.path("packages").path(0).path("version").asString(), "package version; " + REGENERATE);
    assertEquals(Manifest.SERVER_NAME, file.path("name").asString(), "server.json name; " + REGENERATE);
    assertEquals("ipfs-kit", serverInfo.path("name").asString());
    assertEquals(true, file.path("name").asString().endsWith("/" + serverInfo.path("name").asString()));
    List<String> differences = new ArrayList<>();
    diff("", file, StdioClient.JSON.readTree(Manifest.serverJson(version)), differences);
    if (!differences.isEmpty()) {
      fail("tools-manifest/server.json drifted from what this build generates:\n  " + String.join("\n  ", differences)
          + "\n" + REGENERATE);
    }
  }

  private static JsonNode read(String name) throws IOException {
    String dir = System.getProperty("ipfskit.manifestDir");
    if (dir == null) {
      throw new IllegalStateException("system property ipfskit.manifestDir is not set; run with 'mvn verify'");
    }
    Path file = Path.of(dir, name);
    if (!Files.isRegularFile(file)) {
      fail(file + " is missing; " + REGENERATE);
    }
    return StdioClient.JSON.readTree(Files.readString(file));
  }

  /** Collects "path: file X, live Y" for every difference between two JSON trees. */
  static void diff(String path, JsonNode file, JsonNode live, List<String> out) {
    if (file.isObject() && live.isObject()) {
      TreeSet<String> names = new TreeSet<>(file.propertyNames());
      names.addAll(live.propertyNames());
      for (String name : names) {
        String child = path + "/" + name;
        if (!file.has(name)) {
          out.add(child + ": only in the live server: " + abbreviate(live.get(name)));
        } else if (!live.has(name)) {
          out.add(child + ": only in the file: " + abbreviate(file.get(name)));
        } else {
          diff(child, file.get(name), live.get(name), out);
        }
      }
    } else if (file.isArray() && live.isArray()) {
      for (int i = 0; i < Math.max(file.size(), live.size()); i++) {
        String child = path + "/" + i;
        if (i >= file.size()) {
          out.add(child + ": only in the live server: " + abbreviate(live.get(i)));
        } else if (i >= live.size()) {
          out.add(child + ": only in the file: " + abbreviate(file.get(i)));
        } else {
          diff(child, file.get(i), live.get(i), out);
        }
      }
    } else if (!file.equals(live)) {
      out.add((path.isEmpty() ? "/" : path) + ": file " + abbreviate(file) + ", live " + abbreviate(live));
    }
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
