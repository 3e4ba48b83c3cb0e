package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.SettingValue;
import io.ipfskit.core.config.Settings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the resilience layer is told: breakers, the recovery ramp, retry policies per {@link
 * OperationClass}, the retry budget, adaptive concurrency and the per-peer registry. Every part is a
 * record that validates itself; {@link #from} reads the {@code IPFS_KIT_BREAKER_*}, {@code
 * IPFS_KIT_RAMP_*}, {@code IPFS_KIT_RETRY_*}, {@code IPFS_KIT_CONCURRENCY_*} and {@code
 * IPFS_KIT_PEERS_*} keys ({@link #SETTINGS}) from the kit's configuration; this class never reads
 * the environment or a file.
 */
public record ResilienceConfig(
    Breaker breaker, Ramp ramp, Map<OperationClass, RetryPolicy> retry, Budget budget, Concurrency concurrency,
    Peers peers) {

  public ResilienceConfig {
    requireNonNull(breaker, "breaker");
    requireNonNull(ramp, "ramp");
    requireNonNull(retry, "retry");
    requireNonNull(budget, "budget");
    requireNonNull(concurrency, "concurrency");
    requireNonNull(peers, "peers");
    for (OperationClass c : OperationClass.values())
      if (!retry.containsKey(c)) throw new IllegalArgumentException("retry must have a policy for " + c.wireName());
    retry = Collections.unmodifiableMap(new EnumMap<>(retry));
  }

  /** Sliding-window circuit breaker (Resilience4j's state machine). */
  public enum WindowType { COUNT, TIME }

  /**
   * @param failureRateThreshold percent (1-100) of failed calls in the window that opens the breaker
   * @param slowCallRateThreshold percent (1-100) of slow calls in the window that opens it
   * @param slowCallDuration a call lasting at least this long is slow
   * @param windowType COUNT: the last {@code windowSize} calls; TIME: the calls of the last {@code windowSize} seconds
   * @param windowSize calls (COUNT) or seconds (TIME), 1 to 10 000
   * @param minimumCalls calls the window needs before a rate can open the breaker, 1 to 10 000
   * @param waitInOpen how long an open breaker refuses calls before letting probes through
   * @param halfOpenProbes calls let through while half-open; their outcome closes or re-opens it
   * @param historySize transitions kept per breaker (oldest dropped first), 1 to 10 000
   */
  public record Breaker(int failureRateThreshold, int slowCallRateThreshold, Duration slowCallDuration,
      WindowType windowType, int windowSize, int minimumCalls, Duration waitInOpen, int halfOpenProbes,
      int historySize) {
    public Breaker {
      requireNonNull(slowCallDuration, "slowCallDuration");
      requireNonNull(windowType, "windowType");
      requireNonNull(waitInOpen, "waitInOpen");
      range("failureRateThreshold", failureRateThreshold, 1, 100);
      range("slowCallRateThreshold", slowCallRateThreshold, 1, 100);
      positive("slowCallDuration", slowCallDuration);
      range("windowSize", windowSize, 1, 10_000);
      range("minimumCalls", minimumCalls, 1, 10_000);
      positive("waitInOpen", waitInOpen);
      range("halfOpenProbes", halfOpenProbes, 1, 1000);
      range("historySize", historySize, 1, 10_000);
    }
  }

  /**
   * Gradual recovery after a breaker closes again (the Bitswap circuit-breaker document's knobs).
   *
   * @param strategy how the admitted share grows ({@link RampStrategy})
   * @param initialRate the share of calls admitted when the ramp starts, over 0 up to 1
   * @param increment how much the share grows per interval (EXPONENTIAL: the growth factor minus 1)
   * @param interval one ramp step
   * @param successThreshold successful calls the ramp needs (besides reaching 100 %) to finish
   * @param failureThreshold failures during the ramp that restart it from {@code initialRate}
   * @param maxRecoveryTime the ramp ends after this long whatever happened
   * @param cooldown after a (re)start the share stays at {@code initialRate} this long before growing
   */
  public record Ramp(RampStrategy strategy, double initialRate, double increment, Duration interval,
      int successThreshold, int failureThreshold, Duration maxRecoveryTime, Duration cooldown) {
    public Ramp {
      requireNonNull(strategy, "strategy");
      requireNonNull(interval, "interval");
      requireNonNull(maxRecoveryTime, "maxRecoveryTime");
      requireNonNull(cooldown, "cooldown");
      if (!(initialRate > 0 && initialRate <= 1))
        throw new IllegalArgumentException("initialRate must be over 0 and at most 1, but was " + initialRate);
      if (!(increment > 0 && increment <= 10))
        throw new IllegalArgumentException("increment must be over 0 and at most 10, but was " + increment);
      positive("interval", interval);
      range("successThreshold", successThreshold, 0, 1_000_000);
      range("failureThreshold", failureThreshold, 1, 1_000_000);
      positive("maxRecoveryTime", maxRecoveryTime);
      if (cooldown.isNegative()) throw new IllegalArgumentException("cooldown must be >= 0, but was " + cooldown);
      if (cooldown.compareTo(maxRecoveryTime) >= 0)
        throw new IllegalArgumentException("cooldown (" + cooldown + ") must be shorter than maxRecoveryTime ("
            + maxRecoveryTime + ")");
    }
  }

  /**
   * Retries may add at most {@code ratio} of the calls in the last {@code window}, plus {@code
   * minRetriesPerSecond × window} so a quiet backend can still be retried.
   */
  public record Budget(double ratio, int minRetriesPerSecond, Duration window) {
    public Budget {
      requireNonNull(window, "window");
      if (!(ratio >= 0 && ratio <= 10)) throw new IllegalArgumentException("ratio must be from 0 to 10, but was " + ratio);
      range("minRetriesPerSecond", minRetriesPerSecond, 0, 1_000_000);
      if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0)
        throw new IllegalArgumentException("window must be from 1 s to 1 h, but was " + window);
    }
  }

  /**
   * Adaptive concurrency (AIMD) per backend: the in-flight limit starts at {@code initialLimit},
   * grows by one when a call under {@code latencyThreshold} finishes while at least half the limit
   * was in use, and is multiplied by {@code backoffRatio} when a call is slower or fails.
   */
  public record Concurrency(int initialLimit, int minLimit, int maxLimit, Duration latencyThreshold,
      double backoffRatio) {
    public Concurrency {
      requireNonNull(latencyThreshold, "latencyThreshold");
      range("minLimit", minLimit, 1, 100_000);
      range("maxLimit", maxLimit, minLimit, 100_000);
      range("initialLimit", initialLimit, minLimit, maxLimit);
      positive("latencyThreshold", latencyThreshold);
      if (!(backoffRatio >= 0.5 && backoffRatio < 1))
        throw new IllegalArgumentException("backoffRatio must be from 0.5 to below 1, but was " + backoffRatio);
    }
  }

  /** The per-peer breaker registry: at most {@code maxPeers}, a peer unused for {@code idleExpiry} is dropped. */
  public record Peers(int maxPeers, Duration idleExpiry) {
    public Peers {
      requireNonNull(idleExpiry, "idleExpiry");
      range("maxPeers", maxPeers, 1, 1_000_000);
      positive("idleExpiry", idleExpiry);
    }
  }

  // ------------------------------------------------------------------ settings

  public static final Setting<Integer> BREAKER_FAILURE_RATE = Setting.integer("IPFS_KIT_BREAKER_FAILURE_RATE", 1, 100,
      "percent", 50, "failed calls in the window that open a backend's breaker");
  public static final Setting<Integer> BREAKER_SLOW_CALL_RATE = Setting.integer("IPFS_KIT_BREAKER_SLOW_CALL_RATE", 1,
      100, "percent", 100, "slow calls in the window that open a backend's breaker");
  public static final Setting<Duration> BREAKER_SLOW_CALL_DURATION = Setting.seconds("IPFS_KIT_BREAKER_SLOW_CALL_DURATION",
      Duration.ofMillis(1), Duration.ofHours(1), Duration.ofSeconds(30), "a call lasting this long counts as slow");
  public static final Setting<WindowType> BREAKER_WINDOW_TYPE = Setting.choice("IPFS_KIT_BREAKER_WINDOW_TYPE",
      choices(WindowType.values()), "count", "count: the last WINDOW_SIZE calls; time: the last WINDOW_SIZE seconds");
  public static final Setting<Integer> BREAKER_WINDOW_SIZE = Setting.integer("IPFS_KIT_BREAKER_WINDOW_SIZE", 1, 10_000,
      "calls or seconds", 20, "size of the breaker's sliding window");
  public static final Setting<Integer> BREAKER_MINIMUM_CALLS = Setting.integer("IPFS_KIT_BREAKER_MINIMUM_CALLS", 1,
      10_000, "calls", 10, "calls in the window before a rate can open the breaker");
  public static final Setting<Duration> BREAKER_WAIT_IN_OPEN = Setting.seconds("IPFS_KIT_BREAKER_WAIT_IN_OPEN",
      Duration.ofMillis(1), Duration.ofHours(1), Duration.ofSeconds(30), "how long an open breaker refuses calls");
  public static final Setting<Integer> BREAKER_HALF_OPEN_PROBES = Setting.integer("IPFS_KIT_BREAKER_HALF_OPEN_PROBES", 1,
      1000, "calls", 3, "probe calls let through while half-open");
  public static final Setting<Integer> BREAKER_HISTORY_SIZE = Setting.integer("IPFS_KIT_BREAKER_HISTORY_SIZE", 1,
      10_000, "transitions", 100, "state transitions kept per breaker");

  public static final Setting<RampStrategy> RAMP_STRATEGY = Setting.choice("IPFS_KIT_RAMP_STRATEGY",
      choices(RampStrategy.values()), "exponential", "how admitted traffic grows after a breaker closes: none, linear,"
          + " exponential, step");
  public static final Setting<Double> RAMP_INITIAL_RATE = decimal("IPFS_KIT_RAMP_INITIAL_RATE", "over 0 and at most 1",
      0.1, false, 1, "share of calls admitted when the ramp starts");
  public static final Setting<Double> RAMP_INCREMENT = decimal("IPFS_KIT_RAMP_INCREMENT", "over 0 and at most 10", 1.0,
      false, 10, "growth per interval (exponential: factor minus 1)");
  public static final Setting<Duration> RAMP_INTERVAL = Setting.seconds("IPFS_KIT_RAMP_INTERVAL", Duration.ofMillis(1),
      Duration.ofHours(1), Duration.ofSeconds(1), "one ramp step");
  public static final Setting<Integer> RAMP_SUCCESS_THRESHOLD = Setting.integer("IPFS_KIT_RAMP_SUCCESS_THRESHOLD", 0,
      1_000_000, "calls", 20, "successes needed, besides reaching 100 %, to finish the ramp");
  public static final Setting<Integer> RAMP_FAILURE_THRESHOLD = Setting.integer("IPFS_KIT_RAMP_FAILURE_THRESHOLD", 1,
      1_000_000, "calls", 3, "failures during the ramp that restart it");
  public static final Setting<Duration> RAMP_MAX_RECOVERY_TIME = Setting.seconds("IPFS_KIT_RAMP_MAX_RECOVERY_TIME",
      Duration.ofMillis(1), Duration.ofDays(1), Duration.ofMinutes(2), "the ramp ends after this long");
  public static final Setting<Duration> RAMP_COOLDOWN = Setting.seconds("IPFS_KIT_RAMP_COOLDOWN", Duration.ZERO,
      Duration.ofHours(1), Duration.ofSeconds(1), "time at the initial rate after a (re)start, shorter than MAX_RECOVERY_TIME");

  public static final Setting<Double> RETRY_BUDGET_RATIO = decimal("IPFS_KIT_RETRY_BUDGET_RATIO", "from 0 to 10", 0.2,
      true, 10, "retries may add at most this share of the calls in the window");
  public static final Setting<Integer> RETRY_BUDGET_MIN_PER_SECOND = Setting.integer(
      "IPFS_KIT_RETRY_BUDGET_MIN_PER_SECOND", 0, 1_000_000, "retries", 1, "retries always allowed per second of window");
  public static final Setting<Duration> RETRY_BUDGET_WINDOW = Setting.seconds("IPFS_KIT_RETRY_BUDGET_WINDOW",
      Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(10), "the retry budget's window");

  public static final Setting<Integer> CONCURRENCY_INITIAL = Setting.integer("IPFS_KIT_CONCURRENCY_INITIAL", 1, 100_000,
      "calls", 16, "in-flight limit per backend at start (between MIN and MAX)");
  public static final Setting<Integer> CONCURRENCY_MIN = Setting.integer("IPFS_KIT_CONCURRENCY_MIN", 1, 100_000, "calls",
      1, "smallest in-flight limit per backend");
  public static final Setting<Integer> CONCURRENCY_MAX = Setting.integer("IPFS_KIT_CONCURRENCY_MAX", 1, 100_000, "calls",
      64, "largest in-flight limit per backend");
  public static final Setting<Duration> CONCURRENCY_LATENCY_THRESHOLD = Setting.seconds(
      "IPFS_KIT_CONCURRENCY_LATENCY_THRESHOLD", Duration.ofMillis(1), Duration.ofHours(1), Duration.ofSeconds(30),
      "a call slower than this shrinks the in-flight limit (above the slowest normal transfer, like"
          + " BREAKER_SLOW_CALL_DURATION)");
  public static final Setting<Double> CONCURRENCY_BACKOFF_RATIO = decimal("IPFS_KIT_CONCURRENCY_BACKOFF_RATIO",
      "from 0.5 to below 1", 0.9, true, 0.999, "the limit is multiplied by this after a slow or failed call");

  public static final Setting<Integer> PEERS_MAX = Setting.integer("IPFS_KIT_PEERS_MAX", 1, 1_000_000, "peers", 1000,
      "per-peer breakers kept (least recently used dropped)");
  public static final Setting<Duration> PEERS_IDLE_EXPIRY = Setting.seconds("IPFS_KIT_PEERS_IDLE_EXPIRY",
      Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofMinutes(30), "a peer unused this long is dropped");

  /** {@code IPFS_KIT_RETRY_<CLASS>_MAX_RETRIES}, {@code _INITIAL_DELAY}, {@code _MAX_DELAY}, {@code _BACKOFF}, {@code _JITTER}. */
  static final Map<OperationClass, List<Setting<?>>> RETRY_SETTINGS = retrySettings();

  /** Every key this record reads, in documentation order. */
  public static final List<Setting<?>> SETTINGS = allSettings();

  private static Map<OperationClass, List<Setting<?>>> retrySettings() {
    Map<OperationClass, List<Setting<?>>> m = new EnumMap<>(OperationClass.class);
    Map<String, Backoff> backoffs = new LinkedHashMap<>();
    for (Backoff b : Backoff.values()) backoffs.put(b.wireName(), b);
    for (OperationClass c : OperationClass.values()) {
      RetryPolicy d = RetryPolicy.referenceDefault(c);
      String p = "IPFS_KIT_RETRY_" + c.name() + "_";
      m.put(c, List.of(
          Setting.integer(p + "MAX_RETRIES", 0, RetryPolicy.MAX_MAX_RETRIES, null, d.maxRetries(),
              c.wireName() + " calls: retries after the first attempt"),
          Setting.seconds(p + "INITIAL_DELAY", RetryPolicy.MIN_DELAY, RetryPolicy.MAX_DELAY, d.initialDelay(),
              c.wireName() + " calls: first retry delay"),
          Setting.seconds(p + "MAX_DELAY", RetryPolicy.MIN_DELAY, RetryPolicy.MAX_DELAY, d.maxDelay(),
              c.wireName() + " calls: largest retry delay, at least INITIAL_DELAY"),
          Setting.choice(p + "BACKOFF", backoffs, d.backoff().wireName(),
              c.wireName() + " calls: fixed, linear, exponential (doubling), full_jitter, decorrelated_jitter"),
          decimal(p + "JITTER", "from 0 to 1", d.jitter(), true, 1,
              c.wireName() + " calls: share of a fixed/linear/exponential delay taken off at random (0 for the jitter backoffs)")));
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<Setting<?>> allSettings() {
    List<Setting<?>> all = new ArrayList<>(List.of(BREAKER_FAILURE_RATE, BREAKER_SLOW_CALL_RATE,
        BREAKER_SLOW_CALL_DURATION, BREAKER_WINDOW_TYPE, BREAKER_WINDOW_SIZE, BREAKER_MINIMUM_CALLS,
        BREAKER_WAIT_IN_OPEN, BREAKER_HALF_OPEN_PROBES, BREAKER_HISTORY_SIZE, RAMP_STRATEGY, RAMP_INITIAL_RATE,
        RAMP_INCREMENT, RAMP_INTERVAL, RAMP_SUCCESS_THRESHOLD, RAMP_FAILURE_THRESHOLD, RAMP_MAX_RECOVERY_TIME,
        RAMP_COOLDOWN));
    for (List<Setting<?>> l : RETRY_SETTINGS.values()) all.addAll(l);
    all.addAll(List.of(RETRY_BUDGET_RATIO, RETRY_BUDGET_MIN_PER_SECOND, RETRY_BUDGET_WINDOW, CONCURRENCY_INITIAL,
        CONCURRENCY_MIN, CONCURRENCY_MAX, CONCURRENCY_LATENCY_THRESHOLD, CONCURRENCY_BACKOFF_RATIO, PEERS_MAX,
        PEERS_IDLE_EXPIRY));
    return List.copyOf(all);
  }

  /** Every default (what {@link #from} gives for an empty configuration). */
  public static ResilienceConfig defaults() {
    return from(Settings.empty());
  }

  /**
   * Reads every key, each under its own rule, then the rules that join keys (e.g. {@code
   * IPFS_KIT_CONCURRENCY_INITIAL} between MIN and MAX).
   *
   * @throws io.ipfskit.core.config.ConfigException naming the key, its source and the rule
   * @throws IllegalArgumentException naming the fields when keys that are each valid disagree
   */
  public static ResilienceConfig from(Settings s) {
    Breaker breaker = joined("IPFS_KIT_BREAKER_*", () -> new Breaker(get(s, BREAKER_FAILURE_RATE), get(s, BREAKER_SLOW_CALL_RATE),
        get(s, BREAKER_SLOW_CALL_DURATION), get(s, BREAKER_WINDOW_TYPE), get(s, BREAKER_WINDOW_SIZE),
        get(s, BREAKER_MINIMUM_CALLS), get(s, BREAKER_WAIT_IN_OPEN), get(s, BREAKER_HALF_OPEN_PROBES),
        get(s, BREAKER_HISTORY_SIZE)));
    Ramp ramp = joined("IPFS_KIT_RAMP_*", () -> new Ramp(get(s, RAMP_STRATEGY), get(s, RAMP_INITIAL_RATE), get(s, RAMP_INCREMENT),
        get(s, RAMP_INTERVAL), get(s, RAMP_SUCCESS_THRESHOLD), get(s, RAMP_FAILURE_THRESHOLD),
        get(s, RAMP_MAX_RECOVERY_TIME), get(s, RAMP_COOLDOWN)));
    Map<OperationClass, RetryPolicy> retry = new EnumMap<>(OperationClass.class);
    for (Map.Entry<OperationClass, List<Setting<?>>> e : RETRY_SETTINGS.entrySet()) {
      List<Setting<?>> k = e.getValue();
      Backoff backoff = (Backoff) get(s, k.get(3));
      // A jitter backoff draws its own: without an explicit JITTER key the default share does not apply.
      double jitter = s.value(k.get(4).name()).isEmpty() && backoff.randomised() ? 0 : (Double) get(s, k.get(4));
      RetryPolicy p = joined("IPFS_KIT_RETRY_" + e.getKey().name() + "_*", () -> new RetryPolicy(
          (Integer) get(s, k.get(0)), (Duration) get(s, k.get(1)), (Duration) get(s, k.get(2)), backoff, 2, jitter));
      retry.put(e.getKey(), p);
    }
    Budget budget = joined("IPFS_KIT_RETRY_BUDGET_*", () -> new Budget(get(s, RETRY_BUDGET_RATIO), get(s, RETRY_BUDGET_MIN_PER_SECOND),
        get(s, RETRY_BUDGET_WINDOW)));
    Concurrency concurrency = joined("IPFS_KIT_CONCURRENCY_*", () -> new Concurrency(get(s, CONCURRENCY_INITIAL), get(s, CONCURRENCY_MIN),
        get(s, CONCURRENCY_MAX), get(s, CONCURRENCY_LATENCY_THRESHOLD), get(s, CONCURRENCY_BACKOFF_RATIO)));
    Peers peers = joined("IPFS_KIT_PEERS_*", () -> new Peers(get(s, PEERS_MAX), get(s, PEERS_IDLE_EXPIRY)));
    return new ResilienceConfig(breaker, ramp, retry, budget, concurrency, peers);
  }

  private static <T> T get(Settings s, Setting<T> setting) {
    return s.find(setting).orElseGet(() -> setting.parse(new SettingValue(setting.defaultText(), SettingSource.defaultValue())));
  }

  // ------------------------------------------------------------------ helpers

  /** Builds one part; keys that are each valid but disagree are reported with the keys' prefix. */
  private static <T> T joined(String keys, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (io.ipfskit.core.config.ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keys + ": " + e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> Map<String, E> choices(E[] values) {
    Map<String, E> m = new LinkedHashMap<>();
    for (E e : values) m.put(e.name().toLowerCase(Locale.ROOT), e);
    return m;
  }

  /** A decimal from 0 to {@code max}; {@code zeroAllowed} says whether 0 itself is allowed. */
  static Setting<Double> decimal(String name, String rule, double defaultValue, boolean zeroAllowed, double max,
      String doc) {
    return new Setting<>(name, rule, BigDecimal.valueOf(defaultValue).stripTrailingZeros().toPlainString(), doc, raw -> {
      String t = raw.trim();
      if (t.isEmpty()) throw new IllegalArgumentException("empty");
      double v = new BigDecimal(t).doubleValue();
      if (v < 0 || (v == 0 && !zeroAllowed) || v > max) throw new IllegalArgumentException("out of bounds");
      return v;
    });
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max)
      throw new IllegalArgumentException(field + " must be from " + min + " to " + max + ", but was " + value);
  }

  private static void positive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(field + " must be > 0, but was " + d);
  }
}
