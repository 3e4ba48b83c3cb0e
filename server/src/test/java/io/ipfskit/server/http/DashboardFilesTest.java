package io.ipfskit.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardFilesTest {
  @TempDir Path temp;

  @Test
  void in_folderInsideAJar_isAReadableFolder() throws Exception {
    Path jar = temp.resolve("kit.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      entry(out, "dashboard/index.html", "<!doctype html><title>t</title>");
      entry(out, "dashboard/app.js", "console.log(1)");
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      Path folder = DashboardFiles.in(loader).orElseThrow();
      assertTrue(Files.isDirectory(folder), folder.toString());
      assertEquals("<!doctype html><title>t</title>", Files.readString(folder.resolve("index.html"), UTF_8));
      assertTrue(Files.isRegularFile(folder.resolve("app.js")));
      assertEquals(folder, DashboardFiles.in(loader).orElseThrow(), "a second call reuses the open jar");
    }
  }

  @Test
  void in_plainFolder_isThatFolder() throws Exception {
    Path root = Files.createDirectories(temp.resolve("classes/dashboard")).getParent();
    Files.writeString(root.resolve("dashboard/index.html"), "x", UTF_8);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      assertEquals(root.resolve("dashboard").toRealPath(), DashboardFiles.in(loader).orElseThrow().toRealPath());
    }
  }

  @Test
  void in_noDashboardOnTheClassPath_isEmpty() throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.toUri().toURL()}, null)) {
      assertEquals(Optional.empty(), DashboardFiles.in(loader));
    }
  }

  private static void entry(JarOutputStream out, String name, String text) throws Exception {
    out.putNextEntry(new JarEntry(name));
    OutputStream o = out;
    o.write(text.getBytes(UTF_8));
    out.closeEntry();
  }
}
