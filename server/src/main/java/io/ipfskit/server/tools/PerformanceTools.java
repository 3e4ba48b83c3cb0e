package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.Schema.array;
import static io.ipfskit.server.tools.Schema.input;
import static io.ipfskit.server.tools.Schema.integer;
import static io.ipfskit.server.tools.Schema.mapOf;
import static io.ipfskit.server.tools.Schema.number;
import static io.ipfskit.server.tools.Schema.object;
import static io.ipfskit.server.tools.Schema.optional;
import static io.ipfskit.server.tools.Schema.string;
import static io.ipfskit.server.tools.Schema.withDefault;

import io.ipfskit.core.resilience.PerformanceReport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code performance_report}: the resilience layer's {@link PerformanceReport} (breakers, retries,
 * pools, caches, health, WAL append p99, leases and leaks, scores, recommendations) as structured
 * content with snake_case keys. The figures come from {@link Sources}, which the home collects.
 */
public final class PerformanceTools implements ToolSet {
  static final long DEFAULT_LEAK_SECONDS = io.ipfskit.server.wal.WalCalls.DEFAULT_LEAK_SECONDS;
  static final long MAX_LEAK_SECONDS = io.ipfskit.server.wal.WalCalls.MAX_LEAK_SECONDS;
  /** snake_case keys, as every tool answers. */
  public static final JsonMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  /** Collects the report's figures; leases held longer than {@code leakThreshold} are leaks. */
  @FunctionalInterface
  public interface Sources {
    PerformanceReport.Sources collect(Duration leakThreshold);
  }

  private final Sources sources;
  private final Clock clock;

  public PerformanceTools(Sources sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
  }

  /** The report as snake_case JSON (also used by the CLI and REST). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> json(PerformanceReport report) {
    return JSON.convertValue(report, Map.class);
  }


  /** The JSON Schema of the report (the tool's output schema; REST answers the same). */
  public static Map<String, Object> outputSchema() {
    return new PerformanceTools(t -> null, Clock.systemUTC()).report().outputSchema();
  }

  private ToolDef report() {
    return new ToolDef("performance_report", "Performance report",
        "Circuit breakers, retry and budget figures, connection pool use and acquire waits, cache hit rates,"
            + " backend health, WAL append p99 (includes the fsync wait), leased resources and leaks, with efficiency"
            + " scores (0-100, -1 without traffic) and recommendations (warnings first).",
        input("leak_threshold_seconds", optional(withDefault(integer(
            "Report leases held longer than this many seconds as leaks", 0, MAX_LEAK_SECONDS), DEFAULT_LEAK_SECONDS))),
        object("generated_at", string(null),
            "breakers", array(object("name", string(null), "state", string(null)), null),
            "retries", mapOf(object(), null),
            "pools", array(object("stats", object("pool", string(null), "max", integer(null), "leased", integer(null),
                "available", integer(null), "pending", integer(null)), "efficiency_score", number(null)), null),
            "caches", array(object("stats", object("cache", string(null), "hit_rate", number(null)),
                "efficiency_score", number(null)), null),
            "health", mapOf(object(), null),
            "wal_append_p99_micros", number(null),
            "leases", object("open", integer(null), "acquired", integer(null), "released", integer(null),
                "oldest_age_seconds", integer(null)),
            "leaks", array(object("owner", string(null), "what", string(null), "stack", string(null)), null),
            "scores", object("pools", number(null), "caches", number(null)),
            "recommendations", array(object("area", string(null), "subject", string(null), "severity", string(null),
                "advice", string(null)), null)),
        ToolDef.READ, this::call);
  }

  private CallToolResult call(Map<String, Object> args) {
    Object given = args.get("leak_threshold_seconds");
    long seconds = given instanceof Number n ? n.longValue() : DEFAULT_LEAK_SECONDS;
    if (seconds < 0 || seconds > MAX_LEAK_SECONDS || (given != null && !(given instanceof Number)))
      return ToolResults.error("leak_threshold_seconds must be an integer within 0.." + MAX_LEAK_SECONDS + ", but was " + given);
    try {
      PerformanceReport report = PerformanceReport.build(sources.collect(Duration.ofSeconds(seconds)), clock.instant());
      return ToolResults.success(json(report), summary(report));
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(PerformanceTools.class).warn("performance_report failed", e);
      return ToolResults.error("the performance report could not be built: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /** One line: counts, scores, warnings. */
  public static String summary(PerformanceReport r) {
    long warnings = r.recommendations().stream().filter(x -> x.severity().equals("warning")).count();
    return String.format(Locale.ROOT, "%d breaker(s), %d pool(s) (score %s), %d cache(s) (score %s), %d leak(s), "
        + "%d warning(s), %d recommendation(s) in all", r.breakers().size(), r.pools().size(), score(r.scores().pools()),
        r.caches().size(), score(r.scores().caches()), r.leaks().size(), warnings, r.recommendations().size());
  }

  private static String score(double s) {
    return s < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", s);
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return List.of(report().specification());
  }
}
