// ipfs-kit dashboard entry point. The bearer token comes from the URL fragment (#token=…, as
// printed by `ipfs-kit serve --http`), is taken out of the address bar at once and kept in this
// module's memory only: nothing goes to localStorage, sessionStorage or cookies.
import { Kit } from "./mcp.js";
import { h, fill, notify, clearErrors } from "./ui.js";
import { secretsView } from "./views/secrets.js";
import { walView } from "./views/wal.js";
import { backendsView } from "./views/backends.js";
import { performanceView } from "./views/performance.js";

const REFRESH_MILLIS = 5000;
const MAX_SAMPLES = 360; // 30 min at one sample per 5 s

/** The token from #token=… (then removed from the URL and history entry), or null. */
function takeToken() {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return decodeURIComponent(m[1]) || null;
}

const state = {
  kit: null,
  views: {},
  active: "secrets",
  samples: { status: [], metrics: [], health: [] },
  timer: null,
};

const viewEl = () => document.getElementById("view");

function setConn(kind, text) {
  const el = document.getElementById("conn");
  el.dataset.state = kind;
  el.textContent = text;
}

function tokenForm(message) {
  const input = h("input", { type: "password", name: "token", autocomplete: "off", required: true, "aria-label": "Token" });
  const form = h("form.panel.token-form", { id: "token-form" },
    h("h2", {}, "Connect"),
    h("p", {}, message),
    h("label.field", {}, h("span.label", {}, "Token"), input),
    h("button.primary", { type: "submit" }, "Connect"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = input.value.trim();
    input.value = "";
    start(t || null);
  });
  fill(viewEl(), form);
  input.focus();
}

async function start(token) {
  stopLoop();
  if (state.kit) await state.kit.close();
  clearErrors();
  setConn("connecting", "connecting…");
  fill(viewEl(), h("p.muted.loading", {}, "Connecting to the server…"));
  const kit = new Kit(token);
  try {
    await kit.connect();
  } catch (err) {
    setConn("error", err.status === 401 ? "token refused" : "not connected");
    notify(err.message);
    tokenForm(err.status === 401 || !token
      ? "Paste the token that `ipfs-kit serve --http` printed (or open the URL it printed)."
      : "Connecting failed; check that the server is running, then try again.");
    return;
  }
  state.kit = kit;
  const info = kit.serverInfo;
  setConn("ok", `connected${info ? ` · ${info.name} ${info.version}` : ""}`);
  state.views = {
    secrets: secretsView(kit),
    wal: walView(kit, state.samples, sample),
    backends: backendsView(kit, state.samples),
    performance: performanceView(kit),
  };
  // The first samples (for the WAL charts) and the first view's own calls go out together.
  const firstSample = sample();
  if (state.active !== "secrets") await firstSample;
  await show(state.active);
  await firstSample;
  performance.mark("dashboard-ready");
  document.body.dataset.ready = "true";
  state.timer = setInterval(tick, REFRESH_MILLIS);
}

function stopLoop() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

/** One sample of the WAL's status, metrics and health for the charts. */
async function sample() {
  const kit = state.kit;
  const t = Date.now();
  const take = async (key, tool) => {
    if (!kit.has(tool)) return;
    const v = await kit.call(tool);
    const arr = state.samples[key];
    arr.push({ t, v });
    if (arr.length > MAX_SAMPLES) arr.shift();
  };
  await Promise.all([take("status", "wal_status"), take("metrics", "wal_metrics"), take("health", "wal_health")]);
}

let ticking = false;
async function tick() {
  if (ticking || document.hidden) return;
  ticking = true;
  try {
    await sample();
    await state.views[state.active]?.refresh();
  } catch (err) {
    notifyOnce(err.message);
  } finally {
    ticking = false;
  }
}

// A background refresh that keeps failing shows its message once, not every 5 s.
let lastBackgroundError = "";
function notifyOnce(message) {
  if (message === lastBackgroundError && document.querySelector(".msg.error")) return;
  lastBackgroundError = message;
  notify(message);
}

async function show(name) {
  state.active = name;
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.view === name));
  const view = state.views[name];
  if (!view) return;
  fill(viewEl(), view.root);
  try {
    await view.refresh();
  } catch (err) {
    notify(err.message);
  }
}

document.getElementById("tabs").addEventListener("click", (ev) => {
  const b = ev.target.closest("button[data-view]");
  if (b && state.kit) show(b.dataset.view);
});

// A new #token=… pasted into the address bar reconnects with it.
window.addEventListener("hashchange", () => {
  const t = takeToken();
  if (t) start(t);
});

start(takeToken());
