package io.ipfskit.server.rest;

import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.server.tools.PerformanceTools;
import io.ipfskit.server.wal.OperationJson;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reference's performance endpoints ({@code /api/performance/...}): the whole {@link
 * PerformanceReport} (the MCP tool {@code performance_report}) and slices of it (cache, pools,
 * resources), each built from one fresh report.
 */
final class PerformanceRoutes {
  static final long MAX_SECONDS = 7 * 24 * 3600;
  static final long DEFAULT_SECONDS = 300;

  private PerformanceRoutes() {}

  static List<Route> table(PerformanceTools.Sources sources, Clock clock) {
    ObjectNode full = OperationJson.MAPPER.valueToTree(PerformanceTools.outputSchema());
    JsonNode props = full.path("properties");
    return List.of(
        route("/api/performance/report", "getPerformanceReport", "Performance report",
            "The whole report: breakers, retries, pools, caches, health, WAL append p99, leases and leaks, scores and "
                + "recommendations. The MCP tool performance_report.", "leak_threshold_seconds", full,
            sources, clock, r -> r),
        route("/api/performance/cache/metrics", "getCacheMetrics", "Cache metrics",
            "Every cache's statistics (hit rate, evictions, load time, bytes) with its efficiency score.", null,
            wrap("caches", props), sources, clock, r -> pick(r, "caches")),
        route("/api/performance/cache/recommendations", "getCacheRecommendations", "Cache recommendations",
            "The report's recommendations about caches.", null, wrap("recommendations", props), sources, clock,
            r -> recommendations(r, "cache")),
        route("/api/performance/pools/metrics", "getPoolMetrics", "Connection pool metrics",
            "Every connection pool's figures (max, leased, available, pending, acquire wait p50/p99) with its "
                + "efficiency score.", null, wrap("pools", props), sources, clock, r -> pick(r, "pools")),
        route("/api/performance/pools/recommendations", "getPoolRecommendations", "Connection pool recommendations",
            "The report's recommendations about connection pools.", null, wrap("recommendations", props), sources,
            clock, r -> recommendations(r, "pool")),
        route("/api/performance/resources/stats", "getResourceStats", "Leased resources",
            "The lease registry's figures: open, acquired and released leases and the oldest one's age.", null,
            wrap("leases", props), sources, clock, r -> pick(r, "leases")),
        route("/api/performance/resources/leaks", "getResourceLeaks", "Leaked resources",
            "Leases held longer than max_lifetime_seconds (default 300), oldest first, each with the borrower's stack.",
            "max_lifetime_seconds", wrap("leaks", props), sources, clock, r -> pick(r, "leaks")));
  }

  private static ObjectNode wrap(String key, JsonNode props) {
    ObjectNode s = OperationJson.MAPPER.createObjectNode();
    s.put("type", "object");
    s.putArray("required").add(key);
    s.putObject("properties").set(key, props.path(key).deepCopy());
    return s;
  }

  private static ObjectNode pick(ObjectNode report, String key) {
    ObjectNode o = OperationJson.MAPPER.createObjectNode();
    o.set(key, report.path(key));
    return o;
  }

  private static ObjectNode recommendations(ObjectNode report, String area) {
    ObjectNode o = OperationJson.MAPPER.createObjectNode();
    var out = o.putArray("recommendations");
    for (JsonNode r : report.path("recommendations")) if (area.equals(r.path("area").asString(""))) out.add(r);
    return o;
  }

  private static Route route(String path, String operationId, String summary, String description, String secondsParam,
      ObjectNode response, PerformanceTools.Sources sources, Clock clock, Function<ObjectNode, ObjectNode> slice) {
    List<Route.Param> query = secondsParam == null ? List.of() : List.of(new Route.Param(secondsParam,
        OperationJson.MAPPER.valueToTree(Map.of("type", "integer", "minimum", 0, "maximum", MAX_SECONDS,
            "default", DEFAULT_SECONDS, "description", "Leases held longer than this many seconds are leaks")), false));
    return new Route("GET", PathTemplate.parse(path), operationId, summary, description, List.of(), query, null,
        response, Set.of(ApiError.Code.INVALID_ARGUMENT), Map.of(), call -> {
          Object given = secondsParam == null ? null : call.query().get(secondsParam);
          long seconds = given instanceof Number n ? n.longValue() : DEFAULT_SECONDS;
          if (seconds < 0 || seconds > MAX_SECONDS)
            throw new ApiError.Failure(ApiError.invalid(secondsParam, "must be within 0.." + MAX_SECONDS + ", but was " + given));
          PerformanceReport report = PerformanceReport.build(sources.collect(Duration.ofSeconds(seconds)), clock.instant());
          ObjectNode json = OperationJson.MAPPER.valueToTree(PerformanceTools.json(report));
          return new Route.Answer(200, slice.apply(json));
        });
  }
}
