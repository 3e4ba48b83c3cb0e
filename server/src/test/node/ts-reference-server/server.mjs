// Reference MCP server on the official TypeScript SDK, for `ipfs-kit bench stdio`.
//
// One light tool, `statistics`, shaped like ipfs-kit's `secrets_statistics`: no input, a small
// structured result (counts and per-key count maps over an in-memory list) declared by an output
// schema, plus the same one-line text summary. The SDK's defaults are kept, including its check of
// the structured result against the output schema on every call.
//
// Run: node server.mjs   (JSON-RPC lines on stdin/stdout; nothing but JSON-RPC on stdout)
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const counts = (description) => z.record(z.string(), z.number().int()).describe(description);

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

await server.connect(new StdioServerTransport());
