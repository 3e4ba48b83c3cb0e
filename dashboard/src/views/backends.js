// Backends: health per backend from wal_health (with the history this page has sampled), and
// whatever other backend / resilience tools the server offers. Views whose tools the server does
// not have say "not available yet" rather than showing made-up numbers.
import { h, fill, badge, busy } from "../ui.js";
import { healthStrip, healthClass } from "../charts.js";
import { card } from "./secrets.js";

/** Read-only tools with no required argument whose name matches, e.g. backend_* or resilience_*. */
export function readOnlyTools(kit, pattern) {
  return [...kit.tools.values()].filter((t) => pattern.test(t.name)
    && !(t.inputSchema?.required ?? []).length && t.annotations?.readOnlyHint !== false);
}

/** Renders any JSON value as nested tables (for tools this page has no special view for). */
export function renderValue(v) {
  if (Array.isArray(v)) {
    if (v.length && v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x)))];
      return h("div.table-wrap", {}, h("table.generic", {}, h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
        h("tbody", {}, v.map((x) => h("tr", {}, cols.map((c) => h("td", {}, cellValue(x[c]))))))));
    }
    return v.map(String).join(", ") || "—";
  }
  if (v && typeof v === "object") {
    return h("dl.generic", {}, Object.entries(v).map(([k, x]) => [h("dt", {}, k), h("dd", {}, renderValue(x))]));
  }
  return v === undefined || v === null ? "—" : String(v);
}

function cellValue(x) {
  if (x && typeof x === "object") return renderValue(x);
  return x === undefined || x === null ? "—" : String(x);
}

export function toolPanels(kit, tools) {
  return tools.map((t) => {
    const out = h("div.tool-out");
    const btn = h("button", { type: "button" }, "Refresh");
    const panel = h("section.panel", { dataset: { tool: t.name } }, h("h2", {}, t.title ?? t.name, " ", h("small.muted.mono", {}, t.name)),
      t.description ? h("p.muted", {}, t.description) : null, btn, out);
    const load = () => busy(btn, async () => fill(out, renderValue(await kit.call(t.name))));
    btn.addEventListener("click", load);
    panel.load = load;
    return panel;
  });
}

export function backendsView(kit, samples) {
  const summary = h("div.cards", { id: "wal-health" });
  const body = h("tbody");
  const history = h("div", { id: "health-history" });
  const access = h("p.muted");
  const extraTools = readOnlyTools(kit, /^(backend|backends|storage|resilience|breaker|circuit)_/);
  const resilienceTools = extraTools.filter((t) => /^(resilience|breaker|circuit)_/.test(t.name));
  const panels = toolPanels(kit, extraTools);

  const root = h("div.view", { id: "backends-view" },
    h("section.panel", {}, h("h2", {}, "Backend health"), summary,
      h("div.table-wrap", {}, h("table", { id: "backends-table" },
        h("thead", {}, h("tr", {}, ["Backend", "Health", "Completed", "Failed", "Retries"].map((c) => h("th", {}, c)))), body)),
      h("h3", {}, "Health history (this page's samples, oldest left)"), history, access),
    panels,
    resilienceTools.length ? null : h("section.panel.unavailable", { id: "breakers-unavailable" }, h("h2", {}, "Circuit breakers and ramp"),
      h("p", {}, "Not available yet: this server offers no circuit-breaker or resilience tool.")));

  async function refresh() {
    const last = samples.health.at(-1)?.v ?? (await kit.call("wal_health"));
    fill(summary,
      card("Write-ahead log", last.healthy ? "healthy" : "unhealthy", last.healthy ? "good" : "bad"),
      card("Pending", last.pending ?? 0), card("Retrying", last.retrying ?? 0, last.retrying ? "warn" : ""),
      card("Failed", last.failed ?? 0, last.failed ? "bad" : ""),
      last.failed_closed ? card("Log", "failed closed", "bad") : null);
    fill(body, last.backends.length ? last.backends.map((b) => h("tr", { dataset: { backend: b.backend, health: b.health } },
      h("td", {}, b.backend), h("td", {}, badge(b.health, healthClass(b.health))),
      h("td", {}, b.completed ?? 0), h("td", {}, b.failed ?? 0), h("td", {}, b.retries ?? 0)))
      : h("tr", {}, h("td.muted", { colspan: 5 }, "No backend has run an operation yet.")));
    const names = [...new Set(samples.health.flatMap((s) => s.v.backends.map((b) => b.backend)))];
    fill(history, healthStrip(names.map((n) => ({
      name: n, samples: samples.health.map((s) => s.v.backends.find((b) => b.backend === n)?.health ?? "unknown"),
    }))));
    fill(access, last.file_access ? `File access for this session: ${last.file_access.roots}` : "");
    for (const p of panels) if (!p.dataset.loaded) { p.dataset.loaded = "1"; p.load(); }
  }

  return { root, refresh };
}

export function performanceView(kit) {
  const tools = readOnlyTools(kit, /(^performance_|^perf_|_performance$|^cache_|^pools?_|^resources?_)/);
  const panels = toolPanels(kit, tools);
  const root = h("div.view", { id: "performance-view" }, panels.length ? panels
    : h("section.panel.unavailable", {}, h("h2", {}, "Performance"),
      h("p", {}, "Not available yet: this server offers no performance tool. WAL latency is on the WAL tab.")));
  async function refresh() {
    for (const p of panels) if (!p.dataset.loaded) { p.dataset.loaded = "1"; p.load(); }
  }
  return { root, refresh };
}
