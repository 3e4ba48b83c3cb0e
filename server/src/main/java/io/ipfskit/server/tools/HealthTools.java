package io.ipfskit.server.tools;

import static io.ipfskit.server.tools.Schema.array;
import static io.ipfskit.server.tools.Schema.bool;
import static io.ipfskit.server.tools.Schema.enumOf;
import static io.ipfskit.server.tools.Schema.input;
import static io.ipfskit.server.tools.Schema.integer;
import static io.ipfskit.server.tools.Schema.number;
import static io.ipfskit.server.tools.Schema.object;
import static io.ipfskit.server.tools.Schema.optional;
import static io.ipfskit.server.tools.Schema.string;
import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.HealthMonitor;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code backend_health} tool: each backend's state from the {@link HealthMonitor} of the
 * process that runs the backends (the WAL's owner), with its recent history; another process asks
 * the owner over the owner socket ({@link #overWal}), as the breaker tools do. Backend types this
 * build knows but that are not configured are listed as {@code not_configured}, never as healthy.
 */
public final class HealthTools implements ToolSet {
  static final String NAME = "backend_health";
  /** Backend types this build names but cannot run yet (the registry lists them as not configured). */
  static final List<String> PLANNED_TYPES = List.of(); // storacha was one until its backend was built (issue 12)
  static final String NOT_CONFIGURED = "not_configured";
  static final List<String> STATES = List.of("healthy", "degraded", "unhealthy", "unknown", NOT_CONFIGURED);

  /** Where the registry comes from; empty when this process does not run the backends. */
  @FunctionalInterface
  public interface Registries {
    /** @return the registry, or an explanation why there is none here */
    Optional<BackendRegistry> registry() throws RuntimeException;
  }

  /** Where the reports come from: empty when this process cannot see them. */
  @FunctionalInterface
  private interface Reports {
    Optional<List<HealthMonitor.Report>> reports() throws RuntimeException;
  }

  private final Reports reports;
  private final Supplier<String> notHereReason;

  /**
   * @param registries this process's backend registry, when it runs the backends
   * @param notHereReason what to tell the caller when it does not
   */
  public HealthTools(Registries registries, Supplier<String> notHereReason) {
    requireNonNull(registries, "registries");
    this.reports = () -> registries.registry().map(HealthTools::reportsOf);
    this.notHereReason = requireNonNull(notHereReason, "notHereReason");
  }

  private HealthTools(Reports reports) {
    this.reports = reports;
    this.notHereReason = HealthTools::notOwnedHere;
  }

  /**
   * The tool over the home's shared WAL, like the breaker tools: the owner's health monitor when this
   * process owns the log, else the owner's, asked over the owner socket ({@code backend_health}).
   *
   * @param wal gives the home's shared WAL (joined on the first call, never while listing tools)
   */
  public static HealthTools overWal(Supplier<io.ipfskit.server.wal.SharedWal> wal) {
    requireNonNull(wal, "wal");
    return new HealthTools(() -> Optional.of(wal.get().service().backendHealth()));
  }

  /** The reports of every backend {@code registry} runs, in its order. */
  static List<HealthMonitor.Report> reportsOf(BackendRegistry registry) {
    return registry.names().stream().map(registry.monitor()::report).toList();
  }

  /** What the tool says in a process that does not own the WAL (another server runs the backends). */
  static String notOwnedHere() {
    return "backend health is kept by the ipfs-kit process that owns this home's write-ahead log and runs the "
        + "backends, and this server does not own it; ask that server, or run 'ipfs-kit health'";
  }

  /** Every backend type shown: the built-in ones, then the planned ones. */
  public static List<String> knownTypes() {
    Set<String> all = new LinkedHashSet<>(BackendRegistry.builtInFactories().keySet());
    all.addAll(PLANNED_TYPES);
    return List.copyOf(all);
  }

  @Override
  public List<SyncToolSpecification> specifications() {
    return List.of(new ToolDef(NAME, "Backend health",
        "Health of the storage backends (all, or the one named): state healthy / degraded / unhealthy / unknown "
            + "from periodic probes (IPFS id and version, S3 head-bucket, a local write, Storacha upload/list of "
            + "one upload through its bridge) and the success rate and response time of real calls, with the "
            + "reason, when it was checked, the probe latency, the success rate over the window and the recent "
            + "history. An unhealthy backend's queued operations wait (no calls, "
            + "no retries spent) until it recovers. Backend types that are not configured are listed as not_configured.",
        input("backend", optional(string("only this backend type, e.g. ipfs, s3, local, storacha", 1, 64))),
        outputSchema(), ToolDef.READ, this::call).specification());
  }

  static Map<String, Object> outputSchema() {
    Map<String, Object> entry = object(
        "at", string("when (ISO-8601)"),
        "state", enumOf(STATES, "the state after this probe or change"),
        "reason", string("why"),
        "latency_ms", optional(number("how long the probe or call took, milliseconds")));
    Map<String, Object> backend = object(
        "backend", string("the backend type"),
        "configured", bool("whether this server runs it"),
        "state", enumOf(STATES, "healthy, degraded, unhealthy, unknown (not probed yet) or not_configured"),
        "reason", string("why it is in this state"),
        "checked_at", optional(string("when it was last evaluated (ISO-8601); absent before the first probe")),
        "latency_ms", optional(number("how long the last probe took, milliseconds")),
        "success_rate", optional(number("successful calls / calls in the window, 0 to 1; absent with no call")),
        "calls_in_window", integer("calls counted in the success-rate window", 0, Long.MAX_VALUE),
        "consecutive_errors", integer("failed calls in a row", 0, Long.MAX_VALUE),
        "history", array(entry, "recent probes and changes, oldest first"));
    return object(
        "all_healthy", bool("whether every configured backend (the one named, if given) is healthy"),
        "backends", array(backend, "one entry per backend type"));
  }

  private CallToolResult call(Map<String, Object> args) {
    Object named = args.get("backend");
    if (named != null && !(named instanceof String)) return ToolResults.error("backend must be a string");
    String only = (String) named;
    if (only != null && !knownTypes().contains(only))
      return ToolResults.error("backend '" + only + "' is not a backend type; known types: " + knownTypes());
    Optional<List<HealthMonitor.Report>> configured;
    try {
      configured = reports.reports();
    } catch (RuntimeException e) { // WalCallException (no owner answers), WalException, a registry that failed
      return ToolResults.error("backend health is not available: " + e.getMessage());
    }
    if (configured.isEmpty()) return ToolResults.error(notHereReason.get());
    Map<String, Object> report = report(configured.get(), only);
    return ToolResults.success(report, summary(report));
  }

  /**
   * The tool's structured result for {@code registry}: every known type, or only {@code onlyOrNull}.
   * Also used by {@code ipfs-kit health}.
   */
  public static Map<String, Object> report(BackendRegistry registry, String onlyOrNull) {
    return report(reportsOf(registry), onlyOrNull);
  }

  /** The tool's structured result from the health reports of the configured backends. */
  static Map<String, Object> report(List<HealthMonitor.Report> configuredReports, String onlyOrNull) {
    Map<String, HealthMonitor.Report> byType = new LinkedHashMap<>();
    for (HealthMonitor.Report r : configuredReports) byType.put(r.backend(), r);
    List<Object> rows = new ArrayList<>();
    boolean allHealthy = true;
    for (String type : knownTypes()) {
      if (onlyOrNull != null && !onlyOrNull.equals(type)) continue;
      Map<String, Object> row;
      if (byType.containsKey(type)) {
        row = configured(byType.get(type));
        allHealthy &= "healthy".equals(row.get("state"));
      } else {
        row = notConfigured(type);
        if (onlyOrNull != null) allHealthy = false; // asked for one that does not run: not healthy
      }
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("all_healthy", allHealthy);
    out.put("backends", rows);
    return out;
  }

  private static Map<String, Object> configured(HealthMonitor.Report r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("backend", r.backend());
    row.put("configured", true);
    row.put("state", state(r.current().status()));
    row.put("reason", r.current().health().detail());
    r.current().lastChecked().ifPresent(t -> row.put("checked_at", t.toString()));
    if (r.lastLatency() != null) row.put("latency_ms", millis(r.lastLatency()));
    if (r.successRate() != null) row.put("success_rate", r.successRate());
    row.put("calls_in_window", r.callsInWindow());
    row.put("consecutive_errors", r.consecutiveErrors());
    List<Object> history = new ArrayList<>();
    for (HealthMonitor.HistoryEntry e : r.history()) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("at", e.at().toString());
      h.put("state", state(e.state()));
      h.put("reason", e.reason());
      if (e.latency() != null) h.put("latency_ms", millis(e.latency()));
      history.add(h);
    }
    row.put("history", history);
    return row;
  }

  private static Map<String, Object> notConfigured(String type) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("backend", type);
    row.put("configured", false);
    row.put("state", NOT_CONFIGURED);
    row.put("reason", PLANNED_TYPES.contains(type)
        ? "not configured: this build has no " + type + " backend yet"
        : "not configured: its settings are absent (see the README's backend sections)");
    row.put("calls_in_window", 0);
    row.put("consecutive_errors", 0);
    row.put("history", List.of());
    return row;
  }

  private static String state(io.ipfskit.core.storage.BackendHealth.Status s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1_000_000.0;
  }

  /** One line per backend: "ipfs: unhealthy (reason)". */
  @SuppressWarnings("unchecked")
  public static String summary(Map<String, Object> report) {
    StringBuilder b = new StringBuilder();
    for (Object o : (List<Object>) report.get("backends")) {
      Map<String, Object> row = (Map<String, Object>) o;
      if (b.length() > 0) b.append('\n');
      b.append(row.get("backend")).append(": ").append(row.get("state")).append(" (").append(row.get("reason")).append(')');
    }
    return b.toString();
  }
}
