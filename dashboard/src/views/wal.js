// WAL: status counts (and their history), latency, a form to queue an operation and watch it
// finish, and the operations table with filters, paging, retry and cancel.
import { h, fill, notify, busy, relative, badge, field, bytes } from "../ui.js";
import { lineChart } from "../charts.js";
import { card } from "./secrets.js";

const STATUSES = ["pending", "processing", "completed", "failed", "retrying", "cancelled"];
const STATUS_KIND = { pending: "info", processing: "info", completed: "good", failed: "bad", retrying: "warn", cancelled: "muted" };
const OPS = ["add", "pin", "unpin", "rm", "cat", "get"];
const WAIT_SECONDS = 60;

export function walView(kit, samples, resample) {
  const cards = h("div.cards", { id: "wal-counts" });
  const charts = h("div.charts");
  const watch = h("ul.watch", { id: "wal-watch" });
  const body = h("tbody");
  const pageInfo = h("span.muted", { id: "wal-page" });
  let offset = 0;

  // Filters and paging
  const fStatus = h("select", { name: "status" }, h("option", { value: "" }, "any status"), STATUSES.map((s) => h("option", { value: s }, s)));
  const fBackend = h("input", { name: "backend", placeholder: "any backend", maxlength: 64 });
  const fLimit = h("select", { name: "limit" }, [10, 25, 50, 100].map((n) => h("option", { value: n, selected: n === 25 }, `${n} per page`)));
  const prev = h("button", { type: "button" }, "‹ Newer");
  const next = h("button", { type: "button" }, "Older ›");
  for (const f of [fStatus, fLimit]) f.addEventListener("change", () => { offset = 0; refreshTable(); });
  fBackend.addEventListener("change", () => { offset = 0; refreshTable(); });
  prev.addEventListener("click", () => { offset = Math.max(0, offset - Number(fLimit.value)); refreshTable(); });
  next.addEventListener("click", () => { offset += Number(fLimit.value); refreshTable(); });

  // Queue form
  const op = h("select", { name: "operation_type" }, OPS.map((o) => h("option", { value: o }, o)));
  const source = h("select", { name: "source" },
    h("option", { value: "content" }, "text"), h("option", { value: "file" }, "file from this computer"),
    h("option", { value: "path" }, "file on the server (path)"));
  const content = h("textarea", { name: "content", rows: 3, placeholder: "text to store" });
  const file = h("input", { type: "file", name: "file" });
  const path = h("input", { name: "path", placeholder: "/data/report.pdf (inside the allowed roots)" });
  const cid = h("input", { name: "cid", placeholder: "bafkrei…" });
  const backend = h("input", { name: "backend", value: "local", list: "backend-names", maxlength: 64 });
  const backendNames = h("datalist", { id: "backend-names" });
  const priority = h("input", { name: "priority", type: "number", min: 1, max: 10, value: 5 });
  const queueBtn = h("button.primary", { type: "submit" }, "Queue");
  const fContent = field("Text", content);
  const fFile = field("File", file, "UTF-8 text files; bigger or binary files: give a server path");
  const fPath = field("Server path", path);
  const fSource = field("Source", source);
  const fCid = field("CID", cid);
  const form = h("form.inline-form", { id: "wal-add" }, field("Operation", op), fSource, fContent, fFile, fPath, fCid,
    field("Backend", backend), backendNames, field("Priority", priority), queueBtn);
  const syncForm = () => {
    const isAdd = op.value === "add";
    fSource.hidden = !isAdd;
    fContent.hidden = !isAdd || source.value !== "content";
    fFile.hidden = !isAdd || source.value !== "file";
    fPath.hidden = !isAdd || source.value !== "path";
    fCid.hidden = isAdd;
  };
  op.addEventListener("change", syncForm);
  source.addEventListener("change", syncForm);
  syncForm();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(queueBtn, async () => {
      const params = {};
      if (op.value === "add") {
        if (source.value === "content") params.content = content.value;
        else if (source.value === "path") params.path = path.value.trim();
        else params.content = await readText(file.files[0]);
      } else params.cid = cid.value.trim();
      const r = await kit.call("wal_add_operation", {
        operation_type: op.value, backend: backend.value.trim() || "local", params, priority: Number(priority.value) || 5,
      });
      content.value = "";
      watchOperation(r.operation_id, r.operation);
      await refreshNow();
    });
  });

  /** Shows a queued operation and follows it to a final status. */
  async function watchOperation(id, operation) {
    const status = h("span");
    const detail = h("span.detail");
    const item = h("li", { dataset: { operationId: id } }, h("span.mono", {}, id), " ", status, " ", detail);
    watch.prepend(item);
    const show = (o) => {
      fill(status, badge(o.status, STATUS_KIND[o.status] ?? "info"));
      item.dataset.status = o.status;
      fill(detail, describe(o));
    };
    show(operation ?? { status: "pending" });
    try {
      let final;
      if (kit.has("wal_wait_for_operation")) {
        const r = await kit.call("wal_wait_for_operation", { operation_id: id, timeout: WAIT_SECONDS }, { timeoutMs: (WAIT_SECONDS + 15) * 1000 });
        final = r.operation;
      } else {
        final = await poll(id);
      }
      show(final);
    } catch (err) {
      fill(detail, err.message);
    }
    refreshNow().catch(() => {});
  }

  async function poll(id) {
    const deadline = Date.now() + WAIT_SECONDS * 1000;
    for (;;) {
      const { operation } = await kit.call("wal_get_operation", { operation_id: id });
      if (["completed", "failed", "cancelled"].includes(operation.status) || Date.now() > deadline) return operation;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  const root = h("div.view", { id: "wal-view" },
    h("section.panel", {}, h("h2", {}, "Write-ahead log"), cards, charts),
    h("section.panel", {}, h("h2", {}, "Queue an operation"), form, watch),
    h("section.panel", {}, h("h2", {}, "Operations"),
      h("div.filters", {}, fStatus, fBackend, fLimit, prev, pageInfo, next),
      h("div.table-wrap", {}, h("table", { id: "wal-table" },
        h("thead", {}, h("tr", {}, ["Id", "Type", "Backend", "Status", "Priority", "Added", "Result / error", ""].map((c) => h("th", {}, c)))),
        body))));

  function opRow(o) {
    const actions = [];
    if (o.status === "failed" || o.status === "cancelled") {
      const b = h("button", { type: "button", class: "retry" }, "Retry");
      b.addEventListener("click", () => busy(b, async () => {
        await kit.call("wal_retry_operation", { operation_id: o.operation_id });
        notify(`Operation ${o.operation_id} is pending again.`, "note");
        await refreshNow();
      }));
      actions.push(b);
    }
    if (o.status === "pending" || o.status === "retrying" || o.status === "processing") {
      const b = h("button", { type: "button", class: "danger cancel" }, "Cancel");
      b.addEventListener("click", () => busy(b, async () => {
        await kit.call("wal_cancel_operation", { operation_id: o.operation_id });
        await refreshNow();
      }));
      actions.push(b);
    }
    return h("tr", { dataset: { operationId: o.operation_id, status: o.status } },
      h("td.mono", { title: o.operation_id }, o.operation_id), h("td", {}, o.operation_type), h("td", {}, o.backend),
      h("td", {}, badge(o.status, STATUS_KIND[o.status] ?? "info")), h("td", {}, o.priority ?? ""),
      h("td", { title: o.timestamp }, relative(o.timestamp)), h("td.detail", {}, describe(o)), h("td.row-actions", {}, actions));
  }

  async function refreshTable() {
    const limit = Number(fLimit.value);
    const args = { limit, offset };
    if (fStatus.value) args.status = fStatus.value;
    if (fBackend.value.trim()) args.backend = fBackend.value.trim();
    const r = await kit.call("wal_list_operations", args);
    fill(body, r.operations.length ? r.operations.map(opRow) : h("tr", {}, h("td.muted", { colspan: 8 }, "No operations match.")));
    prev.disabled = offset === 0;
    next.disabled = r.operations.length < limit;
    fill(pageInfo, r.operations.length ? `${offset + 1}–${offset + r.operations.length}` : "");
  }

  function refreshCounts() {
    const last = samples.status.at(-1);
    if (last) fill(cards, STATUSES.map((s) => card(s, last.v[s] ?? 0, s === "failed" && last.v[s] ? "bad" : "")), card("total", last.v.total));
    const series = (key, cls, from = samples.status, name = key) => ({ name, cls, points: from.map((x) => [x.t, x.v[key] ?? 0]) });
    const m = samples.metrics.at(-1)?.v;
    fill(charts,
      lineChart([series("pending", "s1"), series("processing", "s2"), series("retrying", "s3"), series("failed", "s4")],
        { title: "Queue over time (operations by status)" }),
      lineChart([series("completed", "s5")], { title: "Completed operations over time" }),
      lineChart([series("operation_latency_p50_millis", "s1", samples.metrics, "p50"), series("operation_latency_p99_millis", "s4", samples.metrics, "p99")],
        { title: "Operation latency p50 / p99", unit: " ms" }),
      m ? h("p.muted", {}, `Append latency p50 ${fmtNum(m.append_latency_p50_micros)} µs, p99 ${fmtNum(m.append_latency_p99_micros)} µs; `
        + `${m.records_appended} records in ${m.fsyncs} fsyncs (${fmtNum(m.records_per_fsync)} per fsync).`) : null);
    fill(backendNames, (samples.health.at(-1)?.v.backends ?? []).map((b) => h("option", { value: b.backend })));
  }

  /** Redraws from the samples main.js takes every few seconds. */
  async function refresh() {
    refreshCounts();
    await refreshTable();
  }

  /** After this page changed something: take a fresh sample first so the counts include it. */
  async function refreshNow() {
    await resample();
    await refresh();
  }

  return { root, refresh };
}

function describe(o) {
  if (o.status === "completed" && o.result) {
    const r = o.result;
    const parts = [];
    if (r.cid) parts.push(h("span.mono.cid", {}, r.cid));
    if (r.size !== undefined) parts.push(` ${bytes(r.size)}`);
    if (r.destination) parts.push(` → ${r.destination}`);
    if (r.content !== undefined) parts.push(` “${r.content.slice(0, 80)}${r.content.length > 80 ? "…" : ""}”`);
    return parts;
  }
  if (o.error) return h("span.error-text", {}, `${o.error_type ? o.error_type + ": " : ""}${o.error}`);
  if (o.parameters?.cid) return h("span.mono", {}, o.parameters.cid);
  return "";
}

function fmtNum(v) {
  return v === undefined || v === null ? "—" : Number(v).toFixed(v >= 100 ? 0 : 1);
}

async function readText(f) {
  if (!f) throw new Error("Choose a file first.");
  const buf = await f.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new Error(`${f.name} is not UTF-8 text; store binary files by their path on the server instead.`);
  }
}
