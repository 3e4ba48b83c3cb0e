package io.ipfskit.server.cli;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command receives from the process: environment, user home and the standard
 * streams, so commands never read globals and tests can run them in-process.
 */
public record CliContext(Map<String, String> env, Path userHome, InputStream stdin, PrintStream stdout,
    PrintStream stderr) {

  public static CliContext ofProcess() {
    return new CliContext(System.getenv(), Path.of(System.getProperty("user.home")), System.in,
        System.out, System.err);
  }

  public KitConfig config() {
    return KitConfig.load(env, userHome);
  }

  /** Loads the configuration and opens the home; the shared first step of every command. */
  public KitHome openHome() {
    return KitHome.open(config());
  }
}
