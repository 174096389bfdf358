import assert from 'node:assert/strict';
import { createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startTestServer, TestServer, TestServerOptions } from '../../src/demo/mcpTestServer';
import { TolerantTransport, TolerantTransportOptions } from '../../src/transport/tolerantTransport';
import { TransportEvent } from '../../src/transport/types';

type EventKind = TransportEvent['kind'];
type EventOf<K extends EventKind> = Extract<TransportEvent, { kind: K }>;

/** Things to undo after each test, newest first; failures in one do not stop the others. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown> | unknown)[] = [];

  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/** A cleanup list that is run after every test of the enclosing `describe`. */
export function useCleanup(): Cleanup {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());
  return cleanup;
}

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
  await ioRoundTrip();
  return startServer(cleanup, { ...options, port: server.port });
}

async function ioRoundTrip(): Promise<void> {
  const probe = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve).on('error', reject)).on('error', reject);
    });
  } finally {
    probe.closeAllConnections();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/** An SDK `Client` over a `TolerantTransport`, with everything a user could observe collected. */
export interface Connection {
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

export type ConnectOptions = Partial<Omit<TolerantTransportOptions, 'url'>>;

/** Creates the client and transport; `connect` is left to the caller (see `connect`). */
export function createConnection(cleanup: Cleanup, url: string, options: ConnectOptions = {}): Connection {
  const transport = new TolerantTransport({ server: 'test-server', url: new URL(url), ...options });
  const client = new Client({ name: 'transport-tests', version: '1.0.0' });
  const connection: Connection = {
    client,
    transport,
    events: [],
    clientErrors: [],
    transportErrors: [],
    toolListChanges: 0,
    eventsOf: <K extends EventKind>(kind: K) => connection.events.filter((event): event is EventOf<K> => event.kind === kind),
    errors: () => [...connection.transportErrors, ...connection.clientErrors],
    add: async (a, b) => {
      const result = await client.callTool({ name: 'add', arguments: { a, b } });
      const content = result.content as { type: string; text?: string }[];
      assert.equal(content[0]?.type, 'text');
      return content[0].text ?? '';
    },
  };
  transport.onEvent((event) => connection.events.push(event));
  transport.onerror = (error) => connection.transportErrors.push(error);
  client.onerror = (error) => connection.clientErrors.push(error);
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    connection.toolListChanges++;
  });
  cleanup.add(() => client.close());
  return connection;
}

export async function connect(cleanup: Cleanup, url: string, options: ConnectOptions = {}): Promise<Connection> {
  const connection = createConnection(cleanup, url, options);
  await connection.client.connect(connection.transport);
  return connection;
}

/** Everything the transport reported, without the wire trace. */
export function lifecycle(connection: Connection): TransportEvent[] {
  return connection.events.filter((event) => event.kind !== 'wire');
}

export function kinds(connection: Connection): EventKind[] {
  return lifecycle(connection).map((event) => event.kind);
}

/** Fails with the errors themselves, so a failing test says what reached the host. */
export function assertNoErrors(connection: Connection): void {
  assert.deepEqual(
    connection.errors().map((error) => error.message),
    [],
    'no error may reach client.onerror / transport.onerror',
  );
}

export function requestsOf(server: TestServer, method: string) {
  return server.requests.filter((request) => request.method === method);
}

/** Small, fast GET retries so a test sees the whole retry-then-give-up cycle. */
export const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 60, maxAttempts: 3 };
