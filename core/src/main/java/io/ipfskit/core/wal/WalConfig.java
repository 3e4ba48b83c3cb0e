package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Write-ahead log settings. Keys (file {@code <home>/wal.properties}, environment
 * {@code IPFS_KIT_WAL_<KEY upper case>}, {@link #with}, {@link #toMap}) use the reference names:
 * {@code path, fsync_mode, batch_size, batch_interval_ms, periodic_interval_ms, segment_size (bytes),
 * partition_size, max_retries, retry_delay (seconds), max_retry_delay (seconds), archive_completed,
 * process_interval (seconds), max_age_days, concurrency}. Second values may have a fraction ("0.5").
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
    int concurrencyPerBackend) {

  public static final String ENV_PREFIX = "IPFS_KIT_WAL_";
  public static final String FILE_NAME = "wal.properties";
  public static final long MIN_SEGMENT_SIZE_BYTES = 4096;
  public static final long MAX_SEGMENT_SIZE_BYTES = 1L << 30;

  /** Every key, in reference order. */
  public static final List<String> KEYS = List.of("path", "fsync_mode", "batch_size", "batch_interval_ms",
      "periodic_interval_ms", "segment_size", "partition_size", "max_retries", "retry_delay", "max_retry_delay",
      "archive_completed", "process_interval", "max_age_days", "concurrency");

  /** Keys {@link #with} and {@code WriteAheadLog.updateConfig} accept while the log runs. */
  public static final List<String> LIVE_KEYS = List.of("batch_size", "batch_interval_ms", "periodic_interval_ms",
      "max_retries", "retry_delay", "max_retry_delay", "archive_completed", "process_interval", "max_age_days");

  public WalConfig {
    requireNonNull(directory, "path");
    requireNonNull(fsyncMode, "fsync_mode");
    requireNonNull(batchInterval, "batch_interval_ms");
    requireNonNull(periodicInterval, "periodic_interval_ms");
    requireNonNull(retryDelay, "retry_delay");
    requireNonNull(maxRetryDelay, "max_retry_delay");
    requireNonNull(processInterval, "process_interval");
    if (batchSize < 1 || batchSize > 1_000_000)
      throw new IllegalArgumentException("batch_size must be between 1 and 1000000, but was " + batchSize);
    positive("batch_interval_ms", batchInterval);
    positive("periodic_interval_ms", periodicInterval);
    if (segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES || segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES)
      throw new IllegalArgumentException("segment_size must be between " + MIN_SEGMENT_SIZE_BYTES + " and "
          + MAX_SEGMENT_SIZE_BYTES + " bytes, but was " + segmentSizeBytes);
    if (partitionSize < 1)
      throw new IllegalArgumentException("partition_size must be >= 1, but was " + partitionSize);
    if (maxRetries < 0)
      throw new IllegalArgumentException("max_retries must be >= 0, but was " + maxRetries);
    positive("retry_delay", retryDelay);
    positive("max_retry_delay", maxRetryDelay);
    if (maxRetryDelay.compareTo(retryDelay) < 0)
      throw new IllegalArgumentException("max_retry_delay must be >= retry_delay (" + seconds(retryDelay)
          + " s), but was " + seconds(maxRetryDelay) + " s");
    positive("process_interval", processInterval);
    if (maxAgeDays < 1)
      throw new IllegalArgumentException("max_age_days must be >= 1, but was " + maxAgeDays);
    if (concurrencyPerBackend < 1 || concurrencyPerBackend > 256)
      throw new IllegalArgumentException("concurrency must be between 1 and 256, but was " + concurrencyPerBackend);
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero())
      throw new IllegalArgumentException(key + " must be > 0, but was " + d);
  }

  public static WalConfig defaults(Path home) {
    requireNonNull(home, "home");
    return new WalConfig(home.resolve("wal"), FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100),
        64L << 20, 1000, 5, Duration.ofSeconds(60), Duration.ofHours(1), true, Duration.ofSeconds(5), 30, 4);
  }

  /**
   * Defaults, then {@code <home>/wal.properties} if it exists, then {@code IPFS_KIT_WAL_*} from
   * {@code env}. A relative {@code path} is resolved against {@code home}.
   *
   * @throws IllegalArgumentException naming the key (and where it came from), the rule and the value
   */
  public static WalConfig load(Path home, Map<String, String> env) throws IOException {
    requireNonNull(env, "env");
    WalConfig config = defaults(home);
    Path file = home.resolve(FILE_NAME);
    if (Files.isRegularFile(file)) {
      Properties props = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(r);
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String name : props.stringPropertyNames()) {
        if (!KEYS.contains(name))
          throw new IllegalArgumentException("unknown key '" + name + "' in " + file + "; known keys: " + KEYS);
        values.put(name, props.getProperty(name));
      }
      config = config.apply(home, values, file.toString());
    }
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (String key : KEYS) {
      String v = env.get(ENV_PREFIX + key.toUpperCase(Locale.ROOT));
      if (v != null) fromEnv.put(key, v);
    }
    return config.apply(home, fromEnv, "environment (" + ENV_PREFIX + "*)");
  }

  /**
   * A copy with live-updatable keys changed.
   *
   * @throws IllegalArgumentException for an unknown or non-live key (naming it and the live keys) or a bad value
   */
  public WalConfig with(Map<String, String> changes) {
    for (String key : changes.keySet()) {
      if (!LIVE_KEYS.contains(key))
        throw new IllegalArgumentException((KEYS.contains(key) ? "key '" + key + "' cannot be changed while the log runs"
            : "unknown key '" + key + "'") + "; live keys: " + LIVE_KEYS);
    }
    return apply(directory, changes, null);
  }

  private WalConfig apply(Path home, Map<String, String> values, String source) {
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
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      String raw = e.getValue() == null ? null : e.getValue().trim();
      String field = source == null ? key : key + " (from " + source + ")";
      if (raw == null || raw.isEmpty())
        throw new IllegalArgumentException(field + " must not be empty");
      switch (key) {
        case "path" -> dir = home.resolve(raw);
        case "fsync_mode" -> mode = FsyncMode.parse(field, raw);
        case "batch_size" -> batch = (int) integer(field, raw, Integer.MAX_VALUE);
        case "batch_interval_ms" -> batchIv = Duration.ofMillis(integer(field, raw, Long.MAX_VALUE));
        case "periodic_interval_ms" -> periodicIv = Duration.ofMillis(integer(field, raw, Long.MAX_VALUE));
        case "segment_size" -> segment = integer(field, raw, Long.MAX_VALUE);
        case "partition_size" -> partition = (int) integer(field, raw, Integer.MAX_VALUE);
        case "max_retries" -> retries = (int) integer(field, raw, Integer.MAX_VALUE);
        case "retry_delay" -> delay = secondsValue(field, raw);
        case "max_retry_delay" -> maxDelay = secondsValue(field, raw);
        case "archive_completed" -> archive = bool(field, raw);
        case "process_interval" -> process = secondsValue(field, raw);
        case "max_age_days" -> age = (int) integer(field, raw, Integer.MAX_VALUE);
        case "concurrency" -> conc = (int) integer(field, raw, Integer.MAX_VALUE);
        default -> throw new IllegalArgumentException("unknown key '" + key + "'; known keys: " + KEYS);
      }
    }
    try {
      return new WalConfig(dir, mode, batch, batchIv, periodicIv, segment, partition, retries, delay, maxDelay,
          archive, process, age, conc);
    } catch (IllegalArgumentException ex) {
      throw source == null ? ex : new IllegalArgumentException(ex.getMessage() + " (from " + source + ")", ex);
    }
  }

  private static long integer(String field, String raw, long max) {
    try {
      long v = Long.parseLong(raw);
      if (v > max) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " must be an integer <= " + max + ", but was '" + raw + "'");
    }
  }

  private static Duration secondsValue(String field, String raw) {
    try {
      BigDecimal s = new BigDecimal(raw);
      return Duration.ofNanos(s.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(field + " must be a number of seconds (e.g. 60 or 0.5), but was '" + raw + "'");
    }
  }

  private static boolean bool(String field, String raw) {
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(field + " must be true or false, but was '" + raw + "'");
    };
  }

  static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
  }

  /** Every key with its current value, in the units {@link #load} reads. */
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
