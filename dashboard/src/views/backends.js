// Backends: health per backend from backend_health (state, reason, probe latency, success rate and
// the server's own history of probes, drawn as a strip and a latency chart), the WAL's counts per
// backend from wal_health, and the circuit breakers from circuit_breaker_status (state, failure and
// slow-call rates, calls in the window, recovery ramp) with force open / force closed / reset through
// circuit_breaker_control after a confirmation. Other read-only backend tools get a generic panel.
import { h, fill, notify, badge, busy, confirmDialog, relative, meter } from "../ui.js";
import { healthStrip, healthClass, lineChart } from "../charts.js";
import { card } from "./secrets.js";

/** Tools with their own view here; the generic panels leave them out. */
const OWN_TOOLS = new Set(["backend_health", "circuit_breaker_status", "circuit_breaker_control", "performance_report"]);

/** Read-only tools with no required argument whose name matches, e.g. backend_* or resilience_*. */
export function readOnlyTools(kit, pattern) {
  return [...kit.tools.values()].filter((t) => pattern.test(t.name) && !OWN_TOOLS.has(t.name)
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

/** "87 %" from a 0..1 share, "—" when absent. */
export function percent(share, digits = 0) {
  return share === undefined || share === null || share < 0 ? "—" : `${(share * 100).toFixed(digits)} %`;
}

/** A breaker's rate: -1 means "below the minimum calls", not zero. */
function rate(p) {
  return p < 0 ? h("span.muted", { title: "fewer calls than the breaker needs to compute a rate" }, "too few calls") : `${p.toFixed(1)} %`;
}

function ms(v) {
  if (v === undefined || v === null) return "—";
  return v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`;
}

const BREAKER_KIND = { closed: "good", half_open: "warn", open: "bad", forced_open: "bad", forced_closed: "warn" };
const ACTIONS = {
  force_open: {
    label: "Force open",
    question: (n) => `Force the breaker "${n}" open? Every call to ${n} is refused at once and its queued WAL operations wait until you reset it or force it closed.`,
  },
  force_closed: {
    label: "Force closed",
    question: (n) => `Force the breaker "${n}" closed? Every call to ${n} passes even while the backend fails (outcomes are still measured), until you reset it.`,
  },
  reset: {
    label: "Reset",
    question: (n) => `Reset the breaker "${n}"? It goes back to closed with an empty window and the recovery ramp is dropped.`,
  },
};

/** The ramp: a bar of the share of calls admitted now, and how often it restarted. */
function ramp(b) {
  const share = Math.max(0, Math.min(1, b.admitted_rate ?? 1));
  return h("span.ramp", {}, meter(share * 100, `${b.name} admits ${percent(share)}`), " ", b.recovering ? `ramping · ${percent(share)} admitted` : "full traffic",
    b.ramp_restarts ? h("small.muted", {}, ` · ${b.ramp_restarts} restart${b.ramp_restarts === 1 ? "" : "s"}`) : null);
}

function lastTransition(b) {
  const t = b.history?.at(-1);
  if (!t) return h("span.muted", {}, "none");
  return h("span", { title: t.at }, `${t.from} → ${t.to} `, h("small.muted", {}, `${relative(t.at)}: ${t.cause}`));
}

export function backendsView(kit, samples) {
  const hasHealth = kit.has("backend_health");
  const hasBreakers = kit.has("circuit_breaker_status");
  const canControl = kit.has("circuit_breaker_control");

  const summary = h("div.cards", { id: "wal-health" });
  const body = h("tbody");
  const history = h("div.health-history", { id: "health-history" });
  const access = h("p.muted");
  const breakerBody = h("tbody");
  const breakerNote = h("p.muted", { id: "breakers-note" });
  const panels = toolPanels(kit, readOnlyTools(kit, /^(backend|backends|storage|resilience|breaker|circuit)_/));

  const healthCols = hasHealth
    ? ["Backend", "State", "Reason", "Checked", "Probe", "Success", "Calls", "Errors in a row", "WAL done / failed / retries"]
    : ["Backend", "Health", "Completed", "Failed", "Retries"];
  const breakers = hasBreakers
    ? h("section.panel", { id: "breakers" }, h("h2", {}, "Circuit breakers and recovery ramp"),
      h("p.muted", {}, "An open breaker refuses calls at once; queued WAL operations wait without spending retries. "
        + "After it closes again, the ramp lets traffic back in steps."),
      h("div.table-wrap", {}, h("table", { id: "breakers-table" },
        h("thead", {}, h("tr", {}, ["Breaker", "State", "Failure rate", "Slow calls", "Calls in window", "Refused", "Ramp",
          "Last transition", canControl ? "" : null].filter((c) => c !== null).map((c) => h("th", {}, c)))), breakerBody)),
      breakerNote)
    : h("section.panel.unavailable", { id: "breakers-unavailable" }, h("h2", {}, "Circuit breakers and ramp"),
      h("p", {}, "Not available: this server offers no circuit_breaker_status tool."));

  const root = h("div.view", { id: "backends-view" },
    h("section.panel", {}, h("h2", {}, "Backend health"), summary,
      h("div.table-wrap", {}, h("table", { id: "backends-table" },
        h("thead", {}, h("tr", {}, healthCols.map((c) => h("th", {}, c)))), body)),
      h("h3", {}, hasHealth ? "Health history (the server's probes, oldest left)" : "Health history (this page's samples, oldest left)"),
      history, access),
    breakers,
    panels);

  function walCounts(wal, name) {
    const w = wal?.backends?.find((b) => b.backend === name);
    return w ? `${w.completed ?? 0} / ${w.failed ?? 0} / ${w.retries ?? 0}` : "—";
  }

  function drawHealth(report, wal) {
    const rows = report.backends;
    fill(body, rows.map((b) => {
      const off = !b.configured;
      return h(`tr${off ? ".off" : ""}`, { dataset: { backend: b.backend, health: b.state } },
        h("td", {}, b.backend), h("td", {}, badge(b.state.replace("_", " "), off ? "muted" : healthClass(b.state))),
        h("td.detail", {}, b.reason),
        h("td", { title: b.checked_at ?? "" }, b.checked_at ? relative(b.checked_at) : "—"),
        h("td", {}, ms(b.latency_ms)), h("td", {}, percent(b.success_rate, 1)),
        h("td", {}, off ? "—" : b.calls_in_window), h("td", {}, off ? "—" : b.consecutive_errors),
        h("td", {}, off ? "—" : walCounts(wal, b.backend)));
    }));
    const configured = rows.filter((b) => b.configured);
    const series = configured.map((b, i) => ({
      name: b.backend, cls: `s${(i % 5) + 1}`,
      points: b.history.filter((e) => typeof e.latency_ms === "number").map((e) => [Date.parse(e.at), e.latency_ms]),
    }));
    fill(history,
      healthStrip(configured.map((b) => ({
        name: b.backend, samples: b.history.map((e) => e.state),
        titles: b.history.map((e) => `${new Date(e.at).toLocaleTimeString()} ${e.state}: ${e.reason}`),
      }))),
      configured.length ? lineChart(series, { title: "Probe and call latency per backend (ms)", unit: " ms", height: 140 }) : null);
  }

  /** Without backend_health (an older server): the WAL's view of each backend and this page's samples. */
  function drawWalOnly(last) {
    fill(body, last.backends.length ? last.backends.map((b) => h("tr", { dataset: { backend: b.backend, health: b.health } },
      h("td", {}, b.backend), h("td", {}, badge(b.health, healthClass(b.health))),
      h("td", {}, b.completed ?? 0), h("td", {}, b.failed ?? 0), h("td", {}, b.retries ?? 0)))
      : h("tr", {}, h("td.muted", { colspan: 5 }, "No backend has run an operation yet.")));
    const names = [...new Set(samples.health.flatMap((s) => s.v.backends.map((b) => b.backend)))];
    fill(history, healthStrip(names.map((n) => ({
      name: n, samples: samples.health.map((s) => s.v.backends.find((b) => b.backend === n)?.health ?? "unknown"),
    }))));
  }

  function breakerRow(b) {
    const row = h("tr", { dataset: { breaker: b.name, state: b.state } },
      h("td", {}, b.name), h("td", {}, badge(b.state.replace("_", " "), BREAKER_KIND[b.state] ?? "info")),
      h("td", {}, rate(b.failure_rate_percent)), h("td", {}, rate(b.slow_call_rate_percent)),
      h("td", {}, b.calls_in_window), h("td", {}, b.not_permitted_calls), h("td", {}, ramp(b)), h("td.detail", {}, lastTransition(b)));
    if (canControl) {
      const cell = h("td.row-actions");
      for (const [action, a] of Object.entries(ACTIONS)) {
        const btn = h(`button.${action.replace("_", "-")}${action === "reset" ? "" : ".danger"}`, { type: "button", dataset: { action } }, a.label);
        btn.addEventListener("click", async () => {
          if (!(await confirmDialog(a.question(b.name), a.label))) return;
          await busy(btn, async () => {
            const r = await kit.call("circuit_breaker_control", { action, breaker: b.name });
            // The 5 s refresh may have redrawn the table while the dialog was open: then draw it anew.
            if (row.isConnected) row.replaceWith(breakerRow(r.breaker));
            else await refresh();
            noteBreakers();
            notify(`Breaker ${r.breaker.name} is now ${r.breaker.state.replace("_", " ")}.`, "note");
          });
        });
        cell.append(btn);
      }
      row.append(cell);
    }
    return row;
  }

  /** How many breakers are not closed, from the rows as drawn (a control action redraws one row). */
  function noteBreakers() {
    const rows = [...breakerBody.querySelectorAll("tr[data-breaker]")];
    const open = rows.filter((r) => r.dataset.state !== "closed").length;
    fill(breakerNote, !rows.length ? "" : open ? `${open} breaker${open === 1 ? " is" : "s are"} not closed.` : "Every breaker is closed.");
  }

  async function refresh() {
    const wal = samples.health.at(-1)?.v ?? (kit.has("wal_health") ? await kit.call("wal_health") : null);
    const [report, status] = await Promise.all([
      hasHealth ? kit.call("backend_health") : null,
      hasBreakers ? kit.call("circuit_breaker_status") : null,
    ]);
    if (wal) {
      fill(summary,
        report ? card("Backends", report.all_healthy ? "all healthy" : "not all healthy", report.all_healthy ? "good" : "warn") : null,
        card("Write-ahead log", wal.healthy ? "healthy" : "unhealthy", wal.healthy ? "good" : "bad"),
        card("Pending", wal.pending ?? 0), card("Retrying", wal.retrying ?? 0, wal.retrying ? "warn" : ""),
        card("Failed", wal.failed ?? 0, wal.failed ? "bad" : ""),
        wal.failed_closed ? card("Log", "failed closed", "bad") : null);
      fill(access, wal.file_access ? `File access for this session: ${wal.file_access.roots}` : "");
    }
    if (report) drawHealth(report, wal);
    else if (wal) drawWalOnly(wal);
    if (status) {
      fill(breakerBody, status.breakers.length ? status.breakers.map(breakerRow)
        : h("tr", {}, h("td.muted", { colspan: 9 }, "No breaker yet: breakers appear with a backend's first call.")));
      noteBreakers();
    }
    for (const p of panels) if (!p.dataset.loaded) { p.dataset.loaded = "1"; p.load(); }
  }

  return { root, refresh };
}
