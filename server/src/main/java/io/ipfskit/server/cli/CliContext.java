package io.ipfskit.server.cli;

import static java.util.Objects.requireNonNull;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every command receives from the process: environment, user home and the standard
 * streams, so commands never read globals and tests can run them in-process. This is the one
 * place the environment enters: {@link #config()} turns it into the typed {@link KitConfig}, once.
 *
 * <p>Thread safety: {@link #config()} synchronises on this object, which guards {@code config}.
 */
public final class CliContext {
  private final Map<String, String> env;
  private final Path userHome;
  private final InputStream stdin;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private KitConfig config; // guarded by this

  public CliContext(Map<String, String> env, Path userHome, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    this.env = Map.copyOf(requireNonNull(env, "env"));
    this.userHome = requireNonNull(userHome, "userHome");
    this.stdin = requireNonNull(stdin, "stdin");
    this.stdout = requireNonNull(stdout, "stdout");
    this.stderr = requireNonNull(stderr, "stderr");
  }

  public static CliContext ofProcess() {
    return new CliContext(System.getenv(), Path.of(System.getProperty("user.home")), System.in,
        System.out, System.err);
  }

  /** The user's home directory (for per-user caches such as the benchmark's Node packages). */
  public Path userHome() {
    return userHome;
  }

  /**
   * The process environment as the CLI received it. Settings are read only through {@link #config()};
   * this is for non-setting variables of tools around the server (e.g. {@code XDG_CACHE_HOME}).
   */
  public Map<String, String> env() {
    return env;
  }

  public InputStream stdin() {
    return stdin;
  }

  public PrintStream stdout() {
    return stdout;
  }

  public PrintStream stderr() {
    return stderr;
  }

  /**
   * The configuration, loaded and checked on the first call and kept (a failed load is not kept).
   *
   * @throws io.ipfskit.core.config.ConfigException on an unknown key or an invalid value
   */
  public synchronized KitConfig config() {
    if (config == null) {
      config = KitConfig.load(env, userHome);
    }
    return config;
  }

  /** Loads the configuration and opens the home; the shared first step of every command. */
  public KitHome openHome() {
    return KitHome.open(config());
  }
}
