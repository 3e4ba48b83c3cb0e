// Drives the dashboard in headless Chromium and prints one JSON line of what it saw; the Java IT
// (DashboardBrowserIT) asserts on it. Usage: node dashboard-e2e.mjs '<plan JSON>' with
//   { "base": "http://127.0.0.1:PORT/", "token": "...", "shots": "/abs/dir", "mode": "full" | "refused" }
// "full": the whole tour (secrets, WAL, backends, narrow window); "refused": open the page with
// the given (wrong or missing) token and report what it says.
import { launch } from "./chromium.mjs";
import { randomBytes } from "node:crypto";
import path from "node:path";

const plan = JSON.parse(process.argv[2]);
const out = { ok: true, steps: [], console: [], pageErrors: [], failedRequests: [], assets: {} };
const WAIT = { timeout: 30_000 };

const { page, context, close } = await launch({ width: 1280, height: 900 });
page.on("console", (m) => out.console.push({ type: m.type(), text: m.text() }));
page.on("pageerror", (e) => out.pageErrors.push(e.message));
// How the page's own files came over the wire (the server sends their gzip twins to a browser).
page.on("response", async (r) => {
  const name = new URL(r.url()).pathname;
  if (/^\/(app\.js|style\.css|)$/.test(name)) {
    const headers = await r.allHeaders().catch(() => ({}));
    out.assets[name] = { status: r.status(), encoding: headers["content-encoding"] ?? null, length: headers["content-length"] ?? null };
  }
});
page.on("requestfailed", (r) => out.failedRequests.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`));

const step = async (name, fn) => {
  const started = Date.now();
  try {
    const r = (await fn()) ?? {};
    out.steps.push({ name, ok: true, millis: Date.now() - started, ...r });
  } catch (err) {
    out.ok = false;
    out.steps.push({ name, ok: false, error: String(err && err.message || err).slice(0, 2000) });
    throw err;
  }
};

/** A screenshot from the top of the page (the header is sticky: a full-page shot of a scrolled page draws it mid-page). */
const shot = async (name, fullPage = true) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(plan.shots, name), fullPage });
};

/** Clicks a breaker's action button, confirms, and waits for the row to show the expected state. */
const controlBreaker = async (name, action, expectedState) => {
  await page.locator(`#breakers-table tr[data-breaker="${name}"] button[data-action="${action}"]`).click();
  await page.locator("dialog#confirm[open]").waitFor(WAIT);
  const question = await page.locator("#confirm-text").innerText();
  await page.locator("#confirm-ok").click();
  const row = page.locator(`#breakers-table tr[data-breaker="${name}"][data-state="${expectedState}"]`);
  await row.waitFor(WAIT);
  return { question, state: await row.getAttribute("data-state"), rowText: await row.innerText() };
};

/** Everything a person or a script could read off the page: markup plus form field values. */
const pageText = () => page.evaluate(() => document.documentElement.outerHTML
  + [...document.querySelectorAll("input, textarea")].map((i) => i.value).join("\n"));

const storage = () => page.evaluate(() => ({
  local: Object.fromEntries(Object.entries(localStorage)),
  session: Object.fromEntries(Object.entries(sessionStorage)),
  cookie: document.cookie,
}));

try {
  if (plan.mode === "refused") {
    await step("open", async () => {
      await page.goto(plan.base + (plan.token ? `#token=${encodeURIComponent(plan.token)}` : ""));
      await page.waitForSelector("#token-form", WAIT);
      return {
        message: await page.locator("#messages .msg.error").first().innerText(),
        conn: await page.locator("#conn").innerText(),
        url: page.url(),
      };
    });
    await shot("dashboard-refused.png", false);
  } else {
    const value1 = "ghp_" + randomBytes(18).toString("hex");
    const value2 = "ghp_" + randomBytes(18).toString("hex");
    const service = "e2e-github-" + randomBytes(3).toString("hex");
    out.secretValues = [value1, value2]; // so the IT can search every log for them

    await step("open", async () => {
      await page.goto(plan.base + `#token=${encodeURIComponent(plan.token)}`);
      await page.waitForSelector("body[data-ready=true]", WAIT);
      return { url: page.url(), conn: await page.locator("#conn").innerText() };
    });

    await step("store", async () => {
      const f = page.locator("#store-secret");
      await f.locator("input[name=service]").fill(service);
      await f.locator("select[name=secret_type]").selectOption("token");
      await f.locator("input[name=secret_value]").fill(value1);
      await f.locator("input[name=rotation_days]").fill("90");
      await f.locator("button[type=submit]").click();
      const row = page.locator(`#secrets-table tr[data-service="${service}"]`);
      await row.waitFor(WAIT);
      const text = await pageText();
      return {
        rowText: await row.innerText(),
        secretId: await row.getAttribute("data-secret-id"),
        valueOnPage: text.includes(value1),
        valueFieldEmpty: (await f.locator("input[name=secret_value]").inputValue()) === "",
      };
    });

    await step("rotate", async () => {
      const row = page.locator(`#secrets-table tr[data-service="${service}"]`);
      await row.locator("button.rotate").click();
      await page.locator(".rotate-form input[name=new_value]").fill(value2);
      await page.locator(".rotate-form button[type=submit]").click();
      await page.locator(`#secrets-table tr[data-service="${service}"] td.badges`, { hasText: "v2" }).waitFor(WAIT);
      const text = await pageText();
      return {
        rowText: await page.locator(`#secrets-table tr[data-service="${service}"]`).innerText(),
        oldValueOnPage: text.includes(value1),
        newValueOnPage: text.includes(value2),
      };
    });

    await step("reveal", async () => {
      const row = page.locator(`#secrets-table tr[data-service="${service}"]`);
      await row.locator("button.reveal").click();
      const shown = await page.locator("code.secret-value").innerText(WAIT);
      await row.locator("button.reveal").click(); // Hide
      await page.locator("code.secret-value").waitFor({ state: "detached", ...WAIT });
      return { revealed: shown === value2, valueOnPageAfterHide: (await pageText()).includes(value2) };
    });

    await step("refusedValue", async () => {
      // api_key needs 10+ characters: the tool refuses it; the page shows the tool's message.
      const f = page.locator("#store-secret");
      await f.locator("input[name=service]").fill(service + "-short");
      await f.locator("select[name=secret_type]").selectOption("api_key");
      await f.locator("input[name=secret_value]").fill("tiny-k");
      await f.locator("button[type=submit]").click();
      const msg = page.locator("#messages .msg.error").first();
      await msg.waitFor(WAIT);
      const text = await msg.innerText();
      await msg.locator("button.close").click();
      return { message: text, echoesValue: text.includes("tiny-k") };
    });

    await step("delete", async () => {
      const victim = service + "-old";
      const f = page.locator("#store-secret");
      await f.locator("input[name=service]").fill(victim);
      await f.locator("select[name=secret_type]").selectOption("password");
      await f.locator("input[name=secret_value]").fill("correct horse battery staple");
      await f.locator("button[type=submit]").click();
      const row = page.locator(`#secrets-table tr[data-service="${victim}"]`);
      await row.waitFor(WAIT);
      await row.locator("button.delete").click();
      await page.locator("dialog#confirm[open]").waitFor(WAIT);
      const question = await page.locator("#confirm-text").innerText();
      await page.locator("#confirm-ok").click();
      await row.waitFor({ state: "detached", ...WAIT });
      return { question };
    });

    await shot("dashboard-secrets.png");

    await step("walAdd", async () => {
      const content = "hello from the dashboard e2e " + randomBytes(6).toString("hex");
      await page.locator('#tabs button[data-view="wal"]').click();
      const f = page.locator("#wal-add");
      await f.waitFor(WAIT);
      await f.locator("select[name=operation_type]").selectOption("add");
      await f.locator("select[name=source]").selectOption("content");
      await f.locator("textarea[name=content]").fill(content);
      await f.locator("button[type=submit]").click();
      const item = page.locator("#wal-watch li").first();
      await item.waitFor(WAIT);
      const id = await item.getAttribute("data-operation-id");
      await page.locator(`#wal-watch li[data-operation-id="${id}"][data-status=completed]`).waitFor({ timeout: 90_000 });
      // The table redraws once the wait returns (it may have drawn the row as pending/processing before).
      const row = page.locator(`#wal-table tr[data-operation-id="${id}"][data-status=completed]`);
      await row.waitFor(WAIT);
      return {
        operationId: id,
        watchText: await page.locator(`#wal-watch li[data-operation-id="${id}"]`).innerText(),
        cid: await page.locator(`#wal-watch li[data-operation-id="${id}"] .cid`).innerText(),
        rowStatus: await row.getAttribute("data-status"),
        counts: await page.locator("#wal-counts").innerText(),
      };
    });

    await step("walFilter", async () => {
      await page.locator("#wal-view select[name=status]").selectOption("failed");
      await page.locator("#wal-table td.muted", { hasText: "No operations match" }).waitFor(WAIT);
      await page.locator("#wal-view select[name=status]").selectOption("completed");
      await page.locator("#wal-table tr[data-status=completed]").first().waitFor(WAIT);
      return { completedRows: await page.locator("#wal-table tr[data-status=completed]").count() };
    });

    await shot("dashboard-wal.png");

    await step("backends", async () => {
      await page.locator('#tabs button[data-view="backends"]').click();
      const row = page.locator('#backends-table tr[data-backend="local"]');
      await row.waitFor(WAIT);
      // The server's own probe history, drawn as a strip of cells (one per probe or change).
      const strip = page.locator('#health-history .strip-row[data-backend="local"] rect');
      await strip.first().waitFor(WAIT);
      const breaker = page.locator('#breakers-table tr[data-breaker="local"]');
      await breaker.waitFor(WAIT);
      return {
        backend: await row.getAttribute("data-backend"),
        health: await row.getAttribute("data-health"),
        rowText: await row.innerText(),
        notConfigured: await page.locator('#backends-table tr[data-health="not_configured"]').count(),
        historyCells: await strip.count(),
        historyStates: await strip.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state"))),
        latencyChart: await page.locator("#health-history figure.chart svg").count(),
        summary: await page.locator("#wal-health").innerText(),
        breakers: await page.locator("#breakers-table tr[data-breaker]").evaluateAll((rs) => rs.map((r) => ({
          name: r.dataset.breaker, state: r.dataset.state, text: r.innerText }))),
        breakerText: await breaker.innerText(),
      };
    });

    await step("breakerForceOpen", async () => ({
      ...(await controlBreaker("local", "force_open", "forced_open")),
      note: await page.locator("#messages .msg.note").last().innerText().catch(() => ""),
    }));

    await shot("dashboard-backends.png");

    await step("performance", async () => {
      await page.locator('#tabs button[data-view="performance"]').click();
      // The forced-open breaker shows up in the report as a warning recommendation.
      const rec = page.locator('#recommendations li[data-area="breaker"][data-subject="local"][data-severity="warning"]');
      await rec.waitFor(WAIT);
      return {
        recommendation: await rec.innerText(),
        recommendations: await page.locator("#recommendations li").count(),
        scores: await page.locator("#perf-scores").innerText(),
        scoreCards: await page.locator("#perf-scores [data-score]").count(),
        sections: await page.locator("#performance-view section h2").allInnerTexts(),
      };
    });

    await shot("dashboard-performance.png");

    await step("perfToolError", async () => {
      // A value the tool refuses: its own message is shown, the page keeps working.
      await page.locator("#performance-view input[name=leak_threshold_seconds]").fill("-5");
      await page.locator("#perf-refresh").click();
      const msg = page.locator("#messages .msg.error", { hasText: "leak_threshold_seconds" }).first();
      await msg.waitFor(WAIT);
      const text = await msg.innerText();
      await msg.locator("button.close").click();
      await page.locator("#performance-view input[name=leak_threshold_seconds]").fill("300");
      await page.locator("#perf-refresh").click();
      return { message: text };
    });

    await step("breakerReset", async () => {
      await page.locator('#tabs button[data-view="backends"]').click();
      return controlBreaker("local", "reset", "closed");
    });

    await step("narrowBackends", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#breakers-table tr[data-breaker="local"]').waitFor(WAIT);
      const r = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      await page.locator('#tabs button[data-view="performance"]').click();
      await page.locator("#recommendations li").first().waitFor(WAIT);
      const p = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      await shot("dashboard-performance-narrow.png");
      return { backends: r, performance: p };
    });

    await step("narrow", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#tabs button[data-view="secrets"]').click();
      await page.locator(`#secrets-table tr[data-service="${service}"]`).waitFor(WAIT);
      const r = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      await shot("dashboard-narrow.png");
      return r;
    });

    await step("storage", async () => {
      const s = await storage();
      const all = JSON.stringify(s);
      const cookies = await context.cookies();
      return {
        ...s, cookies: cookies.length,
        holdsToken: all.includes(plan.token), holdsSecret: all.includes(value1) || all.includes(value2),
      };
    });
    out.consoleHoldsSecret = out.console.some((m) => [value1, value2, plan.token].some((v) => m.text.includes(v)));
  }
} catch {
  out.ok = false;
  await shot("dashboard-failure.png").catch(() => {});
  out.failureMessages = await page.locator("#messages").innerText().catch(() => "");
} finally {
  await close();
}
process.stdout.write(JSON.stringify(out) + "\n");
