package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.SettingValue;
import io.ipfskit.core.config.Settings;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Write-ahead log settings. Keys use the reference names ({@link #KEYS}): {@code path, fsync_mode,
 * batch_size, batch_interval_ms, periodic_interval_ms, segment_size (bytes), partition_size,
 * max_retries, retry_delay (seconds), max_retry_delay (seconds), archive_completed, process_interval
 * (seconds), max_age_days, concurrency}. Second values may have a fraction ("0.5"). At start-up they
 * are read as {@code IPFS_KIT_WAL_<KEY upper case>} from the kit's configuration ({@link #from}); this
 * class never reads the environment or a file. {@link #with} changes the {@link #LIVE_KEYS} while the
 * log runs, under the same bounds ({@link #SETTINGS}): a value out of bounds is refused, never clamped
 * (an interval of {@code Long.MAX_VALUE} ms once overflowed the flusher's wait and stopped fsyncs).
 *
 * <p>Two more values are not {@code IPFS_KIT_WAL_*} keys and are not shown or changed by {@code
 * wal_config}: {@code home} ({@code IPFS_KIT_HOME}, which the run-time file access check carves out
 * of every root) and {@code maxAddBytes} ({@link #MAX_ADD_BYTES}, the most one {@code add} of a host
 * file may read). They live here because this record is the one typed configuration that reaches the
 * log in every process that runs operations.
 */
public record WalConfig(
    Path directory,
    FsyncMode fsyncMode,
    int batchSize,
    Duration batchInterval,
    Duration periodicInterval,
    long segmentSizeBytes,
    int partitionSize,
    int maxRetries,
    Duration retryDelay,
    Duration maxRetryDelay,
    boolean archiveCompleted,
    Duration processInterval,
    int maxAgeDays,
    int concurrencyPerBackend,
    Path home,
    long maxAddBytes) {

  public static final String ENV_PREFIX = "IPFS_KIT_WAL_";
  /** The old settings file {@code <home>/wal.properties}, lower-case keys; the kit's configuration reads it once with a warning. */
  public static final String FILE_NAME = "wal.properties";
  public static final long MIN_SEGMENT_SIZE_BYTES = 4096;
  public static final long MAX_SEGMENT_SIZE_BYTES = 1L << 30;
  public static final int MAX_BATCH_SIZE = 1_000_000;
  public static final Duration MIN_INTERVAL = Duration.ofMillis(1);
  /** Upper bound of the flusher intervals and the scheduler pass interval. */
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);
  public static final Duration MAX_RETRY_DELAY = Duration.ofDays(1);
  public static final int MAX_PARTITION_SIZE = 1_000_000;
  public static final int MAX_MAX_RETRIES = 100;
  public static final int MAX_MAX_AGE_DAYS = 36_500;
  public static final int MAX_CONCURRENCY = 256;
  /** The default of {@link #MAX_ADD_BYTES}: 10 GiB. */
  public static final long DEFAULT_MAX_ADD_BYTES = 10L << 30;
  /** The upper bound of {@link #MAX_ADD_BYTES}: 1 TiB. */
  public static final long MAX_MAX_ADD_BYTES = 1L << 40;

  /**
   * {@code IPFS_KIT_MAX_ADD_BYTES}: the most bytes one {@code add} may read from a host file (or its
   * {@code content}); a larger, sparse or growing file fails the operation permanently with the size
   * read so far.
   */
  public static final Setting<Long> MAX_ADD_BYTES = Setting.longInteger("IPFS_KIT_MAX_ADD_BYTES", 1, MAX_MAX_ADD_BYTES,
      "bytes", DEFAULT_MAX_ADD_BYTES, "largest file one add may read; past it the operation fails permanently");

  /** Every key, in reference order. */
  public static final List<String> KEYS = List.of("path", "fsync_mode", "batch_size", "batch_interval_ms",
      "periodic_interval_ms", "segment_size", "partition_size", "max_retries", "retry_delay", "max_retry_delay",
      "archive_completed", "process_interval", "max_age_days", "concurrency");

  /** Keys {@link #with} and {@code WriteAheadLog.updateConfig} accept while the log runs. */
  public static final List<String> LIVE_KEYS = List.of("batch_size", "batch_interval_ms", "periodic_interval_ms",
      "max_retries", "retry_delay", "max_retry_delay", "archive_completed", "process_interval", "max_age_days");

  /** Each key's setting (name {@code IPFS_KIT_WAL_<KEY>}, rule with bounds, default, doc), in {@link #KEYS} order. */
  public static final Map<String, Setting<?>> SETTINGS = settings();

  private static Map<String, Setting<?>> settings() {
    Map<String, FsyncMode> modes = new LinkedHashMap<>();
    for (FsyncMode m : FsyncMode.values()) modes.put(m.wireName(), m);
    Map<String, Setting<?>> s = new LinkedHashMap<>();
    s.put("path", Setting.text(envName("path"), "a non-empty path", "$IPFS_KIT_HOME/wal",
        "log directory (segments, checkpoints, partitions/*.parquet); relative to the home"));
    s.put("fsync_mode", Setting.choice(envName("fsync_mode"), modes, "always",
        "always: an add returns after the fsync that covers it; batch: fsync every BATCH_SIZE records or"
            + " BATCH_INTERVAL_MS; periodic: every PERIODIC_INTERVAL_MS"));
    s.put("batch_size", Setting.integer(envName("batch_size"), 1, MAX_BATCH_SIZE, "records", 256,
        "batch mode: fsync after this many records (live)"));
    s.put("batch_interval_ms", Setting.millis(envName("batch_interval_ms"), MIN_INTERVAL, MAX_INTERVAL,
        Duration.ofMillis(10), "batch mode: fsync at least this often (live)"));
    s.put("periodic_interval_ms", Setting.millis(envName("periodic_interval_ms"), MIN_INTERVAL, MAX_INTERVAL,
        Duration.ofMillis(100), "periodic mode: fsync this often (live)"));
    s.put("segment_size", Setting.longInteger(envName("segment_size"), MIN_SEGMENT_SIZE_BYTES, MAX_SEGMENT_SIZE_BYTES,
        "bytes", 64L << 20, "bytes per segment file"));
    s.put("partition_size", Setting.integer(envName("partition_size"), 1, MAX_PARTITION_SIZE, "rows", 1000,
        "rows per Parquet partition"));
    s.put("max_retries", Setting.integer(envName("max_retries"), 0, MAX_MAX_RETRIES, null, 5,
        "attempts after the first before failed (live)"));
    s.put("retry_delay", Setting.seconds(envName("retry_delay"), MIN_INTERVAL, MAX_RETRY_DELAY, Duration.ofSeconds(60),
        "first retry backoff; random(0, min(max, delay*2^n)) (live)"));
    s.put("max_retry_delay", Setting.seconds(envName("max_retry_delay"), MIN_INTERVAL, MAX_RETRY_DELAY,
        Duration.ofHours(1), "largest retry backoff, at least retry_delay (live)"));
    s.put("archive_completed", Setting.bool(envName("archive_completed"), true,
        "move finished operations to Parquet (live)"));
    s.put("process_interval", Setting.seconds(envName("process_interval"), MIN_INTERVAL, MAX_INTERVAL,
        Duration.ofSeconds(5), "seconds between scheduler passes; a new operation wakes it at once (live)"));
    s.put("max_age_days", Setting.integer(envName("max_age_days"), 1, MAX_MAX_AGE_DAYS, "days", 30,
        "finished operations older than this are removed (live)"));
    s.put("concurrency", Setting.integer(envName("concurrency"), 1, MAX_CONCURRENCY, null, 4,
        "operations in flight per backend"));
    if (!List.copyOf(s.keySet()).equals(KEYS)) throw new AssertionError("SETTINGS and KEYS differ");
    return Collections.unmodifiableMap(s);
  }

  /** {@code IPFS_KIT_WAL_<KEY upper case>}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
  }

  public WalConfig {
    requireNonNull(directory, "path");
    requireNonNull(fsyncMode, "fsync_mode");
    requireNonNull(batchInterval, "batch_interval_ms");
    requireNonNull(periodicInterval, "periodic_interval_ms");
    requireNonNull(retryDelay, "retry_delay");
    requireNonNull(maxRetryDelay, "max_retry_delay");
    requireNonNull(processInterval, "process_interval");
    between("batch_size", batchSize, 1, MAX_BATCH_SIZE, "");
    between("batch_interval_ms", batchInterval, MIN_INTERVAL, MAX_INTERVAL);
    between("periodic_interval_ms", periodicInterval, MIN_INTERVAL, MAX_INTERVAL);
    between("segment_size", segmentSizeBytes, MIN_SEGMENT_SIZE_BYTES, MAX_SEGMENT_SIZE_BYTES, " bytes");
    between("partition_size", partitionSize, 1, MAX_PARTITION_SIZE, "");
    between("max_retries", maxRetries, 0, MAX_MAX_RETRIES, "");
    between("retry_delay", retryDelay, MIN_INTERVAL, MAX_RETRY_DELAY);
    between("max_retry_delay", maxRetryDelay, MIN_INTERVAL, MAX_RETRY_DELAY);
    if (maxRetryDelay.compareTo(retryDelay) < 0)
      throw new IllegalArgumentException("max_retry_delay must be >= retry_delay (" + seconds(retryDelay)
          + " s), but was " + seconds(maxRetryDelay) + " s");
    between("process_interval", processInterval, MIN_INTERVAL, MAX_INTERVAL);
    between("max_age_days", maxAgeDays, 1, MAX_MAX_AGE_DAYS, "");
    between("concurrency", concurrencyPerBackend, 1, MAX_CONCURRENCY, "");
    requireNonNull(home, "home");
    between("max_add_bytes", maxAddBytes, 1, MAX_MAX_ADD_BYTES, " bytes");
  }

  /**
   * The settings without {@code home} and {@code maxAddBytes}: the home is taken to be the folder
   * holding {@code directory} (the layout {@code <home>/wal}) and the add limit is {@link
   * #DEFAULT_MAX_ADD_BYTES}.
   */
  public WalConfig(Path directory, FsyncMode fsyncMode, int batchSize, Duration batchInterval,
      Duration periodicInterval, long segmentSizeBytes, int partitionSize, int maxRetries, Duration retryDelay,
      Duration maxRetryDelay, boolean archiveCompleted, Duration processInterval, int maxAgeDays,
      int concurrencyPerBackend) {
    this(directory, fsyncMode, batchSize, batchInterval, periodicInterval, segmentSizeBytes, partitionSize, maxRetries,
        retryDelay, maxRetryDelay, archiveCompleted, processInterval, maxAgeDays, concurrencyPerBackend,
        homeOf(directory), DEFAULT_MAX_ADD_BYTES);
  }

  private static Path homeOf(Path directory) {
    requireNonNull(directory, "path");
    Path parent = directory.toAbsolutePath().normalize().getParent();
    return parent == null ? directory.toAbsolutePath() : parent;
  }

  /** A copy with another maximum size for one add ({@link #MAX_ADD_BYTES}). */
  public WalConfig withMaxAddBytes(long bytes) {
    return new WalConfig(directory, fsyncMode, batchSize, batchInterval, periodicInterval, segmentSizeBytes,
        partitionSize, maxRetries, retryDelay, maxRetryDelay, archiveCompleted, processInterval, maxAgeDays,
        concurrencyPerBackend, home, bytes);
  }

  private static void between(String key, long v, long min, long max, String unit) {
    if (v < min || v > max)
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + unit + ", but was " + v);
  }

  private static void between(String key, Duration d, Duration min, Duration max) {
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0)
      throw new IllegalArgumentException(key + " must be between " + seconds(min) + " s and " + seconds(max)
          + " s, but was " + d);
  }

  public static WalConfig defaults(Path home) {
    requireNonNull(home, "home");
    return new WalConfig(home.resolve("wal"), FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100),
        64L << 20, 1000, 5, Duration.ofSeconds(60), Duration.ofHours(1), true, Duration.ofSeconds(5), 30, 4, home,
        DEFAULT_MAX_ADD_BYTES);
  }

  /**
   * Defaults, then every {@code IPFS_KIT_WAL_*} value in {@code settings} (the kit's configuration:
   * {@code config.properties}, the environment, the old {@code wal.properties}). A relative
   * {@code path} is resolved against {@code home}. Unknown keys are the caller's to refuse (it knows
   * every setting); this reads only its own.
   *
   * @throws io.ipfskit.core.config.ConfigException naming the key, its source and the rule
   */
  public static WalConfig from(Path home, Settings settings) {
    requireNonNull(settings, "settings");
    Map<String, SettingValue> values = new LinkedHashMap<>();
    for (String key : KEYS) {
      settings.value(envName(key)).ifPresent(v -> values.put(key, v));
    }
    WalConfig c = defaults(home).apply(home, values, true);
    var maxAdd = settings.value(MAX_ADD_BYTES.name());
    return maxAdd.isPresent() ? c.withMaxAddBytes(MAX_ADD_BYTES.parse(maxAdd.get())) : c;
  }

  /**
   * A copy with live-updatable keys changed (the {@code wal_config} tool's {@code set}), under the
   * same bounds as at start-up.
   *
   * @throws IllegalArgumentException for an unknown or non-live key (naming it and the live keys);
   *     {@link io.ipfskit.core.config.ConfigException} for a value that breaks its rule (naming key and rule)
   */
  public WalConfig with(Map<String, String> changes) {
    for (String key : changes.keySet()) {
      if (!LIVE_KEYS.contains(key))
        throw new IllegalArgumentException((KEYS.contains(key) ? "key '" + key + "' cannot be changed while the log runs"
            : "unknown key '" + key + "'") + "; live keys: " + LIVE_KEYS);
    }
    Map<String, SettingValue> values = new LinkedHashMap<>();
    changes.forEach((k, v) -> values.put(k, new SettingValue(v == null ? "" : v, SettingSource.liveUpdate())));
    return apply(directory, values, false);
  }

  /** {@code startUp}: name keys as {@code IPFS_KIT_WAL_*} (as the user wrote them there); else by their short name. */
  private WalConfig apply(Path home, Map<String, SettingValue> values, boolean startUp) {
    Path dir = directory;
    FsyncMode mode = fsyncMode;
    int batch = batchSize;
    Duration batchIv = batchInterval;
    Duration periodicIv = periodicInterval;
    long segment = segmentSizeBytes;
    int partition = partitionSize;
    int retries = maxRetries;
    Duration delay = retryDelay;
    Duration maxDelay = maxRetryDelay;
    boolean archive = archiveCompleted;
    Duration process = processInterval;
    int age = maxAgeDays;
    int conc = concurrencyPerBackend;
    for (Map.Entry<String, SettingValue> e : values.entrySet()) {
      String key = e.getKey();
      Setting<?> setting = SETTINGS.get(key);
      if (setting == null) throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + KEYS);
      Object v = setting.parse(startUp ? setting.name() : key, e.getValue());
      switch (key) {
        case "path" -> dir = home.resolve((String) v);
        case "fsync_mode" -> mode = (FsyncMode) v;
        case "batch_size" -> batch = (Integer) v;
        case "batch_interval_ms" -> batchIv = (Duration) v;
        case "periodic_interval_ms" -> periodicIv = (Duration) v;
        case "segment_size" -> segment = (Long) v;
        case "partition_size" -> partition = (Integer) v;
        case "max_retries" -> retries = (Integer) v;
        case "retry_delay" -> delay = (Duration) v;
        case "max_retry_delay" -> maxDelay = (Duration) v;
        case "archive_completed" -> archive = (Boolean) v;
        case "process_interval" -> process = (Duration) v;
        case "max_age_days" -> age = (Integer) v;
        case "concurrency" -> conc = (Integer) v;
        default -> throw new AssertionError(key);
      }
    }
    if (maxDelay.compareTo(delay) < 0) {
      // Blame the key that was given (max_retry_delay when both were).
      String blamed = values.containsKey("max_retry_delay") || !values.containsKey("retry_delay") ? "max_retry_delay" : "retry_delay";
      String other = blamed.equals("max_retry_delay") ? "retry_delay" : "max_retry_delay";
      SettingValue given = values.get(blamed);
      String rule = blamed.equals("max_retry_delay")
          ? "must be at least " + other + " (" + seconds(delay) + " s)"
          : "must be at most " + other + " (" + seconds(maxDelay) + " s)";
      throw new ConfigException(startUp ? envName(blamed) : blamed,
          given == null ? SettingSource.defaultValue() : given.source(), rule);
    }
    return new WalConfig(dir, mode, batch, batchIv, periodicIv, segment, partition, retries, delay, maxDelay,
        archive, process, age, conc, this.home, maxAddBytes);
  }

  static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
  }

  /** Every key with its current value, in the units {@link #from} and {@link #with} read. */
  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>();
    m.put("path", directory.toString());
    m.put("fsync_mode", fsyncMode.wireName());
    m.put("batch_size", Integer.toString(batchSize));
    m.put("batch_interval_ms", Long.toString(batchInterval.toMillis()));
    m.put("periodic_interval_ms", Long.toString(periodicInterval.toMillis()));
    m.put("segment_size", Long.toString(segmentSizeBytes));
    m.put("partition_size", Integer.toString(partitionSize));
    m.put("max_retries", Integer.toString(maxRetries));
    m.put("retry_delay", seconds(retryDelay));
    m.put("max_retry_delay", seconds(maxRetryDelay));
    m.put("archive_completed", Boolean.toString(archiveCompleted));
    m.put("process_interval", seconds(processInterval));
    m.put("max_age_days", Integer.toString(maxAgeDays));
    m.put("concurrency", Integer.toString(concurrencyPerBackend));
    return m;
  }
}
