// A scripted MCP client on the official TypeScript SDK, for end-to-end tests of ipfs-kit over stdio
// or Streamable HTTP.
// Usage: node mcp-client.mjs '<plan JSON>'. The plan:
//   { "command": "java", "args": [...], "env": {...}, "roots": ["file:///..."] | null,
//     or, for Streamable HTTP instead of a command: "url": "http://127.0.0.1:8787/mcp", "headers": {...},
//     "steps": [ {"call": "tool", "arguments": {...}, "timeoutMs": 60000, "progress": true,
//                 "resetTimeoutOnProgress": true, "cancelAfterMs": 1000},
//                {"setRoots": ["file:///..."]}, {"listTools": true}, {"listResources": true},
//                {"listResourceTemplates": true}, {"readResource": "ipfs://..."},
//                {"setLevel": "info"}, {"ping": true}, {"waitMs": 200},
//                {"awaitNotification": "text", "timeoutMs": 2000, "repeatSteps": 2, "attempts": 10} ] }
// "awaitNotification" waits for a logging notification whose data contains the text, received after the one
// the previous awaitNotification matched; on timeout it runs the "repeatSteps" steps before it again and waits
// again, at most "attempts" times (for events sent before the client's listening stream was open).
// A call step may take arguments from earlier results: "argumentsFrom": {"operation_id":
//   {"step": 0, "path": "structuredContent.operation_id"}} (dotted path into that step's result).
// Prints one JSON line per step to stdout ({"step": i, "ok": true, "result": ..., "progress": [...],
// "elapsedMs": n} or {"step": i, "ok": false, "error": "...", "code": n}) and, last, a line
// {"notifications": [...logging messages...], "rootsRequests": n, "errors": [...client onerror messages...],
//  "wire": {"sent": [{id, method, name}...], "cancelled": [requestId...], "responses": [id...]},
//  "serverStderr": "..." (only with "captureStderr": true in the plan)}. "wire" is what crossed the
// transport after initialize, seen below the SDK: every request and cancel the client sent and the id of
// every response the server wrote (also responses the SDK drops because their request was cancelled).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const plan = JSON.parse(process.argv[2]);
let roots = plan.roots ?? null;
let rootsRequests = 0;
const notifications = [];
const results = [];

function pick(value, path) {
  for (const key of path.split(".")) value = value?.[key];
  return value;
}

const transport = plan.url
  ? new StreamableHTTPClientTransport(new URL(plan.url), { requestInit: { headers: plan.headers ?? {} } })
  : new StdioClientTransport({
    command: plan.command,
    args: plan.args ?? [],
    env: { ...process.env, ...(plan.env ?? {}) },
    stderr: plan.captureStderr ? "pipe" : "inherit",
  });
let serverStderr = "";
if (!plan.url && plan.captureStderr) {
  transport.stderr?.on("data", (chunk) => {
    serverStderr += chunk.toString();
  });
}
const client = new Client(
  { name: "ipfs-kit-e2e", version: "1.0.0" },
  { capabilities: roots ? { roots: { listChanged: true } } : {} },
);
if (roots) {
  client.setRequestHandler(ListRootsRequestSchema, async () => {
    rootsRequests++;
    return { roots: roots.map((uri) => ({ uri, name: uri })) };
  });
}
let notified = () => {};
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
  notifications.push(n.params);
  notified();
});
let notificationCursor = 0;

/** The index of the first notification at or after the cursor containing text, waiting up to ms; -1 if none. */
async function awaitNotification(text, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    for (let k = notificationCursor; k < notifications.length; k++) {
      if (String(notifications[k].data).includes(text)) return k;
    }
    const left = deadline - Date.now();
    if (left <= 0) return -1;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, left);
      notified = () => { clearTimeout(timer); resolve(); };
    });
  }
}

function out(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const errors = [];
client.onerror = (e) => errors.push(String(e?.message ?? e));
if (plan.url) {
  // Over HTTP the first line says whether initialize worked: {"connected": true, "sessionId": "..."} or
  // {"connected": false, "error": "...", "code": n} (then nothing else is printed).
  try {
    await client.connect(transport);
  } catch (e) {
    out({ connected: false, error: String(e?.message ?? e), code: e?.code ?? null });
    process.exit(0);
  }
  out({ connected: true, sessionId: transport.sessionId ?? null });
} else {
  await client.connect(transport);
}
const wire = { sent: [], cancelled: [], responses: [] };
{
  // Below the SDK: the Protocol set these in connect(); wrap them to see the raw traffic.
  const onmessage = transport.onmessage;
  transport.onmessage = (m, extra) => {
    if (m && "id" in m && ("result" in m || "error" in m)) wire.responses.push(m.id);
    return onmessage?.(m, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (m, options) => {
    if (m?.method === "notifications/cancelled") wire.cancelled.push(m.params?.requestId);
    else if (m && "id" in m && m.method) wire.sent.push({ id: m.id, method: m.method, name: m.params?.name ?? null });
    return send(m, options);
  };
}
async function runStep(step, started, progress) {
  let result;
  if (step.call) {
    const controller = new AbortController();
    let timer;
    if (step.cancelAfterMs != null) timer = setTimeout(() => controller.abort("cancelled by test"), step.cancelAfterMs);
    const options = { signal: controller.signal };
    if (step.timeoutMs != null) options.timeout = step.timeoutMs;
    if (step.resetTimeoutOnProgress) options.resetTimeoutOnProgress = true;
    if (step.progress) options.onprogress = (p) => progress.push({ ...p, atMs: Date.now() - started });
    try {
      const args = { ...(step.arguments ?? {}) };
      for (const [name, from] of Object.entries(step.argumentsFrom ?? {})) args[name] = pick(results[from.step], from.path);
      result = await client.callTool({ name: step.call, arguments: args }, undefined, options);
    } finally {
      if (timer) clearTimeout(timer);
    }
  } else if (step.setRoots) {
    roots = step.setRoots;
    await client.sendRootsListChanged();
    result = { roots };
  } else if (step.listTools) {
    result = await client.listTools();
  } else if (step.listResources) {
    result = await client.listResources();
  } else if (step.listResourceTemplates) {
    result = await client.listResourceTemplates();
  } else if (step.readResource) {
    result = await client.readResource({ uri: step.readResource });
  } else if (step.setLevel) {
    result = await client.setLoggingLevel(step.setLevel);
  } else if (step.ping) {
    result = await client.ping();
  } else if (step.waitMs != null) {
    await new Promise((r) => setTimeout(r, step.waitMs));
    result = {};
  } else {
    throw new Error("unknown step " + JSON.stringify(step));
  }
  return result;
}

for (let i = 0; i < plan.steps.length; i++) {
  const step = plan.steps[i];
  const started = Date.now();
  const progress = [];
  try {
    let result;
    if (step.awaitNotification != null) {
      const attempts = step.attempts ?? 1;
      let index = -1;
      let attempt = 0;
      while (index < 0 && attempt < attempts) {
        if (attempt > 0) {
          for (let j = i - (step.repeatSteps ?? 0); j < i; j++) await runStep(plan.steps[j], Date.now(), []);
        }
        attempt++;
        index = await awaitNotification(step.awaitNotification, step.timeoutMs ?? 10000);
      }
      if (index < 0) throw new Error("no notification containing '" + step.awaitNotification + "' after " + attempt + " attempt(s)");
      notificationCursor = index + 1;
      result = { index, attempts: attempt, notification: notifications[index] };
    } else {
      result = await runStep(step, started, progress);
    }
    results[i] = result;
    out({ step: i, ok: true, result, progress, elapsedMs: Date.now() - started });
  } catch (e) {
    out({ step: i, ok: false, error: String(e?.message ?? e), code: e?.code ?? null, progress,
      elapsedMs: Date.now() - started });
  }
}
const summary = () => out({ notifications, rootsRequests, errors, wire, ...(plan.captureStderr ? { serverStderr } : {}) });
if (plan.url) {
  // Over HTTP closing aborts the client's own SSE stream (an error the server did not cause): report first.
  summary();
  await client.close();
} else {
  await client.close(); // the server exits when stdin closes: everything it wrote has arrived
  summary();
}
