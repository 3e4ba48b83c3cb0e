package io.ipfskit.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the web dashboard that the build put on the classpath as the folder {@code dashboard/}
 * ({@code index.html}, {@code style.css}, {@code app.js}; written by {@code dashboard/build.sh} into
 * {@code target/classes/dashboard} during generate-resources, so the shaded jar carries it). The
 * result is a folder {@link Path} for {@link HttpServer.Builder#staticDir}: a plain directory when
 * running from {@code target/classes}, or the folder inside the jar through the JDK's zip file
 * system (opened once, kept open for the life of the process: it only reads the jar).
 */
public final class DashboardFiles {
  /** The classpath folder the build writes the dashboard to. */
  public static final String CLASSPATH_FOLDER = "dashboard";

  private DashboardFiles() {}

  /** The dashboard folder on this class's class path; empty when the jar was built without it (-Ddashboard.skip). */
  public static Optional<Path> onClassPath() {
    return in(DashboardFiles.class.getClassLoader());
  }

  static Optional<Path> in(ClassLoader loader) {
    URL index = loader.getResource(CLASSPATH_FOLDER + "/index.html");
    if (index == null) return Optional.empty();
    URI uri;
    try {
      uri = index.toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the dashboard's classpath URL is not a URI: " + index, e);
    }
    if ("jar".equals(uri.getScheme())) {
      try {
        FileSystems.newFileSystem(uri, Map.of());
      } catch (FileSystemAlreadyExistsException alreadyOpen) {
        // opened by an earlier call (or by the JDK for this jar): Path.of below finds it
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + uri + " to serve the dashboard", e);
      }
    }
    Path folder = Path.of(uri).getParent();
    return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
  }
}
