import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describeStreamProblem } from '../../src/connections/logLines';
import { resolveEndpoint } from '../../src/transport/endpoint';
import { TolerantTransport, TolerantTransportOptions } from '../../src/transport/tolerantTransport';
import { StreamProblem, TransportEvent } from '../../src/transport/types';
import { startTestServer, TestServer, TestServerOptions } from '../fixtures/mcpServer';
import { Cleanup } from './cleanup';
import { ioBarrier } from './net';

type EventKind = TransportEvent['kind'];
type EventOf<K extends EventKind> = Extract<TransportEvent, { kind: K }>;

export async function startServer(cleanup: Cleanup, options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  cleanup.add(() => server.close());
  return server;
}

/**
 * Closes a server and starts a new one on the same port: every session is lost, as in a real restart.
 * A real restart takes long enough for the client to notice that its idle keep-alive connections were
 * closed; here the next request could otherwise go out on such a connection before the client has
 * read its end ("other side closed"). One unrelated HTTP round trip lets the client process those
 * closes first: an I/O barrier, not a timed wait.
 */
export async function restartServer(cleanup: Cleanup, server: TestServer, options: TestServerOptions = {}): Promise<TestServer> {
  await server.close();
  await ioBarrier();
  return startServer(cleanup, { ...options, port: server.port });
}

/** An SDK `Client` over a `TolerantTransport`, with everything a user could observe collected. */
export interface TransportUnderTest {
  client: Client;
  transport: TolerantTransport;
  events: TransportEvent[];
  /** Errors that reached `client.onerror` (the SDK forwards `transport.onerror` there too). */
  clientErrors: Error[];
  /** Errors that reached `transport.onerror` directly. */
  transportErrors: Error[];
  /** notifications/tools/list_changed received by the client. */
  toolListChanges: number;
  eventsOf<K extends EventKind>(kind: K): EventOf<K>[];
  /** Every error either handler saw; what a host treating `onerror` as fatal would have acted on. */
  errors(): Error[];
  add(a: number, b: number): Promise<string>;
}

export type TransportOptions = Partial<Omit<TolerantTransportOptions, 'endpoint'>>;

/** Creates the client and transport; `connect` is left to the caller (see `connect`). */
export function createTransportUnderTest(cleanup: Cleanup, url: string, options: TransportOptions = {}): TransportUnderTest {
  const transport = new TolerantTransport({ server: 'test-server', endpoint: resolveEndpoint(url), ...options });
  const client = new Client({ name: 'transport-tests', version: '1.0.0' });
  const under: TransportUnderTest = {
    client,
    transport,
    events: [],
    clientErrors: [],
    transportErrors: [],
    toolListChanges: 0,
    eventsOf: <K extends EventKind>(kind: K) => under.events.filter((event): event is EventOf<K> => event.kind === kind),
    errors: () => [...under.transportErrors, ...under.clientErrors],
    add: async (a, b) => {
      const result = await client.callTool({ name: 'add', arguments: { a, b } });
      const content = result.content as { type: string; text?: string }[];
      assert.equal(content[0]?.type, 'text');
      return content[0].text ?? '';
    },
  };
  transport.onEvent((event) => under.events.push(event));
  transport.onerror = (error) => under.transportErrors.push(error);
  client.onerror = (error) => under.clientErrors.push(error);
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    under.toolListChanges++;
  });
  cleanup.add(() => client.close());
  return under;
}

export async function connect(cleanup: Cleanup, url: string, options: TransportOptions = {}): Promise<TransportUnderTest> {
  const under = createTransportUnderTest(cleanup, url, options);
  await under.client.connect(under.transport);
  return under;
}

/** Everything the transport reported, without the wire trace. */
export function lifecycle(under: TransportUnderTest): TransportEvent[] {
  return under.events.filter((event) => event.kind !== 'wire');
}

export function kinds(under: TransportUnderTest): EventKind[] {
  return lifecycle(under).map((event) => event.kind);
}

/** Fails with the errors themselves, so a failing test says what reached the host. */
export function assertNoErrors(under: TransportUnderTest): void {
  assert.deepEqual(
    under.errors().map((error) => error.message),
    [],
    'no error may reach client.onerror / transport.onerror',
  );
}

export function requestsOf(server: TestServer, method: string) {
  return server.requests.filter((request) => request.method === method);
}

/** Small, fast GET retries so a test sees the whole retry-then-give-up cycle. */
export const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 60, maxAttempts: 3 };

/** The problem of a stream event as the log says it ("GET answered 500 Internal Server Error"). */
export function problemText(event: { problem: StreamProblem }): string {
  return describeStreamProblem(event.problem, (text) => text);
}
