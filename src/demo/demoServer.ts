import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** How a demo server answers the optional GET: with its SSE stream, or with a status that means "no stream". */
export type DemoGet = 'stream' | { status: number; contentType: string; body: string };

export interface DemoServerOptions {
  kind: 'streamable-http' | 'legacy-sse';
  get?: DemoGet;
  /** A fresh McpServer per session: the SDK's unit of a connected client. */
  createServer: () => McpServer;
  port?: number;
}

export interface RunningDemoServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves MCP on 127.0.0.1 at /mcp, over Streamable HTTP (stateful) or the legacy HTTP+SSE transport. */
export async function serveDemo(options: DemoServerOptions): Promise<RunningDemoServer> {
  const sessions = new Map<string, { close(): Promise<void>; handle(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> }>();
  const http: Server = createServer((req, res) => {
    const route = options.kind === 'legacy-sse' ? legacy : streamable;
    route(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });

  async function streamable(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const get = options.get ?? 'stream';
    if (req.method === 'GET' && get !== 'stream') {
      res.writeHead(get.status, { 'content-type': get.contentType }).end(get.body);
      return;
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const id = req.headers['mcp-session-id'];
    if (typeof id === 'string') {
      const session = sessions.get(id);
      if (!session) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}');
      return session.handle(req, res, body);
    }
    const server = options.createServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) =>
        void sessions.set(sessionId, { close: () => server.close(), handle: (q, s, b) => transport.handleRequest(q, s, b) }),
    });
    transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function legacy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/mcp') {
      const transport = new SSEServerTransport('/messages', res);
      const server = options.createServer();
      sessions.set(transport.sessionId, { close: () => server.close(), handle: (q, s, b) => transport.handlePostMessage(q, s, b) });
      res.on('close', () => sessions.delete(transport.sessionId));
      await server.connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/messages') {
      const session = sessions.get(url.searchParams.get('sessionId') ?? '');
      if (!session) return void res.writeHead(404).end('Unknown session');
      return session.handle(req, res, await readJson(req));
    }
    // What a 2024-11-05 server does with the Streamable HTTP initialize POST.
    res.writeHead(405, { allow: 'GET' }).end('Method Not Allowed');
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.all([...sessions.values()].map((session) => session.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
