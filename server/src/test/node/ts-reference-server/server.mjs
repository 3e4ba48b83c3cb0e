// Reference MCP server on the official TypeScript SDK, for `ipfs-kit bench stdio`.
//
// One light tool, `statistics`, shaped like ipfs-kit's `secrets_statistics`: no input, a small
// structured result (counts and per-key count maps over an in-memory list) declared by an output
// schema, plus the same one-line text summary. The SDK's defaults are kept, including its check of
// the structured result against the output schema on every call.
//
// Run: node server.mjs   (JSON-RPC lines on stdin/stdout; nothing but JSON-RPC on stdout)
//  or: node server.mjs --http PORT   (Streamable HTTP at http://127.0.0.1:PORT/mcp with the SDK's own
//      StreamableHTTPServerTransport, stateful sessions as in the SDK's examples, on node:http; no auth)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const counts = (description) => z.record(z.string(), z.number().int()).describe(description);

function newServer() {
const server = new McpServer({ name: "ts-reference-server", version: "1.0.0" });

// The vault of a fresh ipfs-kit home is empty; so is this one. The counting still runs.
const secrets = [];

server.registerTool(
  "statistics",
  {
    title: "Vault statistics",
    description: "Counts secrets: total, expired, due for rotation, per service, per type and per"
      + " encryption format version, and the total number of retrievals. Never returns values.",
    inputSchema: {},
    outputSchema: {
      total_secrets: z.number().int().describe("Number of secrets"),
      expired_secrets: z.number().int().describe("Secrets past their expiry"),
      secrets_needing_rotation: z.number().int().describe("Secrets due for rotation"),
      services: counts("Secrets per service"),
      total_accesses: z.number().int().describe("Retrievals of all secrets"),
      encryption_versions: counts("Secrets per blob format: v1, v2 (legacy) and v3 (current)"),
      secret_types: counts("Secrets per type"),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
  },
  async () => {
    const now = Date.now();
    const tally = (key) => secrets.reduce((m, s) => ({ ...m, [s[key]]: (m[s[key]] ?? 0) + 1 }), {});
    const stats = {
      total_secrets: secrets.length,
      expired_secrets: secrets.filter((s) => s.expiresAt !== null && s.expiresAt < now).length,
      secrets_needing_rotation: secrets.filter((s) => s.rotateAt !== null && s.rotateAt < now).length,
      services: tally("service"),
      total_accesses: secrets.reduce((n, s) => n + s.accesses, 0),
      encryption_versions: tally("version"),
      secret_types: tally("type"),
    };
    return {
      content: [{
        type: "text",
        text: `${stats.total_secrets} secret(s), ${stats.expired_secrets} expired, `
          + `${stats.secrets_needing_rotation} due for rotation.`,
      }],
      structuredContent: stats,
    };
  },
);

return server;
}

const httpAt = process.argv.indexOf("--http");
if (httpAt < 0) {
  await newServer().connect(new StdioServerTransport());
} else {
  const port = Number(process.argv[httpAt + 1]);
  const transports = new Map(); // session id -> transport (one McpServer per session, as the SDK requires)
  const readJson = (req) => new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined);
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
  const fail = (res, status, message) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
  };
  const http = createServer(async (req, res) => {
    try {
      if (!req.url.startsWith("/mcp")) return fail(res, 404, "Not Found");
      const sessionId = req.headers["mcp-session-id"];
      const body = req.method === "POST" ? await readJson(req) : undefined;
      let transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId || req.method !== "POST" || !isInitializeRequest(body)) return fail(res, 400, "Bad Request: no valid session");
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => transports.set(id, transport),
        });
        transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
        await newServer().connect(transport);
      }
      await transport.handleRequest(req, res, body);
    } catch (e) {
      if (!res.headersSent) fail(res, 500, "Internal error");
    }
  });
  http.keepAliveTimeout = 60_000; // as Jetty's idle timeout is longer than node's 5 s default: no stale reuse in the bench
  http.listen(port, "127.0.0.1", () => process.stderr.write(`ts-reference-server: http://127.0.0.1:${port}/mcp\n`));
}
