import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../src/common/logger';
import { createHeaderSource } from '../../src/config/headerValues';
import type { GlobalSettings, ServerEntry } from '../../src/config/serverConfig';
import { validateServer } from '../../src/config/validate';
import { Connection, ConnectionOptions } from '../../src/connections/connection';
import type { ConnectionState } from '../../src/connections/state';
import type { FetchLike } from '../../src/transport/types';
import type { Cleanup } from './cleanup';
import { closeServer, listen, readRequestBody } from './net';
import { waitFor } from './wait';

/** Every line the core logged, as the output channel would show it (level first). */
export interface CapturingLogger extends Logger {
  readonly lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Log lines without the level, trace and debug lines left out. */
export function visibleLog(logger: CapturingLogger): string[] {
  return logger.lines.filter((line) => !line.startsWith('trace ') && !line.startsWith('debug ')).map((line) => line.replace(/^\w+ /, ''));
}

export const TEST_SETTINGS: GlobalSettings = {
  reconnect: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
  getFallbackStatuses: [400, 404, 405, 406],
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
  options: Partial<ConnectionOptions> & { secrets?: Record<string, string>; env?: NodeJS.ProcessEnv; logger?: CapturingLogger } = {},
): ConnectionHarness {
  const { secrets = {}, env = {}, logger = capturingLogger(), ...rest } = options;
  const connection = new Connection(serverEntry, {
    logger,
    settings: TEST_SETTINGS,
    headers: createHeaderSource(async (name) => secrets[name], env),
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

/** Connects, then waits until the GET stream is open (the state says "streaming"). */
export async function connectStreaming(connection: Connection): Promise<void> {
  await connection.connect();
  await waitFor(() => connection.state.kind === 'connected' && connection.state.mode === 'streaming', 'the GET stream to open');
}

/**
 * The parts of a state a test pins down exactly: the kind, and for a connected state the mode and
 * the GET answer shown (`getFallback` appears only while POST-only, as the tree's description does).
 */
export function summary(state: ConnectionState): Record<string, unknown> {
  if (state.kind !== 'connected') return { ...state };
  return state.mode === 'post-only' && state.getFallback
    ? { kind: 'connected', mode: state.mode, getFallback: { status: state.getFallback.status, statusText: state.getFallback.statusText } }
    : { kind: 'connected', mode: state.mode };
}

/** What a connected state says about the server (or undefined when not connected). */
export function live(connection: Connection) {
  const state = connection.state;
  return state.kind === 'connected' ? state : undefined;
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
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string; at: number }[];
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
  const server = createServer((req, res) => {
    void readRequestBody(req).then((body) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() });
      answer(req, res, body);
    });
  });
  const port = await listen(server);
  const close = () => closeServer(server);
  cleanup.add(close);
  return { url: `http://127.0.0.1:${port}/mcp`, port, requests, close };
}

// ---- as the fault suite uses them ------------------------------------------------------------------

export interface CountedRequest {
  url: string;
  method: string;
  /** JSON-RPC method of a POST ("" for GET/DELETE). */
  rpc: string;
  at: number;
}

/** The client's fetch, counting every HTTP request it attempts (refused ones included). */
export interface CountingFetch {
  fetch: FetchLike;
  readonly calls: CountedRequest[];
  /** Requests made since `mark` (an index from `calls.length`). */
  since(mark: number): number;
}

export function countingFetch(): CountingFetch {
  const calls: CountedRequest[] = [];
  return {
    calls,
    since: (mark) => calls.length - mark,
    fetch: (url, init) => {
      calls.push({ url: String(url), method: (init?.method ?? 'GET').toUpperCase(), rpc: rpcOf(init?.body), at: Date.now() });
      return fetch(url, init);
    },
  };
}

/** Reconnect policy for the fault tests: the shipped shape (5 attempts, doubling, jitter), scaled down. */
export const FAULT_SETTINGS: GlobalSettings = {
  ...TEST_SETTINGS,
  reconnect: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 1600 },
};

export interface FaultClient extends ConnectionHarness {
  counter: CountingFetch;
}

/** A Connection as the extension makes one (real jitter, counted requests). */
export function faultClient(
  cleanup: Cleanup,
  name: string,
  url: string,
  options: { timeoutSeconds?: number; headers?: Record<string, string>; settings?: GlobalSettings; transport?: string; logger?: CapturingLogger } = {},
): FaultClient {
  const counter = countingFetch();
  const raw: Record<string, unknown> = { url, timeoutSeconds: options.timeoutSeconds ?? 10 };
  if (options.headers) raw.headers = options.headers;
  if (options.transport) raw.transport = options.transport;
  const harness = makeConnection(cleanup, entry(name, raw), {
    transport: { fetch: counter.fetch },
    settings: options.settings ?? FAULT_SETTINGS,
    random: Math.random,
    logger: options.logger,
  });
  return { ...harness, counter };
}

/** Calls a tool and returns its first text, or throws the ConnectionError sentence. */
export async function callText(connection: Connection, tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await connection.callTool(tool, args);
  const content = result.content as { type: string; text?: string }[];
  return content[0]?.text ?? '';
}

/** The JSON-RPC method of a request body ("response" for a response, "" when it is not JSON). */
export function rpcOf(body: unknown): string {
  if (typeof body !== 'string') return '';
  try {
    return (JSON.parse(body) as { method?: string }).method ?? 'response';
  } catch {
    return '';
  }
}
