// Secrets: vault statistics and encryption versions (with migrate, dry run first), a form to store
// a secret, and the list of secrets with their badges. Values never appear unless the person
// clicks Reveal on one row; a revealed value lives only in that row's DOM node, is hidden again
// after 30 s, and is never logged.
import { h, fill, notify, confirmDialog, busy, relative, badge, field, duration } from "../ui.js";

const TYPES = ["api_key", "password", "token", "certificate", "private_key", "connection_string"];
const REVEAL_MILLIS = 30_000;

export function secretsView(kit) {
  const stats = h("div.cards", { id: "vault-stats" });
  const versions = h("div", { id: "enc-versions" });
  const migrateOut = h("div.migrate-out", { id: "migrate-out" });
  const tableBody = h("tbody");
  const count = h("span.muted");
  let migratePlan = null; // the last dry run; the real migration is offered only after one

  const dryRunBtn = h("button", { type: "button", id: "migrate-dry-run" }, "Check migration (dry run)");
  const migrateBtn = h("button.danger", { type: "button", id: "migrate-run", disabled: true }, "Migrate now");
  dryRunBtn.addEventListener("click", () => busy(dryRunBtn, async () => {
    const r = await kit.call("secrets_migrate", { dry_run: true });
    migratePlan = r;
    migrateBtn.disabled = !(r.migrated > 0);
    fill(migrateOut, r.migrated > 0
      ? `Dry run: ${r.migrated} of ${r.total_secrets} secret(s) would be re-encrypted to the current format; ${r.already_current} already current.`
      : `Dry run: nothing to migrate; all ${r.total_secrets} secret(s) are in the current format.`,
      errorsList(r.errors));
  }));
  migrateBtn.addEventListener("click", () => busy(migrateBtn, async () => {
    if (!migratePlan) return;
    if (!(await confirmDialog(`Re-encrypt ${migratePlan.migrated} secret(s) to the current format? The original files are backed up first.`, "Migrate"))) return;
    const r = await kit.call("secrets_migrate", { dry_run: false });
    migratePlan = null;
    migrateBtn.disabled = true;
    fill(migrateOut, `Migrated ${r.migrated} secret(s)${r.backup_directory ? `; originals backed up in ${r.backup_directory}` : ""}.`, errorsList(r.errors));
    await refresh();
  }));

  // Store form
  const service = h("input", { name: "service", required: true, maxlength: 128, autocomplete: "off", placeholder: "github" });
  const type = h("select", { name: "secret_type" }, TYPES.map((t) => h("option", { value: t }, t)));
  const value = h("input", { name: "secret_value", type: "password", required: true, autocomplete: "new-password" });
  const expires = h("input", { name: "expires_days", type: "number", min: 1, step: 1, placeholder: "never" });
  const rotation = h("input", { name: "rotation_days", type: "number", min: 1, step: 1, placeholder: "30" });
  const storeBtn = h("button.primary", { type: "submit" }, "Store secret");
  const storeForm = h("form.inline-form", { id: "store-secret" },
    field("Service", service), field("Type", type), field("Value", value),
    field("Expires after (days)", expires), field("Rotate every (days)", rotation), storeBtn);
  storeForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    busy(storeBtn, async () => {
      const args = { service: service.value.trim(), secret_type: type.value, secret_value: value.value };
      if (expires.value) args.expires_in = Math.round(Number(expires.value) * 86400);
      if (rotation.value) args.rotation_interval = Math.round(Number(rotation.value) * 86400);
      const r = await kit.call("secrets_store", args);
      value.value = ""; // the value leaves the page once stored
      service.value = expires.value = rotation.value = "";
      notify(`Stored ${r.secret_type} for ${r.service} (id ${r.secret_id}).`, "note");
      await refresh();
    });
  });

  const root = h("div.view", { id: "secrets-view" },
    h("section.panel", {}, h("h2", {}, "Vault"), stats,
      h("h3", {}, "Encryption versions"), versions,
      h("div.actions", {}, dryRunBtn, migrateBtn), migrateOut),
    h("section.panel", {}, h("h2", {}, "Store a secret"), storeForm),
    h("section.panel", {}, h("h2", {}, "Secrets ", count),
      h("div.table-wrap", {}, h("table", { id: "secrets-table" },
        h("thead", {}, h("tr", {}, ["Service", "Type", "Id", "Age", "Expires", "Rotated", "Status", ""].map((c) => h("th", {}, c)))),
        tableBody))));

  function row(s) {
    const badges = [];
    if (s.expired) badges.push(badge("expired", "bad"));
    if (s.rotation_due) badges.push(badge("rotation due", "warn"));
    if (s.encryption_version < 3) badges.push(badge(`legacy v${s.encryption_version}`, "warn"));
    if (!badges.length) badges.push(badge("ok", "good"));
    const valueCell = h("td.value-cell", { colspan: 8, hidden: true });
    const revealBtn = h("button", { type: "button", class: "reveal" }, "Reveal");
    const rotateBtn = h("button", { type: "button", class: "rotate" }, "Rotate");
    const deleteBtn = h("button.danger", { type: "button", class: "danger delete" }, "Delete");
    const tr = h("tr", { dataset: { secretId: s.secret_id, service: s.service } },
      h("td", {}, s.service), h("td", {}, s.secret_type), h("td.mono", {}, s.secret_id),
      h("td", { title: s.created_at }, relative(s.created_at).replace(" ago", "")),
      h("td", { title: s.expires_at ?? "never" }, s.expires_at ? relative(s.expires_at) : "never"),
      h("td", { title: s.last_rotated ?? "" }, s.last_rotated ? relative(s.last_rotated) : "—",
        s.rotation_interval ? h("small.muted", {}, ` / every ${duration(s.rotation_interval)}`) : null),
      h("td.badges", {}, badges, h("small.muted", {}, ` v${s.version}`)),
      h("td.row-actions", {}, revealBtn, rotateBtn, deleteBtn));
    const extra = h("tr.extra", { dataset: { for: s.secret_id } }, valueCell);
    let hideTimer = null;
    const hide = () => {
      clearTimeout(hideTimer);
      valueCell.replaceChildren();
      valueCell.hidden = true;
      revealBtn.textContent = "Reveal";
    };
    revealBtn.addEventListener("click", () => busy(revealBtn, async () => {
      if (!valueCell.hidden && valueCell.querySelector(".secret-value")) return hide();
      const r = await kit.call("secrets_retrieve", { secret_id: s.secret_id });
      fill(valueCell, h("span.label", {}, "Value: "), h("code.secret-value", {}, r.secret_value),
        h("small.muted", {}, " hidden again in 30 s"));
      valueCell.hidden = false;
      revealBtn.textContent = "Hide";
      hideTimer = setTimeout(hide, REVEAL_MILLIS);
    }));
    rotateBtn.addEventListener("click", () => {
      hide();
      const input = h("input", { type: "password", name: "new_value", autocomplete: "new-password", required: true, "aria-label": "New value" });
      const save = h("button.primary", { type: "submit" }, "Save new value");
      const cancel = h("button", { type: "button" }, "Cancel");
      const form = h("form.rotate-form", {}, h("span.label", {}, `New value for ${s.service}: `), input, save, cancel);
      cancel.addEventListener("click", hide);
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        busy(save, async () => {
          const r = await kit.call("secrets_rotate", { secret_id: s.secret_id, new_value: input.value });
          input.value = "";
          hide();
          notify(`Rotated ${r.service} (${r.secret_id}); now version ${r.version}.`, "note");
          await refresh();
        });
      });
      fill(valueCell, form);
      valueCell.hidden = false;
      input.focus();
    });
    deleteBtn.addEventListener("click", () => busy(deleteBtn, async () => {
      if (!(await confirmDialog(`Delete the ${s.secret_type} for ${s.service} (${s.secret_id})? This cannot be undone.`, "Delete"))) return;
      await kit.call("secrets_delete", { secret_id: s.secret_id });
      notify(`Deleted the secret for ${s.service}.`, "note");
      await refresh();
    }));
    return [tr, extra];
  }

  async function refresh() {
    const [list, st] = await Promise.all([kit.call("secrets_list"), kit.call("secrets_statistics")]);
    // Keep rows with a revealed value or an open rotate form untouched; rebuild the rest.
    const open = new Map();
    for (const cell of tableBody.querySelectorAll("tr.extra")) {
      if (!cell.firstChild.hidden) open.set(cell.dataset.for, [cell.previousSibling, cell]);
    }
    fill(tableBody, list.secrets.length
      ? list.secrets.map((s) => open.get(s.secret_id) ?? row(s))
      : h("tr", {}, h("td.muted", { colspan: 8 }, "No secrets stored yet.")));
    fill(count, `(${list.total_secrets})`);
    fill(stats,
      card("Secrets", st.total_secrets), card("Expired", st.expired_secrets, st.expired_secrets ? "bad" : ""),
      card("Rotation due", st.secrets_needing_rotation, st.secrets_needing_rotation ? "warn" : ""),
      card("Retrievals", st.total_accesses ?? 0));
    const ev = st.encryption_versions ?? {};
    fill(versions, h("div.cards", {},
      ["v1", "v2", "v3"].map((v) => card(v === "v3" ? "v3 (current)" : `${v} (legacy)`, ev[v] ?? 0, v !== "v3" && ev[v] ? "warn" : ""))));
  }

  return { root, refresh };
}

function card(label, value, kind = "") {
  return h(`div.card${kind ? "." + kind : ""}`, {}, h("div.num", {}, String(value)), h("div.label", {}, label));
}

function errorsList(errors) {
  if (!errors || !errors.length) return null;
  return h("ul.errors", {}, errors.map((e) => h("li", {}, `${e.secret_id ?? "store"}: ${e.reason}`)));
}

export { card };
