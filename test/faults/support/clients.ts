import type { GlobalSettings } from '../../../src/config/serverConfig';
import type { Connection } from '../../../src/connections/connection';
import type { FetchLike } from '../../../src/transport/sessionFetch';
import { Cleanup, ConnectionHarness, entry, makeConnection, TEST_SETTINGS } from '../../unit/connections/support';

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
  options: { timeoutSeconds?: number; headers?: Record<string, string>; settings?: GlobalSettings; transport?: string } = {},
): FaultClient {
  const counter = countingFetch();
  const raw: Record<string, unknown> = { url, timeoutSeconds: options.timeoutSeconds ?? 10 };
  if (options.headers) raw.headers = options.headers;
  if (options.transport) raw.transport = options.transport;
  const harness = makeConnection(cleanup, entry(name, raw), {
    fetch: counter.fetch,
    settings: options.settings ?? FAULT_SETTINGS,
    random: Math.random,
  });
  return { ...harness, counter };
}

/** Calls a tool and returns its first text, or throws the ConnectionError sentence. */
export async function callText(connection: Connection, tool: string, args: Record<string, unknown>): Promise<string> {
  const result = await connection.callTool(tool, args);
  const content = result.content as { type: string; text?: string }[];
  return content[0]?.text ?? '';
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

function rpcOf(body: unknown): string {
  if (typeof body !== 'string') return '';
  try {
    return (JSON.parse(body) as { method?: string }).method ?? 'response';
  } catch {
    return '';
  }
}
