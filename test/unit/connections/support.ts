import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import type { Logger } from '../../../src/common/logger';
import { resolveHeaderValues, SecretLookup } from '../../../src/config/headerValues';
import type { GlobalSettings, ServerEntry } from '../../../src/config/serverConfig';
import { validateServer } from '../../../src/config/validate';
import { Connection, ConnectionOptions } from '../../../src/connections/connection';
import type { ConnectionState } from '../../../src/connections/state';
import { listen, readRequestBody as readBody, TestServer } from '../../../src/demo/mcpTestServer';

export { Cleanup, startServer, useCleanup } from '../../support/mcpHarness';
import { Cleanup } from '../../support/mcpHarness';

/** Every line the core logged, as the output channel would show it (level first). */
export interface CapturingLogger extends Logger {
  readonly lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Log lines without the level, trace lines left out. */
export function visibleLog(logger: CapturingLogger): string[] {
  return logger.lines.filter((line) => !line.startsWith('trace ')).map((line) => line.replace(/^\w+ /, ''));
}

export const TEST_SETTINGS: GlobalSettings = {
  reconnect: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
  toleratedGetStatuses: [400, 404, 405, 406],
};

/** A validated entry, as the settings module would produce it. */
export function entry(name: string, raw: Record<string, unknown>, scope: 'user' | 'workspace' = 'user'): ServerEntry {
  return validateServer(name, raw, scope);
}

export interface ConnectionHarness {
  connection: Connection;
  logger: CapturingLogger;
  /** Every state the connection went through, in order (starting with its initial state). */
  states: ConnectionState[];
  /** When each of `states` was entered (Date.now()). */
  times: number[];
}

export function makeConnection(
  cleanup: Cleanup,
  serverEntry: ServerEntry,
  options: Partial<ConnectionOptions> & { secrets?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
): ConnectionHarness {
  const logger = capturingLogger();
  const { secrets = {}, env = {}, ...rest } = options;
  const lookup: SecretLookup = async (name) => secrets[name];
  const connection = new Connection(serverEntry, {
    logger,
    settings: TEST_SETTINGS,
    resolveHeaders: (headers) => resolveHeaderValues(headers, lookup, env),
    clientInfo: { name: 'mcp-connections-test', version: '0.0.0' },
    random: () => 0.5,
    ...rest,
  });
  const states: ConnectionState[] = [connection.state];
  const times: number[] = [Date.now()];
  connection.onDidChange((c) => {
    if (c.state !== states[states.length - 1]) {
      states.push(c.state);
      times.push(Date.now());
    }
  });
  cleanup.add(() => connection.dispose());
  return { connection, logger, states, times };
}

/** The kinds of states in order, with consecutive repeats collapsed. */
export function kindsOf(states: ConnectionState[]): string[] {
  const kinds: string[] = [];
  for (const state of states) {
    const label = state.kind === 'reconnecting' ? `reconnecting ${state.attempt}/${state.maxAttempts}` : state.kind;
    if (kinds[kinds.length - 1] !== label) kinds.push(label);
  }
  return kinds;
}

export interface PlainServer {
  readonly url: string;
  readonly port: number;
  readonly requests: { method: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/**
 * A plain HTTP server (no MCP): `answer` decides what each request gets; returning nothing leaves
 * the request unanswered (a server that accepts the connection and never replies).
 */
export async function startPlainServer(
  cleanup: Cleanup,
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => undefined,
): Promise<PlainServer> {
  const requests: PlainServer['requests'] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', headers: req.headers, body });
    answer(req, res, body);
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanup.add(close);
  return { url: `http://127.0.0.1:${port}/mcp`, port, requests, close };
}

/** A port on 127.0.0.1 that nothing listens on (it was just released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A proxy in front of an MCP server that holds back the requests `hold` picks until `release()`.
 * Lets a test stop a connect at a known point, without timing.
 */
export interface GatedProxy {
  readonly url: string;
  /** Requests currently held back, by JSON-RPC method. */
  readonly held: string[];
  /** Requests that reached the upstream and whose upstream answer has ended. */
  readonly answered: string[];
  release(): void;
}

export async function startGatedProxy(cleanup: Cleanup, upstream: TestServer, hold: (rpcMethod: string) => boolean): Promise<GatedProxy> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held: string[] = [];
  const answered: string[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    let rpcMethod = req.method ?? '';
    try {
      rpcMethod = (JSON.parse(body) as { method?: string }).method ?? 'response';
    } catch {
      // not JSON: a GET or DELETE
    }
    if (hold(rpcMethod)) {
      held.push(rpcMethod);
      await gate;
      held.splice(held.indexOf(rpcMethod), 1);
    }
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => {
        if (!res.destroyed) res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.headers);
        upstreamRes.on('data', (chunk) => !res.destroyed && res.write(chunk));
        upstreamRes.on('end', () => {
          answered.push(rpcMethod);
          if (!res.destroyed) res.end();
        });
        res.on('close', () => upstreamRes.destroy());
      },
    );
    forwarded.on('error', () => !res.destroyed && res.destroy());
    forwarded.end(body);
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  cleanup.add(async () => {
    release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${port}/mcp`, held, answered, release };
}

/** A streaming MCP server whose tool list can grow while clients are connected. */
export interface GrowingServer {
  readonly url: string;
  addTool(name: string): void;
  close(): Promise<void>;
}

export async function startGrowingServer(cleanup: Cleanup): Promise<GrowingServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  const extraTools: string[] = [];
  const register = (server: McpServer, name: string) =>
    server.registerTool(name, { description: `The ${name} tool`, inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
  const http = createServer(async (req, res) => {
    const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || 'null') : undefined;
    const id = req.headers['mcp-session-id'] as string | undefined;
    if (id) {
      const session = sessions.get(id);
      if (!session) return void res.writeHead(404).end();
      return void (await session.transport.handleRequest(req, res, body));
    }
    const server = new McpServer({ name: 'growing', version: '2.0.0' }, { capabilities: { tools: { listChanged: true } } });
    register(server, 'first');
    for (const name of extraTools) register(server, name);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => void sessions.set(sessionId, { transport, server }),
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await listen(http, 0);
  const port = (http.address() as AddressInfo).port;
  const close = async () => {
    await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(() => undefined)));
    sessions.clear();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
  cleanup.add(close);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    // Registering a tool on a connected McpServer sends notifications/tools/list_changed itself.
    addTool: (name) => {
      extraTools.push(name);
      for (const { server } of sessions.values()) register(server, name);
    },
    close,
  };
}

