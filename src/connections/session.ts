import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ServerConfig, GlobalSettings } from '../config/serverConfig';
import { TolerantTransport, TolerantTransportOptions } from '../transport/tolerantTransport';
import type { TransportEvent } from '../transport/types';
import { capabilitiesOf, fetchLists, Lists } from './catalog';
import type { Capabilities } from './state';

export interface SessionDeps {
  clientInfo: { name: string; version: string };
  settings: GlobalSettings;
  /** The server's configured headers, resolved for one request. */
  headers: () => Promise<Record<string, string>>;
  traceEnabled: () => boolean;
  /** Transport tuning, for tests and benchmarks. */
  transport?: Partial<TolerantTransportOptions>;
  onEvent: (transport: TolerantTransport, event: TransportEvent) => void;
  /** An error the SDK client reports outside any request. */
  onError: (error: Error) => void;
}

/** A live MCP session: the SDK client over our transport, and what the server told about itself. */
export interface OpenSession {
  client: Client;
  transport: TolerantTransport;
  capabilities: Capabilities;
  lists: Lists;
}

/**
 * Builds the transport and the client, connects, and reads the lists. Rejects with the signal's
 * reason as soon as `signal` aborts (a timeout, a cancel), closing what it opened.
 */
export async function openSession(config: ServerConfig, deps: SessionDeps, signal: AbortSignal): Promise<OpenSession> {
  const timeout = config.timeoutSeconds * 1000;
  const transport = new TolerantTransport({
    server: config.name,
    endpoint: config.endpoint,
    transport: config.transport,
    headers: deps.headers,
    getFallbackStatuses: deps.settings.getFallbackStatuses,
    requestTimeoutMs: timeout,
    traceEnabled: deps.traceEnabled,
    ...deps.transport,
  });
  const client = new Client(deps.clientInfo, { capabilities: {} });
  transport.onEvent((event) => deps.onEvent(transport, event));
  client.onerror = deps.onError;
  try {
    await untilAborted(client.connect(transport, { signal, timeout }), signal);
    const capabilities = capabilitiesOf(client);
    const lists = await untilAborted(fetchLists(client, capabilities, { signal, timeout }), signal);
    return { client, transport, capabilities, lists };
  } catch (error) {
    await closeQuietly(client);
    throw signal.aborted ? signal.reason : error;
  }
}

export async function closeQuietly(client: Client): Promise<void> {
  await client.close().catch(() => undefined);
}

/** The promise, or the signal's reason as soon as it aborts (the SDK may not stop at once). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
