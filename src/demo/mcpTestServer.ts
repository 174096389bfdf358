import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** How the server answers the optional GET that opens the server-to-client stream. */
export type GetBehaviour =
  | 'stream' // the SDK's SSE stream (spec-compliant streaming server)
  | 'hang' // accepts the request and never answers
  | 'reset' // drops the connection without answering (a network error for the client)
  | { status: number; statusText?: string; contentType?: string; body?: string };

export interface TestServerOptions {
  /** Shown as serverInfo.name. */
  name?: string;
  kind?: 'streamable-http' | 'legacy-sse';
  get?: GetBehaviour;
  /** Stateless servers issue no session id (the SDK's documented POST-only pattern). */
  stateless?: boolean;
  /** What a request with an unknown session id gets: the spec's 404, or the 400 some servers send. */
  unknownSession?: 404 | 400;
  /** Answer POSTs with JSON instead of an SSE stream. */
  jsonResponses?: boolean;
  /** Required `Authorization` header value; requests without it get 401. */
  requireAuthorization?: string;
  /** Reuse a port (to restart a server in place). */
  port?: number;
  /** Keep an event store, so events on the GET stream carry ids and a reconnect can resume with Last-Event-ID. */
  resumable?: boolean;
  /** Answer DELETE with this status (e.g. 405, "not allowed") instead of ending the session. */
  deleteStatus?: number;
  /** Serve HTTPS with this key and certificate (PEM) instead of plain HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RecordedRequest {
  method: string;
  url: string;
  sessionId?: string;
  lastEventId?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Sends notifications/tools/list_changed to every session (over the GET stream where one is open). */
  notifyToolsChanged(): void;
  /** Drops every session, as a restart would, without closing the port. */
  forgetSessions(): Promise<void>;
  /** Ends every open GET stream cleanly from the server side; the sessions stay (a legacy server's stream is its session). */
  closeGetStreams(): void;
  /** GET requests currently open (received, response not yet closed). */
  readonly openGets: number;
  /** The most GET requests that were open at the same time for one session id. */
  readonly maxConcurrentGetsPerSession: number;
  /** With `tls`: why each failed TLS handshake failed (error codes, e.g. an "unknown CA" alert from the client). */
  readonly tlsClientErrors: string[];
  close(): Promise<void>;
}

/** A small MCP server built on the SDK's own server classes, with the quirks real servers have. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const handler = options.kind === 'legacy-sse' ? legacySseHandler(options) : streamableHandler(options);
  const openGets = new Map<string, number>();
  let maxConcurrentGetsPerSession = 0;
  const tlsClientErrors: string[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') {
      const key = header(req, 'mcp-session-id') ?? '';
      const open = (openGets.get(key) ?? 0) + 1;
      openGets.set(key, open);
      maxConcurrentGetsPerSession = Math.max(maxConcurrentGetsPerSession, open);
      res.once('close', () => openGets.set(key, (openGets.get(key) ?? 1) - 1));
    }
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      sessionId: header(req, 'mcp-session-id'),
      lastEventId: header(req, 'last-event-id'),
      headers: { ...req.headers },
    });
    if (options.requireAuthorization !== undefined && req.headers.authorization !== options.requireAuthorization) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"unauthorized"}');
      return;
    }
    handler.handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => void tlsClientErrors.push(error.code ?? error.message));
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/mcp`,
    port,
    requests,
    notifyToolsChanged: () => handler.notifyToolsChanged(),
    forgetSessions: () => handler.forgetSessions(),
    closeGetStreams: () => handler.closeGetStreams(),
    get openGets() {
      return [...openGets.values()].reduce((sum, open) => sum + open, 0);
    },
    get maxConcurrentGetsPerSession() {
      return maxConcurrentGetsPerSession;
    },
    tlsClientErrors,
    close: async () => {
      await handler.forgetSessions();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Handler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  notifyToolsChanged(): void;
  forgetSessions(): Promise<void>;
  closeGetStreams(): void;
}

function createMcpServer(name: string): McpServer {
  const server = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: { listChanged: true }, logging: {} } });
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerResource('readme', 'demo://readme', { description: 'What this demo server is', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: `${name}: a demo MCP server` }],
  }));
  server.registerPrompt('greet', { description: 'Greets someone', argsSchema: { who: z.string() } }, ({ who }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${who}` } }],
  }));
  return server;
}

function streamableHandler(options: TestServerOptions): Handler {
  const name = options.name ?? 'test-server';
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const stateless: McpServer[] = [];

  const newSession = async () => {
    const server = createMcpServer(name);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: options.stateless ? undefined : () => randomUUID(),
      enableJsonResponse: options.jsonResponses,
      eventStore: options.resumable ? new MemoryEventStore() : undefined,
      onsessioninitialized: (id) => void sessions.set(id, { transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return { transport, server };
  };

  const unknownSession = (res: ServerResponse) => {
    if (options.unknownSession === 400) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
    }
  };

  return {
    async handle(req, res) {
      const get = options.get ?? 'stream';
      if (req.method === 'GET' && get !== 'stream') {
        if (get === 'hang') return; // never answers
        if (get === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(get.status, get.statusText ?? '', { 'content-type': get.contentType ?? 'text/plain' }).end(get.body ?? '');
        return;
      }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sessionId = header(req, 'mcp-session-id');
      if (options.stateless) {
        if (req.method !== 'POST') {
          res.writeHead(405, { allow: 'POST' }).end();
          return;
        }
        const session = await newSession();
        stateless.push(session.server);
        res.on('close', () => void session.server.close());
        await session.transport.handleRequest(req, res, body);
        return;
      }
      if (sessionId) {
        const session = sessions.get(sessionId);
        if (!session) return unknownSession(res);
        if (req.method === 'DELETE' && options.deleteStatus !== undefined) {
          res.writeHead(options.deleteStatus, { allow: 'GET, POST' }).end();
          return;
        }
        await session.transport.handleRequest(req, res, body);
        return;
      }
      if (req.method === 'POST' && isInitialize(body)) {
        const session = await newSession();
        await session.transport.handleRequest(req, res, body);
        return;
      }
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' }, id: null }));
    },
    ...sessionControls(sessions),
    closeGetStreams() {
      for (const { transport } of sessions.values()) transport.closeStandaloneSSEStream();
    },
  };
}

function legacySseHandler(options: TestServerOptions): Handler {
  const name = options.name ?? 'legacy-server';
  const sessions = new Map<string, { transport: SSEServerTransport; server: McpServer }>();
  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/mcp') {
        const transport = new SSEServerTransport('/messages', res);
        const server = createMcpServer(name);
        sessions.set(transport.sessionId, { transport, server });
        res.on('close', () => sessions.delete(transport.sessionId));
        await server.connect(transport);
        return;
      }
      if (req.method === 'POST' && url.pathname === '/messages') {
        const session = sessions.get(url.searchParams.get('sessionId') ?? '');
        if (!session) {
          res.writeHead(404).end('Unknown session');
          return;
        }
        await session.transport.handlePostMessage(req, res, await readJson(req));
        return;
      }
      // What a 2024-11-05 server does with the Streamable HTTP initialize POST.
      res.writeHead(405, { allow: 'GET' }).end('Method Not Allowed');
    },
    ...sessionControls(sessions),
    closeGetStreams() {
      for (const { transport } of sessions.values()) void transport.close();
    },
  };
}

/** What both kinds of server do with their sessions: notify them, or forget them as a restart would. */
function sessionControls(sessions: Map<string, { server: McpServer }>) {
  return {
    notifyToolsChanged() {
      for (const { server } of sessions.values()) server.sendToolListChanged();
    },
    async forgetSessions() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map(({ server }) => server.close().catch(() => undefined)));
    },
  };
}

/** Keeps every event, so a client that reconnects with Last-Event-ID gets what it missed. */
class MemoryEventStore implements EventStore {
  private readonly events: { id: string; streamId: string; message: JSONRPCMessage }[] = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${this.events.length + 1}`;
    this.events.push({ id, streamId, message });
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.events.find((event) => event.id === eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const index = this.events.findIndex((event) => event.id === lastEventId);
    if (index < 0) return '';
    const { streamId } = this.events[index];
    for (const event of this.events.slice(index + 1)) {
      if (event.streamId === streamId) await send(event.id, event.message);
    }
    return streamId;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isInitialize(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { method?: string }).method === 'initialize';
}

/** The whole body of a request, as text. */
export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readRequestBody(req);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Listens on 127.0.0.1 (port 0: a free one); rejects if the port is taken. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
