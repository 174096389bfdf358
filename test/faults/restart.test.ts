import assert from 'node:assert/strict';
import type { TestServer } from '../fixtures/mcpServer';
import { Cleanup, Cleanup as HarnessCleanup, useCleanup } from '../support/cleanup';
import { connectStreaming, FAULT_SETTINGS, callText, faultClient, live } from '../support/connections';
import { startHeldPort } from '../support/faultServers';
import { restartServer, startServer } from '../support/harness';
import { PUBLISHED, startPublished } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';
import { waitFor } from '../support/wait';

/** A server the test can restart in place: every session is lost, the port stays the same. */
interface Restartable {
  name: string;
  url: string;
  port: number;
  tool: { name: string; args: Record<string, unknown>; expected: string };
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop and start at once (default: stop, then start). */
  restart?(): Promise<void>;
}

async function sdkServer(cleanup: Cleanup, restarted: HarnessCleanup): Promise<Restartable> {
  let server: TestServer = await startServer(cleanup, { name: 'sdk-server' });
  return {
    name: 'SDK test server',
    url: server.url,
    port: server.port,
    tool: { name: 'add', args: { a: 2, b: 3 }, expected: '5' },
    stop: () => server.close(),
    start: async () => {
      server = await startServer(cleanup, { name: 'sdk-server', port: server.port });
    },
    // Closed and started again in a few milliseconds: restartServer puts an I/O barrier between, so
    // the client has read the closes of its keep-alive connections, as it would in a real restart.
    restart: async () => {
      server = await restartServer(restarted, server, { name: 'sdk-server' });
    },
  };
}

async function publishedServer(cleanup: Cleanup, name: string): Promise<Restartable> {
  const server = await startPublished(name);
  cleanup.add(() => server.stop());
  return { name: PUBLISHED[name].package, url: server.url, port: server.port, tool: PUBLISHED[name].tool, stop: () => server.stop(), start: () => server.start() };
}

/**
 * The server restarts mid-session on the same port and forgets every session. The next tool call
 * must succeed, the GET stream must come back, and the connection must show "connected ·
 * streaming" again — for the SDK-based server and for each published server package, run as it is.
 *
 * Two kinds of restart:
 * - the port stays open during the restart (systemd socket activation, a reverse proxy): requests
 *   made meanwhile wait for the new server. The transport re-initialises the session by itself and
 *   the connection never leaves "connected".
 * - the port is closed during the restart, long enough for the client to notice: the GET stream's
 *   retry (the SDK retries 1 s after the stream broke) finds it closed, the connection shows
 *   "reconnecting n/5" and reconnects by itself once the server is back. (A restart quicker than
 *   that retry takes the transparent path above.)
 */
describe('faults: the server restarts mid-session', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();
  const restarted = new HarnessCleanup(); // servers started by restartServer
  afterEach(() => restarted.run());

  const targets: [string, () => Promise<Restartable>][] = [
    ['the SDK-based test server (stateful, streaming)', () => sdkServer(cleanup, restarted)],
    ...Object.keys(PUBLISHED).map((name): [string, () => Promise<Restartable>] => [`published package ${PUBLISHED[name].package}`, () => publishedServer(cleanup, name)]),
  ];

  for (const [title, make] of targets) {
    it(`${title}, port kept open during the restart: the next call re-initialises transparently`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const server = await make();
      const port = await startHeldPort(cleanup, server.port);
      const client = faultClient(cleanup, 'restarting', port.url);
      const { connection, logger, states } = client;
      await connectStreaming(connection);
      assert.equal(await callText(connection, server.tool.name, server.tool.args), server.tool.expected);
      const oldSession = live(connection)?.session.id;
      assert.ok(oldSession, 'the server issued a session id');

      const requestsBefore = client.counter.calls.length;
      const linesBefore = logger.lines.length;
      const statesBefore = states.length;
      port.hold();
      if (server.restart) await server.restart();
      else {
        await server.stop();
        await server.start();
      }
      port.release();
      const back = Date.now();

      // The very next call, made as soon as the server is back.
      const answer = await callText(connection, server.tool.name, server.tool.args).catch((error: Error) => {
        throw new Error(`${error.message}\nlog:\n${logger.lines.slice(linesBefore).join('\n')}`);
      });
      assert.equal(answer, server.tool.expected);
      const answered = Date.now();
      const newLines = () => logger.lines.slice(linesBefore);
      await waitFor(() => newLines().some((line) => line.includes('GET stream open')) && connection.state.kind === 'connected' && connection.state.mode === 'streaming', 'the GET stream to come back', 20_000);
      const recovered = Date.now();

      assert.equal(live(connection)?.session.reinitialisations, 1, 'one re-initialisation, shared by the call and the GET stream');
      assert.deepEqual(states.slice(statesBefore).filter((state) => state.kind !== 'connected'), [], 'the connection never left "connected"');
      assert.notEqual(live(connection)?.session.id, oldSession, 'the new session is shown');
      assert.ok(newLines().some((line) => /Session expired \(.*\) — re-initialised and retried/.test(line)), `the log says so:\n${newLines().join('\n')}`);
      await assertNoUnhandledRejections(rejectionsBefore);
      record({
        fault: `restart, port held: ${server.name}`,
        outcome: `next call ok after ${answered - back} ms (transparent re-init); stream back; stayed connected`,
        recoveredMs: recovered - back,
        requests: client.counter.since(requestsBefore),
      });
    });

    it(`${title}, port closed until the client notices: "reconnecting", then connected · streaming by itself`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const server = await make();
      const client = faultClient(cleanup, 'restarting', server.url);
      const { connection, logger, states } = client;
      await connectStreaming(connection);
      const oldSession = live(connection)?.session.id;

      const requestsBefore = client.counter.calls.length;
      const linesBefore = logger.lines.length;
      const statesBefore = states.length;
      const newLines = () => logger.lines.slice(linesBefore);
      const stopped = Date.now();
      await server.stop();
      // The GET stream broke; its retry finds the port closed and the connection shows it.
      await waitFor(() => connection.state.kind === 'reconnecting', 'the connection to notice the server is gone', 20_000);
      const noticed = Date.now();
      await server.start();
      const back = Date.now();

      await waitFor(
        () => connection.state.kind === 'connected' && connection.state.mode === 'streaming' && live(connection)?.session.id !== oldSession && newLines().some((line) => line.includes('GET stream open')),
        'connected · streaming on a new session',
        20_000,
      );
      const recovered = Date.now();
      const answer = await callText(connection, server.tool.name, server.tool.args).catch((error: Error) => {
        throw new Error(`${error.message}\nlog:\n${newLines().join('\n')}`);
      });
      assert.equal(answer, server.tool.expected);

      const during = states.slice(statesBefore);
      const attempts = Math.max(0, ...during.map((state) => (state.kind === 'reconnecting' ? state.attempt : 0)));
      assert.ok(attempts >= 1 && attempts <= FAULT_SETTINGS.reconnect.maxAttempts, `reconnect attempts stay within the policy (${attempts})`);
      assert.ok(!during.some((state) => state.kind === 'error'), `never shown as failed: ${during.map((s) => s.kind).join(' → ')}`);
      assert.ok(newLines().some((line) => /Connection lost: connection refused/.test(line)), `the log says why:\n${newLines().join('\n')}`);
      await assertNoUnhandledRejections(rejectionsBefore);
      record({
        fault: `restart, port closed: ${server.name}`,
        outcome: `"reconnecting", reconnected by itself (attempt ${attempts}/${FAULT_SETTINGS.reconnect.maxAttempts}); stream back; call ok`,
        detectedMs: noticed - stopped,
        recoveredMs: recovered - back,
        requests: client.counter.since(requestsBefore),
      });
    });
  }
});
