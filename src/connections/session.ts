import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ServerConfig, GlobalSettings } from '../config/serverConfig';
import { TolerantTransport, TolerantTransportOptions } from '../transport/tolerantTransport';
import type { TransportEvent } from '../transport/types';
import { capabilitiesOf, Catalog, emptyCatalog, fetchCatalog } from './catalog';
import { ConnectTimeoutError, Failure } from './failures';
import { answerServerRequests, clientCapabilities, ServerRequestHandlers } from './serverRequests';
import type { Capabilities, SignedIn } from './state';

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
  /** The sentence for a failure (a list that could not be read says it). */
  sentence: (failure: Failure) => string;
  /** What the client answers when the server asks it something. */
  serverRequests: ServerRequestHandlers;
}

/** A live MCP session: the SDK client over our transport, and what the server told about itself. */
export interface OpenSession {
  client: Client;
  transport: TolerantTransport;
  capabilities: Capabilities;
  catalog: Catalog;
  /** When the connect began (Date.now()). */
  startedAt: number;
  /** How it is signed in, when OAuth authenticates it (the connection fills it in). */
  auth?: SignedIn;
}

/**
 * Builds the transport and the client, connects (within the server's timeout), and reads the lists
 * (each request within it; a list that fails is said on that list). Rejects with the signal's reason
 * as soon as `cancel` aborts, closing what it opened.
 */
export async function openSession(config: ServerConfig, deps: SessionDeps, cancel: AbortSignal): Promise<OpenSession> {
  const startedAt = Date.now();
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
  const client = new Client(deps.clientInfo, { capabilities: clientCapabilities(deps.serverRequests) });
  answerServerRequests(client, config.name, deps.serverRequests);
  transport.onEvent((event) => deps.onEvent(transport, event));
  client.onerror = deps.onError;
  // Aborting a request's signal after it completed still makes the SDK send notifications/cancelled,
  // so the signal is aborted only on timeout or cancel, never on success.
  const gate = new AbortController();
  const timer = setTimeout(() => gate.abort(new ConnectTimeoutError(config.timeoutSeconds)), timeout);
  const onCancel = () => gate.abort(cancel.reason);
  cancel.addEventListener('abort', onCancel, { once: true });
  try {
    await untilAborted(client.connect(transport, { signal: gate.signal, timeout }), gate.signal);
    clearTimeout(timer);
    const capabilities = capabilitiesOf(client);
    const catalog = { ...emptyCatalog(), ...(await untilAborted(fetchCatalog(client, capabilities, { signal: gate.signal, timeout, sentence: deps.sentence }), gate.signal)) };
    return { client, transport, capabilities, catalog, startedAt };
  } catch (error) {
    await closeQuietly(client);
    throw gate.signal.aborted ? gate.signal.reason : error;
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
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
