// Dashboard first-load time in headless Chromium, cold and warm, from the browser's own navigation
// timing. Usage: node bench-first-load.mjs <base-url> <token> [runs]
//   cold: a fresh profile (empty HTTP cache) per run;  warm: a second load in the same profile;
//   plain: a cold load in another fresh profile that refuses compression (Accept-Encoding: identity).
// Per load it reads the PerformanceNavigationTiming entry (responseEnd, domContentLoadedEventEnd,
// loadEventEnd) and the page's own "dashboard-ready" mark (MCP session initialized, tools listed,
// first view drawn, with the "mcp-initialized" and "mcp-tools-listed" marks on the way), and app.js's transfer size. Prints a Markdown table of medians and p90s.
import { launch } from "./chromium.mjs";

const [, , base, token, runsArg = "15"] = process.argv;
const runs = Number(runsArg);
const url = `${base}#token=${encodeURIComponent(token)}`;

async function measure(page) {
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const app = performance.getEntriesByType("resource").find((r) => r.name.endsWith("/app.js"));
    return {
      response: nav.responseEnd, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
      init: mark("mcp-initialized"), listed: mark("mcp-tools-listed"), ready: mark("dashboard-ready"), appTransfer: app ? app.transferSize : NaN, appBody: app ? app.decodedBodySize : NaN,
    };
  });
}

const cold = [];
const warm = [];
const plain = []; // cold loads that refuse compression (Accept-Encoding: identity), interleaved with the others
{ // one untimed load first: warms the server's JIT and the OS file cache, not the measured browsers
  const b = await launch();
  await measure(b.page).catch(() => {});
  await b.close();
}
for (let i = 0; i < runs; i++) {
  const b = await launch();
  try {
    cold.push(await measure(b.page));
    await b.page.goto("about:blank");
    warm.push(await measure(b.page));
  } finally {
    await b.close();
  }
  const p = await launch();
  try {
    await p.page.setExtraHTTPHeaders({ "Accept-Encoding": "identity" });
    plain.push(await measure(p.page));
  } finally {
    await p.close();
  }
}

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const row = (name, key) => {
  const c = cold.map((x) => x[key]);
  const w = warm.map((x) => x[key]);
  return `| ${name} | ${q(c, 0.5).toFixed(0)} | ${q(c, 0.9).toFixed(0)} | ${q(w, 0.5).toFixed(0)} | ${q(w, 0.9).toFixed(0)} | ${(q(w, 0.5) / q(c, 0.5)).toFixed(2)} |`;
};
console.log(`${runs} runs each; milliseconds from navigation start (Chromium PerformanceNavigationTiming)`);
console.log("| milestone | cold p50 | cold p90 | warm p50 | warm p90 | warm/cold |");
console.log("|---|---:|---:|---:|---:|---:|");
console.log(row("response end (index.html)", "response"));
console.log(row("DOMContentLoaded end (app.js run)", "dcl"));
console.log(row("load event end", "load"));
console.log(row("MCP session initialized", "init"));
console.log(row("tools listed", "listed"));
console.log(row("dashboard ready (MCP connected, tools listed, first view drawn)", "ready"));
console.log(`app.js: ${q(cold.map((x) => x.appBody), 0.5)} bytes decoded; transferred cold ${q(cold.map((x) => x.appTransfer), 0.5)} B, warm ${q(warm.map((x) => x.appTransfer), 0.5)} B (0 = from the browser cache, ~300 = revalidated)`);

const ready = (xs) => q(xs.map((x) => x.ready), 0.5);
console.log(`cold without compression (Accept-Encoding: identity, interleaved): ready p50 ${ready(plain).toFixed(0)} ms, p90 `
  + `${q(plain.map((x) => x.ready), 0.9).toFixed(0)} ms, DOMContentLoaded p50 ${q(plain.map((x) => x.dcl), 0.5).toFixed(0)} ms; `
  + `app.js transferred ${q(plain.map((x) => x.appTransfer), 0.5)} B; cold gzip/identity ready p50 ${(ready(cold) / ready(plain)).toFixed(2)}`);
