// Small DOM helpers. Every text from the server goes in through textContent (h's string children),
// never innerHTML, so a service name or an error message cannot inject markup.

/** h("button.primary", {onclick}, "Save") -> element; children may be strings, nodes, arrays or null. */
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "value") el.value = v;
    else if (k === "checked") el.checked = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const messages = () => document.getElementById("messages");

/** Shows a message at the top; errors stay until closed, notes go after 6 s. */
export function notify(text, kind = "error") {
  const close = h("button.close", { type: "button", "aria-label": "Dismiss" }, "×");
  const box = h(`div.msg.${kind}`, { role: kind === "error" ? "alert" : "status" }, h("span", {}, text), close);
  close.addEventListener("click", () => box.remove());
  // Only the latest note stays (errors stay until dismissed): a run of actions does not pile up.
  if (kind !== "error") for (const old of messages().querySelectorAll(".msg:not(.error)")) old.remove();
  messages().append(box);
  if (kind !== "error") setTimeout(() => box.remove(), 6000);
  return box;
}

export function clearErrors() {
  for (const el of messages().querySelectorAll(".msg.error")) el.remove();
}

/** Resolves true when the person confirms in the modal dialog. */
export function confirmDialog(text, okLabel = "Confirm") {
  const dlg = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = okLabel;
  return new Promise((resolve) => {
    dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true });
    dlg.returnValue = "";
    dlg.showModal();
  });
}

/** Runs an async action with its button disabled; a failure becomes a readable message. */
export async function busy(button, action) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    notify(err.message ?? String(err));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

const UNITS = [["y", 365 * 86400], ["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];

/** "3 d", "5 min": the largest whole unit of a duration in seconds. */
export function duration(seconds) {
  const s = Math.abs(seconds);
  for (const [u, n] of UNITS) if (s >= n) return `${Math.floor(s / n)} ${u}`;
  return "0 s";
}

/** Age of an ISO time ("2 h ago"), or its distance ahead ("in 3 d"). */
export function relative(iso, now = Date.now()) {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = (now - t) / 1000;
  return d >= 0 ? `${duration(d)} ago` : `in ${duration(-d)}`;
}

export function badge(text, kind) {
  return h(`span.badge.${kind}`, {}, text);
}

export function field(label, input, hint) {
  return h("label.field", {}, h("span.label", {}, label), input, hint ? h("small", {}, hint) : null);
}

export function bytes(n) {
  if (n === undefined || n === null) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A horizontal bar 0..100 (width set through the CSSOM, so a strict style-src would not block it). */
export function meter(value, label, kind = "") {
  const v = Math.max(0, Math.min(100, value));
  const fillEl = h("span.fill");
  fillEl.style.width = `${v.toFixed(0)}%`;
  return h(`span.meter${kind ? "." + kind : ""}`, { role: "meter", "aria-valuemin": 0, "aria-valuemax": 100,
    "aria-valuenow": Math.round(v), "aria-label": label }, fillEl);
}
