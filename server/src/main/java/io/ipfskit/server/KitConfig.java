package io.ipfskit.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where ipfs-kit lives and the {@code IPFS_KIT_*} settings it runs with, read once at start.
 *
 * <p>Sources, later ones win: the optional file {@code $IPFS_KIT_HOME/config.properties} (keys are
 * the environment variable names, e.g. {@code IPFS_KIT_KDF=argon2id}), then the process
 * environment. Typed configurations (the vault's, the WAL's) are parsed from {@link #settings()}
 * by their owners; this record only gathers and checks the raw strings.
 *
 * @param home the home directory ({@code IPFS_KIT_HOME}, default {@code ~/.ipfs_kit})
 * @param configFileOrNull the config file that was read, or null when there is none
 * @param settings every {@code IPFS_KIT_*} setting, environment over file, sorted by name
 */
public record KitConfig(Path home, Path configFileOrNull, Map<String, String> settings) {

  public static final String HOME_VARIABLE = "IPFS_KIT_HOME";
  public static final String PREFIX = "IPFS_KIT_";
  public static final String CONFIG_FILE_NAME = "config.properties";

  public KitConfig {
    requireNonNull(home, "home");
    requireNonNull(settings, "settings");
    if (!home.isAbsolute()) {
      throw new IllegalArgumentException(HOME_VARIABLE + " must be an absolute path, but was '" + home + "'");
    }
    for (String key : settings.keySet()) {
      if (!key.startsWith(PREFIX)) {
        throw new IllegalArgumentException(
            "setting '" + key + "' is not an ipfs-kit setting: names start with " + PREFIX);
      }
    }
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /**
   * Reads the home from {@code env} (or {@code userHome/.ipfs_kit}), then its config file if
   * present, then overlays every {@code IPFS_KIT_*} variable of {@code env}.
   *
   * @throws IllegalArgumentException when the home is relative or the file holds a key that is
   *     not an {@code IPFS_KIT_*} name or names the home itself
   * @throws java.io.UncheckedIOException when the config file exists but cannot be read
   */
  public static KitConfig load(Map<String, String> env, Path userHome) {
    String homeText = env.get(HOME_VARIABLE);
    Path home;
    if (homeText == null || homeText.isBlank()) {
      home = userHome.resolve(".ipfs_kit").toAbsolutePath();
    } else {
      home = Path.of(homeText);
      if (!home.isAbsolute()) {
        throw new IllegalArgumentException(
            HOME_VARIABLE + " must be an absolute path, but was '" + homeText + "'");
      }
    }
    Map<String, String> merged = new TreeMap<>();
    Path file = home.resolve(CONFIG_FILE_NAME);
    Path fileRead = null;
    if (Files.isRegularFile(file)) {
      merged.putAll(readFile(file));
      fileRead = file;
    }
    env.forEach((key, value) -> {
      if (key.startsWith(PREFIX) && !key.equals(HOME_VARIABLE)) {
        merged.put(key, value);
      }
    });
    return new KitConfig(home, fileRead, merged);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith(PREFIX)) {
        throw new IllegalArgumentException(file + ": key '" + key + "' is not an ipfs-kit setting;"
            + " keys are the IPFS_KIT_* environment variable names (see README, Configuration)");
      }
      if (key.equals(HOME_VARIABLE)) {
        throw new IllegalArgumentException(file + ": " + HOME_VARIABLE
            + " cannot be set inside the home it names; set it in the environment");
      }
      values.put(key, properties.getProperty(key).trim());
    }
    return values;
  }
}
