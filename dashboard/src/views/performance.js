// Performance: the performance_report tool drawn for people — efficiency scores (0-100, -1 = no
// traffic yet), its recommendations (warnings first, as the tool orders them), connection pools,
// caches, retries and the retry budget, leased resources and leaks (with the borrower's stack on a
// click). Other read-only performance tools get a generic panel.
import { h, fill, badge, busy, relative, meter, bytes } from "../ui.js";
import { readOnlyTools, toolPanels, percent } from "./backends.js";
import { card } from "./secrets.js";

const SEVERITY_KIND = { warning: "bad", info: "info" };

/** A score card: the number and a bar, or "no traffic" for -1. */
function scoreCard(label, score, id) {
  if (score === undefined || score === null || score < 0) {
    return h("div.card.score", { dataset: { score: id } }, h("div.num.muted", {}, "n/a"), h("div.label", {}, `${label} · no traffic yet`));
  }
  const kind = score >= 80 ? "good" : score >= 50 ? "warn" : "bad";
  return h(`div.card.score.${kind}`, { dataset: { score: id } }, h("div.num", {}, score.toFixed(0)),
    meter(score, `${label} score ${score.toFixed(0)} of 100`, kind), h("div.label", {}, `${label} score (0–100)`));
}

function scoreCell(score) {
  if (score < 0) return h("span.muted", {}, "no traffic");
  return h("span.ramp", {}, meter(score, `score ${score.toFixed(0)}`), ` ${score.toFixed(0)}`);
}

function table(id, cols, rows, empty) {
  return h("div.table-wrap", {}, h("table", { id },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.length ? rows : h("tr", {}, h("td.muted", { colspan: cols.length }, empty)))));
}

function waits(p) {
  if (p.acquire_wait_p50_millis === undefined || p.acquire_wait_p50_millis < 0) return "—";
  return `${p.acquire_wait_p50_millis} / ${p.acquire_wait_p99_millis} ms`;
}

export function performanceView(kit) {
  const has = kit.has("performance_report");
  const panels = toolPanels(kit, readOnlyTools(kit, /(^performance_|^perf_|_performance$|^cache_|^pools?_|^resources?_)/));
  if (!has) {
    const root = h("div.view", { id: "performance-view" },
      h("section.panel.unavailable", {}, h("h2", {}, "Performance"),
        h("p", {}, "Not available: this server offers no performance_report tool. WAL latency is on the WAL tab.")), panels);
    return { root, refresh: async () => { for (const p of panels) if (!p.dataset.loaded) { p.dataset.loaded = "1"; p.load(); } } };
  }

  const scores = h("div.cards", { id: "perf-scores" });
  const generated = h("span.muted", { id: "perf-generated" });
  const recs = h("ul.recs", { id: "recommendations" });
  const pools = h("div");
  const caches = h("div");
  const retries = h("div");
  const leases = h("div");
  const threshold = h("input", { type: "number", name: "leak_threshold_seconds", min: 0, max: 604800, value: 300, "aria-label": "Leak threshold in seconds" });
  const refreshBtn = h("button", { type: "button", id: "perf-refresh" }, "Refresh");
  threshold.addEventListener("change", () => refreshBtn.click());

  const root = h("div.view", { id: "performance-view" },
    h("section.panel", {}, h("h2", {}, "Efficiency"), scores,
      h("div.actions", {}, refreshBtn, h("label.field.inline", {}, h("span.label", {}, "Leases held longer than (s) are leaks"), threshold), generated)),
    h("section.panel", {}, h("h2", {}, "Recommendations"), recs),
    h("div.perf-grid", {},
      h("section.panel", {}, h("h2", {}, "Connection pools"), pools),
      h("section.panel", {}, h("h2", {}, "Caches"), caches),
      h("section.panel", {}, h("h2", {}, "Retries and retry budget"), retries),
      h("section.panel", {}, h("h2", {}, "Leased resources and leaks"), leases)),
    panels);

  function draw(r) {
    fill(generated, `report of ${new Date(r.generated_at).toLocaleTimeString()}`);
    const warnings = r.recommendations.filter((x) => x.severity === "warning").length;
    const notClosed = r.breakers.filter((b) => b.state.toLowerCase() !== "closed").length;
    fill(scores,
      scoreCard("Pools", r.scores.pools, "pools"), scoreCard("Caches", r.scores.caches, "caches"),
      card("WAL append p99", r.wal_append_p99_micros < 0 ? "—" : `${(r.wal_append_p99_micros / 1000).toFixed(2)} ms`),
      card("Breakers not closed", notClosed, notClosed ? "bad" : "good"),
      card("Warnings", warnings, warnings ? "bad" : "good"),
      card("Leaks", r.leaks.length, r.leaks.length ? "bad" : "good"));
    fill(recs, r.recommendations.length
      ? r.recommendations.map((x) => h("li", { dataset: { area: x.area, subject: x.subject, severity: x.severity } },
        badge(x.severity, SEVERITY_KIND[x.severity] ?? "info"), h("strong", {}, `${x.area} · ${x.subject}`), " ", h("span", {}, x.advice)))
      : h("li.muted", { dataset: { none: "1" } }, "Nothing to change: no recommendation for the figures so far."));
    fill(pools, table("perf-pools", ["Pool", "Max", "Leased", "Idle", "Waiting", "Wait p50 / p99", "Score"],
      r.pools.map((p) => h("tr", { dataset: { pool: p.stats.pool } }, h("td", {}, p.stats.pool), h("td", {}, p.stats.max),
        h("td", {}, p.stats.leased), h("td", {}, p.stats.available), h("td", {}, p.stats.pending), h("td", {}, waits(p.stats)),
        h("td", {}, scoreCell(p.efficiency_score)))),
      "No connection pool: only backends with a network client (ipfs, s3) have one."));
    fill(caches, table("perf-caches", ["Cache", "Hit rate", "Hits / misses", "Held", "Evictions", "Score"],
      r.caches.map((c) => h("tr", { dataset: { cache: c.stats.cache } }, h("td", {}, c.stats.cache),
        h("td", {}, percent(c.stats.hit_rate, 1)), h("td", {}, `${c.stats.hits ?? 0} / ${c.stats.misses ?? 0}`),
        h("td", {}, c.stats.max_bytes ? `${bytes(c.stats.weight_bytes)} of ${bytes(c.stats.max_bytes)}` : "—"),
        h("td", {}, c.stats.evictions ?? 0), h("td", {}, scoreCell(c.efficiency_score)))),
      "No cache."));
    const retryRows = Object.entries(r.retries).map(([name, f]) => h("tr", { dataset: { backend: name } }, h("td", {}, name),
      h("td", {}, f.calls_in_window ?? "—"), h("td", {}, f.retries_in_window ?? "—"), h("td", {}, f.retries_granted ?? "—"),
      h("td", {}, f.retries_denied ?? "—")));
    fill(retries, table("perf-retries", ["Backend", "Calls in window", "Retries in window", "Budget granted", "Budget denied"],
      retryRows, "No call has been retried."));
    const l = r.leases;
    fill(leases, h("div.cards", {}, card("Open", l.open), card("Acquired", l.acquired), card("Released", l.released),
      card("Oldest held", l.open ? `${l.oldest_age_seconds} s` : "—")),
    r.leaks.length
      ? h("ul.leaks", { id: "perf-leaks" }, r.leaks.map((x) => h("li", {}, h("strong", {}, x.owner), ` ${x.what} `,
        typeof x.acquired_at === "string" ? h("small.muted", {}, `leased ${relative(x.acquired_at)}`) : null,
        h("details", {}, h("summary", {}, "where it was leased"), h("pre.stack", {}, x.stack)))))
      : h("p.muted", { id: "perf-leaks" }, "No leak: no lease is held longer than the threshold."));
  }

  // A threshold the tool refuses (say -5) comes back as the tool's own message.
  const report = async () => {
    const seconds = Number(threshold.value);
    draw(await kit.call("performance_report", threshold.value.trim() === "" ? {} : { leak_threshold_seconds: seconds }));
  };
  refreshBtn.addEventListener("click", () => busy(refreshBtn, report));

  // The background refresh throws, so the page shows a failing report once rather than every 5 s.
  async function refresh() {
    await report();
    for (const p of panels) if (!p.dataset.loaded) { p.dataset.loaded = "1"; p.load(); }
  }
  return { root, refresh };
}
