package io.ipfskit.server;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.SettingValue;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.secrets.VaultConfig;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.core.storage.s3.S3Config;
import io.ipfskit.core.wal.WalConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Where ipfs-kit lives and every typed configuration it runs with, loaded once at start. Nothing
 * below it reads the environment or a settings file: the vault, the WAL and the backends get their
 * typed parts from here.
 *
 * <p>Sources, later ones win: the defaults; the old {@code $IPFS_KIT_HOME/wal.properties} (lower-case
 * WAL keys; read with a warning to move its keys); {@code $IPFS_KIT_HOME/config.properties} (keys are
 * the environment variable names, e.g. {@code IPFS_KIT_KDF=argon2id}); the process environment.
 * Every value remembers its source ({@link #settings()}), so errors say where a bad value came from.
 *
 * <p>Strict: {@link #KNOWN_SETTINGS} is the one list of keys (each with its rule, bounds, default
 * and doc line). An unknown {@code IPFS_KIT_*} key in the file or the environment, or a value that
 * breaks its rule, fails {@link #load} with a {@link ConfigException} naming key, source and rule;
 * the command line turns that into exit code 2 before anything starts.
 *
 * @param home the home directory ({@code IPFS_KIT_HOME}, default {@code ~/.ipfs_kit}), absolute
 * @param configFileOrNull the {@code config.properties} that was read, or null when there is none
 * @param settings every given setting with its source (home excluded)
 * @param vault the vault's configuration
 * @param wal the write-ahead log's configuration
 * @param backends the storage backends' configuration
 * @param allowedRoots the operator's file access roots ({@code IPFS_KIT_ALLOWED_ROOTS}); {@link
 *     AllowedRoots#none()} when unset. None lies inside the home.
 * @param warnings what the operator should change (e.g. an old file to fold in), already logged
 */
public record KitConfig(Path home, Path configFileOrNull, Settings settings, VaultConfig vault, WalConfig wal,
    BackendsConfig backends, AllowedRoots allowedRoots, List<String> warnings) {

  public static final String HOME_VARIABLE = "IPFS_KIT_HOME";
  public static final String PREFIX = "IPFS_KIT_";
  public static final String CONFIG_FILE_NAME = "config.properties";

  /** {@code IPFS_KIT_HOME}: environment only (a file inside the home cannot name the home). */
  public static final Setting<Path> HOME = new Setting<>(HOME_VARIABLE, "an absolute path", "~/.ipfs_kit",
      "data directory (created 0700); the vault lives in secrets/, the log in wal/ (environment only)", raw -> {
        Path p = Path.of(raw);
        if (!p.isAbsolute()) throw new IllegalArgumentException("relative");
        return p;
      });

  /** {@code IPFS_KIT_MAX_MESSAGE_BYTES}: the longest JSON-RPC message line {@code serve} accepts over stdio. */
  public static final Setting<Integer> MAX_MESSAGE_BYTES = Setting.integer("IPFS_KIT_MAX_MESSAGE_BYTES", 1024,
      1 << 30, "bytes", 4 * 1024 * 1024, "longest JSON-RPC message (one stdin line) serve accepts; a longer one is"
          + " answered with -32600 carrying its id when readable; over HTTP, the largest request body (413 above it)");
  /** Largest content a client reads in one answer: an {@code ipfs://} resource, or inline in a {@code cat} result. */
  public static final int DEFAULT_CONTENT_MAX_BYTES = 1024 * 1024;
  /** 16 MiB: base64 makes it ~22 MB of JSON, still under what hosts accept in one message. */
  public static final int MAX_CONTENT_MAX_BYTES = 16 * 1024 * 1024;
  public static final Setting<Integer> CONTENT_MAX_BYTES = Setting.integer("IPFS_KIT_CONTENT_MAX_BYTES", 0,
      MAX_CONTENT_MAX_BYTES, "bytes", DEFAULT_CONTENT_MAX_BYTES,
      "largest stored content a client reads in one answer: an ipfs:// resource (larger is an error) or a cat"
          + " result's inline content (larger is cut, with truncated: true)");

  /**
   * {@code IPFS_KIT_ALLOWED_ROOTS}: the folders MCP tools may read from and write to (see {@link
   * AllowedRoots#parseSetting}). {@link #load} parses it with the entry-by-entry messages of {@link
   * AllowedRoots#parseSetting} and refuses a root inside the home.
   */
  public static final Setting<AllowedRoots> ALLOWED_ROOTS = new Setting<>(AllowedRoots.SETTING,
      "absolute folders separated by ':' (no empty entries, no surrounding whitespace, ~ not expanded), "
          + "none inside IPFS_KIT_HOME", "unset",
      "folders MCP tools may read files from (add params.path) and write files to (get/cat params.destination); "
          + "intersected with the client's MCP roots", AllowedRoots::parseSetting);

  /** Every known setting: the home, the file access roots, the vault's, the WAL's, the stdio server's, the backends'. */
  public static final List<Setting<?>> KNOWN_SETTINGS = knownSettings();

  private static List<Setting<?>> knownSettings() {
    List<Setting<?>> all = new ArrayList<>();
    all.add(HOME);
    all.add(ALLOWED_ROOTS);
    all.addAll(VaultConfig.SETTINGS);
    all.addAll(WalConfig.SETTINGS.values());
    all.add(WalConfig.MAX_ADD_BYTES);
    all.add(MAX_MESSAGE_BYTES);
    all.add(CONTENT_MAX_BYTES);
    all.addAll(IpfsConfig.SETTINGS);
    all.addAll(S3Config.SETTINGS);
    all.addAll(io.ipfskit.core.storage.storacha.StorachaConfig.SETTINGS);
    all.addAll(io.ipfskit.server.http.HttpConfig.SETTINGS);
    all.addAll(io.ipfskit.core.resilience.ResilienceConfig.SETTINGS);
    all.addAll(io.ipfskit.core.storage.HealthThresholds.SETTINGS);
    all.addAll(io.ipfskit.core.storage.PoolConfig.SETTINGS);
    all.addAll(io.ipfskit.core.resilience.ContentCacheConfig.SETTINGS);
    all.addAll(io.ipfskit.core.storage.s3.HeadCacheConfig.SETTINGS);
    return List.copyOf(all);
  }

  public KitConfig {
    requireNonNull(home, "home");
    requireNonNull(settings, "settings");
    requireNonNull(vault, "vault");
    requireNonNull(wal, "wal");
    requireNonNull(backends, "backends");
    requireNonNull(allowedRoots, "allowedRoots");
    warnings = List.copyOf(warnings);
    if (!home.isAbsolute()) {
      throw new IllegalArgumentException("home must be an absolute path, but was relative");
    }
  }

  /** Every default, for a home that is not configured (scratch homes, tests). */
  public static KitConfig defaults(Path home) {
    requireNonNull(home, "home");
    return parse(home.toAbsolutePath(), null, Settings.empty(), List.of());
  }

  /** Where {@code name} came from: a file, the environment, or the default. */
  public SettingSource sourceOf(String name) {
    return settings.source(name);
  }

  /**
   * Reads the home from {@code env} (or {@code userHome/.ipfs_kit}), then the old
   * {@code wal.properties} and {@code config.properties} if present, then every {@code IPFS_KIT_*}
   * variable of {@code env}, and parses every typed configuration.
   *
   * @throws ConfigException for an unknown key or a value that breaks its rule (naming key, source, rule)
   * @throws IllegalArgumentException when the file holds a key that is not an {@code IPFS_KIT_*} name
   * @throws UncheckedIOException when a settings file exists but cannot be read
   */
  public static KitConfig load(Map<String, String> env, Path userHome) {
    requireNonNull(env, "env");
    String homeText = env.get(HOME_VARIABLE);
    Path home = homeText == null || homeText.isBlank()
        ? userHome.resolve(".ipfs_kit").toAbsolutePath()
        : HOME.parse(new SettingValue(homeText, SettingSource.environment()));

    Map<String, SettingValue> merged = new TreeMap<>();
    List<String> warnings = new ArrayList<>();
    Path legacy = home.resolve(WalConfig.FILE_NAME);
    if (Files.isRegularFile(legacy)) {
      merged.putAll(readLegacyWalFile(legacy));
      String warning = legacy + " is deprecated: move its keys into " + home.resolve(CONFIG_FILE_NAME)
          + " as IPFS_KIT_WAL_<KEY> (e.g. fsync_mode=batch becomes IPFS_KIT_WAL_FSYNC_MODE=batch) and delete it;"
          + " config.properties and the environment override it";
      warnings.add(warning);
      LoggerFactory.getLogger(KitConfig.class).warn(warning);
    }
    Path file = home.resolve(CONFIG_FILE_NAME);
    Path fileRead = null;
    if (Files.isRegularFile(file)) {
      merged.putAll(readConfigFile(file));
      fileRead = file;
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String key = e.getKey();
      if (key.startsWith(PREFIX) && !key.equals(HOME_VARIABLE)) {
        requireKnown(key, SettingSource.environment());
        merged.put(key, new SettingValue(e.getValue(), SettingSource.environment()));
      }
    }
    return parse(home, fileRead, Settings.of(merged), warnings);
  }

  /** {@link #CONTENT_MAX_BYTES}, checked by {@link #load} already. */
  public int contentMaxBytes() {
    return settings.get(CONTENT_MAX_BYTES, DEFAULT_CONTENT_MAX_BYTES);
  }

  /**
   * The resilience layer's configuration (breakers, ramp, retry, budget, concurrency, peers), from
   * the {@code IPFS_KIT_BREAKER_*}, {@code IPFS_KIT_RAMP_*}, {@code IPFS_KIT_RETRY_*}, {@code
   * IPFS_KIT_CONCURRENCY_*} and {@code IPFS_KIT_PEERS_*} keys, checked by {@link #load} already.
   */
  public io.ipfskit.core.resilience.ResilienceConfig resilience() {
    return io.ipfskit.core.resilience.ResilienceConfig.from(settings);
  }

  /** The remote backends' connection pools ({@code IPFS_KIT_POOL_*}), checked by {@link #load} already. */
  public io.ipfskit.core.storage.PoolConfig pool() {
    return io.ipfskit.core.storage.PoolConfig.from(settings);
  }

  /** The read cache of small content by CID ({@code IPFS_KIT_CACHE_*}), checked by {@link #load} already. */
  public io.ipfskit.core.resilience.ContentCacheConfig contentCache() {
    return io.ipfskit.core.resilience.ContentCacheConfig.from(settings);
  }

  /** The s3 backend's head answer cache ({@code IPFS_KIT_CACHE_S3_HEAD_*}), checked by {@link #load} already. */
  public io.ipfskit.core.storage.s3.HeadCacheConfig s3HeadCache() {
    return io.ipfskit.core.storage.s3.HeadCacheConfig.from(settings);
  }

  private static KitConfig parse(Path home, Path fileRead, Settings settings, List<String> warnings) {
    settings.get(CONTENT_MAX_BYTES, DEFAULT_CONTENT_MAX_BYTES); // fail fast on a bad value
    io.ipfskit.core.resilience.ResilienceConfig.from(settings); // fail fast on a bad breaker/ramp/retry value
    io.ipfskit.server.http.HttpConfig.from(settings); // the HTTP settings too (the token file is read at serve --http)
    io.ipfskit.core.storage.HealthThresholds.from(settings); // and the health thresholds
    io.ipfskit.core.storage.PoolConfig.from(settings); // and the connection pools
    io.ipfskit.core.resilience.ContentCacheConfig.from(settings); // and the read cache
    io.ipfskit.core.storage.s3.HeadCacheConfig.from(settings); // and the S3 head answer cache
    VaultConfig vault = VaultConfig.from(home, settings);
    WalConfig wal = WalConfig.from(home, settings);
    BackendsConfig backends = BackendsConfig.embedded(home)
        .withIpfs(IpfsConfig.from(settings).orElse(null))
        .withS3(S3Config.from(home, settings).orElse(null))
        .withStoracha(io.ipfskit.core.storage.storacha.StorachaConfig.from(home, settings).orElse(null));
    return new KitConfig(home, fileRead, settings, vault, wal, backends, allowedRoots(home, settings), warnings);
  }

  /** Parses {@link #ALLOWED_ROOTS}; its messages name the entry by position and the rule, never its text. */
  private static AllowedRoots allowedRoots(Path home, Settings settings) {
    Optional<SettingValue> value = settings.value(ALLOWED_ROOTS.name());
    if (value.isEmpty()) return AllowedRoots.none();
    SettingSource source = value.get().source();
    try {
      AllowedRoots roots = AllowedRoots.parseSetting(value.get().raw());
      roots.requireOperatorRootsOutsideHome(home);
      return roots;
    } catch (IllegalArgumentException e) {
      // The message starts with the key; ConfigException puts key and source first.
      String rule = e.getMessage().startsWith(ALLOWED_ROOTS.name() + " ")
          ? e.getMessage().substring(ALLOWED_ROOTS.name().length() + 1) : e.getMessage();
      throw new ConfigException(ALLOWED_ROOTS.name(), source, rule);
    }
  }

  private static Map<String, SettingValue> readConfigFile(Path file) {
    SettingSource source = SettingSource.file(file);
    Map<String, SettingValue> values = new TreeMap<>();
    for (Map.Entry<String, String> e : readProperties(file).entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(PREFIX)) {
        throw new IllegalArgumentException(file + ": key '" + key + "' is not an ipfs-kit setting;"
            + " keys are the IPFS_KIT_* environment variable names (see README, Configuration)");
      }
      if (key.equals(HOME_VARIABLE)) {
        throw new ConfigException(key, source, "cannot be set inside the home it names; set it in the environment");
      }
      requireKnown(key, source);
      values.put(key, new SettingValue(e.getValue(), source));
    }
    return values;
  }

  /** The old WAL file: lower-case WAL keys only, mapped to their {@code IPFS_KIT_WAL_*} names. */
  private static Map<String, SettingValue> readLegacyWalFile(Path file) {
    SettingSource source = SettingSource.legacyFile(file);
    Map<String, SettingValue> values = new TreeMap<>();
    for (Map.Entry<String, String> e : readProperties(file).entrySet()) {
      if (!WalConfig.KEYS.contains(e.getKey())) {
        throw new ConfigException(e.getKey(), source, "unknown key; known keys: " + WalConfig.KEYS);
      }
      values.put(WalConfig.envName(e.getKey()), new SettingValue(e.getValue(), source));
    }
    return values;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key));
    }
    return values;
  }

  private static void requireKnown(String key, SettingSource source) {
    if (find(key).isPresent()) return;
    String suggestion = closest(key).map(s -> "; did you mean " + s + "?").orElse("");
    throw new ConfigException(key, source, "unknown setting" + suggestion
        + " (every setting is listed in README, Configuration)");
  }

  /** The known setting called {@code name}. */
  public static Optional<Setting<?>> find(String name) {
    return KNOWN_SETTINGS.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The known name within a small edit distance of {@code key}, for "did you mean". */
  private static Optional<String> closest(String key) {
    String best = null;
    int bestDistance = 4;
    for (Setting<?> s : KNOWN_SETTINGS) {
      int d = editDistance(key, s.name());
      if (d < bestDistance) {
        bestDistance = d;
        best = s.name();
      }
    }
    return Optional.ofNullable(best);
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
