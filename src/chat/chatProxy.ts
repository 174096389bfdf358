import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Connection } from '../connections/connection';
import { ProxySession } from './proxySession';

/** A chat request body larger than this is refused (tool arguments, not uploads). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ROUTE = /^\/mcp\/([^/?#]+)\/?$/;

export interface ChatProxyOptions {
  /** The connection of a server offered to chat, by its configured name; undefined when it is not offered. */
  offered(name: string): Connection | undefined;
  /** One line for our log, about the proxy itself (a refused request, say). */
  note(text: string): void;
}

interface LiveSession {
  transport: StreamableHTTPServerTransport;
  session: ProxySession;
  server: string;
}

/**
 * The loopback endpoint VS Code's chat talks to: one route per offered server
 * (`http://127.0.0.1:<port>/mcp/<name>`), each a Streamable HTTP MCP server whose sessions answer
 * through our connection. Only loopback peers, only our Host, no foreign Origin, and only with the
 * window's bearer token — which VS Code gets in `resolveMcpServerDefinition`, never in what it stores.
 */
export class ChatProxy {
  /** Per window, random; never logged. */
  readonly token = randomBytes(32).toString('base64url');
  private http: HttpServer | undefined;
  private starting: Promise<void> | undefined;
  private port = 0;
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly options: ChatProxyOptions) {}

  /** Listens on 127.0.0.1 (a random port), once. */
  start(): Promise<void> {
    this.starting ??= new Promise<void>((resolve, reject) => {
      const http = createServer((req, res) => void this.handle(req, res).catch(() => answer(res, 500, 'The proxy failed to answer.')));
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => {
        this.port = (http.address() as AddressInfo).port;
        this.http = http;
        resolve();
      });
    });
    return this.starting;
  }

  urlFor(name: string): string {
    return `http://127.0.0.1:${this.port}/mcp/${encodeURIComponent(name)}`;
  }

  /** Ends the sessions of servers no longer offered (removed, disabled, hidden from chat). */
  async forgetServersNotOffered(): Promise<void> {
    for (const [id, live] of this.sessions) {
      if (this.options.offered(live.server)) continue;
      this.sessions.delete(id);
      await closeLive(live);
    }
  }

  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(closeLive));
    const http = this.http;
    this.http = undefined;
    if (http) await new Promise<void>((resolve) => (http.closeAllConnections(), http.close(() => resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = this.refusal(req);
    if (refusal) {
      this.options.note(`chat proxy: refused a request — ${refusal}`);
      return answer(res, 403, refusal);
    }
    const route = ROUTE.exec(new URL(req.url ?? '/', 'http://proxy').pathname);
    const name = route ? safeDecode(route[1]) : undefined;
    const connection = name === undefined ? undefined : this.options.offered(name);
    if (!connection || name === undefined) return answer(res, 404, 'No MCP server of MCP Connections is offered to chat at this address.');

    const body = req.method === 'POST' ? await readJson(req) : undefined;
    if (body === TOO_LARGE) return answer(res, 413, 'The request is too large.');
    const sessionId = header(req, 'mcp-session-id');
    const live = sessionId ? this.sessions.get(sessionId) : undefined;
    if (live && live.server === name) return live.transport.handleRequest(req, res, body);
    if (sessionId || req.method !== 'POST' || !isInitializeRequest(body)) {
      // An unknown session (the proxy restarted with the window): chat's client starts a new one on 404.
      return answer(res, sessionId ? 404 : 400, sessionId ? 'Session not found.' : 'Start with an initialize request.');
    }
    try {
      await connection.ensureConnected();
    } catch (error) {
      return answerRpcError(res, body, `Could not connect to the MCP server "${name}": ${error instanceof Error ? error.message : String(error)}`);
    }
    const session = new ProxySession(connection);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void this.sessions.set(id, { transport, session, server: name }),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      void session.close();
    };
    await session.server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Why a request may not come in, or undefined when it may. */
  private refusal(req: IncomingMessage): string | undefined {
    const peer = req.socket.remoteAddress ?? '';
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(peer)) return 'not from this machine';
    const hosts = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    if (!hosts.includes(req.headers.host ?? '')) return 'wrong Host header';
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.some((host) => origin === `http://${host}`)) return 'foreign Origin';
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'no valid token';
    return undefined;
  }
}

async function closeLive(live: LiveSession): Promise<void> {
  await live.transport.close().catch(() => undefined);
  await live.session.close();
}

const TOO_LARGE = Symbol('too large');

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function answerRpcError(res: ServerResponse, request: unknown, message: string): void {
  const id = (request as { id?: unknown }).id ?? null;
  res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message }, id }));
}
