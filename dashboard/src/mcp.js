// The dashboard's one way to the server: the official MCP TypeScript SDK client over Streamable
// HTTP at /mcp, with the bearer token in the transport's requestInit. Tool results come back as
// their structured content; a tool error (isError: true), a protocol error or an HTTP failure
// becomes a KitError whose message a person can read and act on.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";

/**
 * The SDK's Ajv validator, compiled on a tool's first call instead of for every tool at tools/list
 * (the client still checks each structured result against the tool's output schema). Compiling all
 * 21 output schemas up front cost about a second of the first load on a busy 2-core machine.
 */
class LazyOutputValidator {
  constructor() {
    this.ajv = new AjvJsonSchemaValidator();
  }

  getValidator(schema) {
    let compiled = null;
    return (input) => (compiled ??= this.ajv.getValidator(schema))(input);
  }
}

export class KitError extends Error {
  constructor(message, { status, tool } = {}) {
    super(message);
    this.name = "KitError";
    this.status = status; // HTTP status when the transport failed, else undefined
    this.tool = tool;
  }
}

const HTTP_HINTS = {
  401: "The server did not accept the token (HTTP 401). Open the dashboard address that `ipfs-kit serve --http` printed (it carries #token=…), or paste the token below.",
  403: "The server refused this page's origin (HTTP 403). Open the dashboard from the address the server printed, or start the server with --cors-origin for this origin.",
  404: "The server no longer knows this session (HTTP 404); reconnecting.",
  413: "The request is larger than the server accepts (HTTP 413). Store big files by server-side path instead.",
  421: "The server refused the Host this page was opened with (HTTP 421). Open it as 127.0.0.1 or localhost as printed by the server.",
  429: "Too many failed attempts with a wrong token (HTTP 429); wait a moment and try again.",
};

/** Turns whatever the SDK threw into a KitError with a readable message. */
export function readable(err, tool) {
  if (err instanceof KitError) return err;
  if (err instanceof StreamableHTTPError || (err && err.name === "UnauthorizedError")) {
    const status = err.name === "UnauthorizedError" ? 401 : err.code;
    const hint = HTTP_HINTS[status];
    return new KitError(hint ?? `The server answered HTTP ${status}: ${shortBody(err.message)}`, { status, tool });
  }
  if (err instanceof McpError) {
    const what = tool ? `${tool}: ` : "";
    if (err.code === -32001) return new KitError(`${what}the server did not answer in time.`, { tool });
    return new KitError(`${what}${err.message.replace(/^MCP error -?\d+:\s*/, "")}`, { tool });
  }
  if (err instanceof TypeError && /fetch|network/i.test(err.message)) {
    return new KitError(`Cannot reach the ipfs-kit server at ${location.origin}/mcp. Is \`ipfs-kit serve --http\` still running?`, { status: 0, tool });
  }
  return new KitError(`${tool ? tool + ": " : ""}${err && err.message ? err.message : String(err)}`, { tool });
}

// The SDK puts the response body into its message; show the JSON-RPC error text when there is one.
function shortBody(message) {
  const m = /\{.*\}/s.exec(message ?? "");
  if (m) {
    try {
      const body = JSON.parse(m[0]);
      if (body.error && body.error.message) return body.error.message;
    } catch { /* not JSON: fall through */ }
  }
  return (message ?? "").slice(0, 200);
}

export class Kit {
  /** @param {string|null} token bearer token, kept only in this object (never in storage) */
  constructor(token) {
    this.token = token;
    this.client = null;
    this.tools = new Map(); // name -> tool definition from tools/list
    this.serverInfo = null;
  }

  async connect() {
    const headers = this.token ? { Authorization: `Bearer ${this.token}` } : {};
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", location.origin), { requestInit: { headers } });
    const client = new Client({ name: "ipfs-kit-dashboard", version: "1.0.0" }, { jsonSchemaValidator: new LazyOutputValidator() });
    client.onerror = () => {}; // transport-level noise (a dropped SSE stream) is retried by the SDK; calls report their own errors
    try {
      await client.connect(transport);
      performance.mark("mcp-initialized");
      const { tools } = await client.listTools();
      performance.mark("mcp-tools-listed");
      this.tools = new Map(tools.map((t) => [t.name, t]));
      this.serverInfo = client.getServerVersion();
    } catch (err) {
      await client.close().catch(() => {});
      throw readable(err);
    }
    if (this.client) await this.client.close().catch(() => {});
    this.client = client;
  }

  has(tool) {
    return this.tools.has(tool);
  }

  /**
   * Calls a tool and returns its structured content. A tool error (isError) throws a KitError with
   * the tool's own text; an unknown session (404) reconnects once and retries.
   */
  async call(tool, args = {}, { timeoutMs = 60_000, retried = false } = {}) {
    if (!this.client) throw new KitError("Not connected to the server.");
    let result;
    try {
      result = await this.client.callTool({ name: tool, arguments: args }, undefined, { timeout: timeoutMs });
    } catch (err) {
      const e = readable(err, tool);
      if (e.status === 404 && !retried) {
        await this.connect();
        return this.call(tool, args, { timeoutMs, retried: true });
      }
      throw e;
    }
    if (result.isError) {
      const text = (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n").trim();
      throw new KitError(text || `${tool} failed without a message.`, { tool });
    }
    if (result.structuredContent) return result.structuredContent;
    const text = (result.content ?? []).find((c) => c.type === "text");
    try {
      return text ? JSON.parse(text.text) : {};
    } catch {
      return { text: text.text };
    }
  }

  async close() {
    if (this.client) await this.client.close().catch(() => {});
    this.client = null;
  }
}
