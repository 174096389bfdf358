import assert from 'node:assert/strict';
import { createHeaderSource } from '../../../src/config/headerValues';
import type { ServerEntry } from '../../../src/config/serverConfig';
import { validateServers } from '../../../src/config/validate';
import type { Connection } from '../../../src/connections/connection';
import { ConnectionManager, ManagerOptions } from '../../../src/connections/connectionManager';
import type { TestServer } from '../../fixtures/mcpServer';
import { Cleanup, useCleanup } from '../../support/cleanup';
import { capturingLogger, live, TEST_SETTINGS } from '../../support/connections';
import { startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

function makeManager(cleanup: Cleanup, options: Partial<ManagerOptions> = {}) {
  const logger = capturingLogger();
  const manager = new ConnectionManager({
    logger,
    headers: createHeaderSource(async () => undefined, {}),
    clientInfo: { name: 'mcp-connections-test', version: '0.0.0' },
    random: () => 0.5,
    ...options,
  });
  const added: string[] = [];
  const removed: string[] = [];
  manager.onDidAdd((c) => added.push(c.name));
  manager.onDidRemove((c) => removed.push(c.name));
  cleanup.add(() => manager.dispose());
  return { manager, logger, added, removed };
}

/** Servers as the settings would hold them, validated the way the extension does. */
function servers(raw: Record<string, Record<string, unknown>>, scopeOf?: (name: string) => 'user' | 'workspace'): ServerEntry[] {
  return validateServers(raw, scopeOf);
}

const isConnected = (c: Connection | undefined) => c?.state.kind === 'connected';
/** Connected, and the GET answer is in, so the server sees no more requests from an idle connection. */
const isSettled = (c: Connection | undefined) => c?.state.kind === 'connected' && c.state.getFallback !== undefined;
const requestCount = (server: TestServer) => server.requests.length;
const deletes = (server: TestServer) => server.requests.filter((r) => r.method === 'DELETE');

describe('ConnectionManager.apply', () => {
  const cleanup = useCleanup();

  it('added servers: onDidAdd for each in configured order, and auto-connect connects them', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const { manager, added } = makeManager(cleanup);

    await manager.apply(servers({ beta: { url: b.url }, alpha: { url: a.url } }), TEST_SETTINGS);

    assert.deepEqual(added, ['beta', 'alpha']);
    assert.deepEqual(manager.all.map((c) => c.name), ['beta', 'alpha']);
    await waitFor(() => isSettled(manager.get('alpha')) && isSettled(manager.get('beta')), 'both servers to connect');
    assert.ok(a.requests.some((r) => r.method === 'POST'));
    assert.ok(b.requests.some((r) => r.method === 'POST'));
  });

  it('a removed server: onDidRemove, disconnected, and its session is ended on the server (DELETE)', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const { manager, removed } = makeManager(cleanup);
    await manager.apply(servers({ alpha: { url: a.url }, beta: { url: b.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('alpha')) && isSettled(manager.get('beta')), 'both servers to connect');
    const beta = manager.get('beta')!;
    const betaSession = live(beta)?.session.id;
    const alphaRequests = requestCount(a);

    await manager.apply(servers({ alpha: { url: a.url } }), TEST_SETTINGS);

    assert.deepEqual(removed, ['beta']);
    assert.equal(manager.get('beta'), undefined);
    assert.deepEqual(manager.all.map((c) => c.name), ['alpha']);
    assert.deepEqual(beta.state, { kind: 'disconnected' });
    assert.deepEqual(deletes(b).map((r) => r.sessionId), [betaSession]);
    assert.equal(requestCount(a), alphaRequests, 'alpha was not touched');
    assert.ok(isSettled(manager.get('alpha')));
  });

  it('a changed URL: only that server reconnects, to the new URL; the others see no request', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const c = await startServer(cleanup, { get: { status: 404 } });
    const { manager, added, removed } = makeManager(cleanup);
    await manager.apply(servers({ alpha: { url: a.url }, beta: { url: b.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('alpha')) && isSettled(manager.get('beta')), 'both servers to connect');
    const alpha = manager.get('alpha')!;
    const beta = manager.get('beta')!;
    const alphaState = alpha.state;
    const alphaRequests = requestCount(a);
    let alphaChanges = 0;
    alpha.onDidChange(() => alphaChanges++);

    await manager.apply(servers({ alpha: { url: a.url }, beta: { url: c.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('beta')), 'beta to reconnect');

    assert.equal(manager.get('beta'), beta, 'the same connection, updated');
    assert.equal(beta.displayUrl, c.url);
    assert.ok(c.requests.some((r) => r.method === 'POST'), 'beta connected to its new URL');
    assert.equal(deletes(b).length, 1, 'the old session was ended');
    assert.equal(requestCount(a), alphaRequests, 'alpha saw no request');
    assert.equal(alpha.state, alphaState);
    assert.equal(alphaChanges, 0);
    assert.deepEqual(added, ['alpha', 'beta']);
    assert.deepEqual(removed, []);
  });

  it('unchanged entries (equal, not identical objects) are left alone', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const { manager, added, removed } = makeManager(cleanup);
    const raw = { alpha: { url: a.url, headers: { 'X-Team': 'docs' }, timeoutSeconds: 10 } };
    await manager.apply(servers(raw), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('alpha')), 'alpha to connect');
    const alpha = manager.get('alpha')!;
    const before = { requests: requestCount(a), state: alpha.state };

    await manager.apply(servers(JSON.parse(JSON.stringify(raw))), { ...TEST_SETTINGS });

    assert.equal(manager.get('alpha'), alpha);
    assert.equal(alpha.state, before.state, 'the very same state: nothing was redone');
    assert.equal(requestCount(a), before.requests);
    assert.deepEqual(added, ['alpha']);
    assert.deepEqual(removed, []);
  });

  it('autoConnect: false stays disconnected (no request) until asked to connect', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const { manager, added } = makeManager(cleanup);

    await manager.apply(servers({ manual: { url: a.url, autoConnect: false } }), TEST_SETTINGS);

    assert.deepEqual(added, ['manual']);
    const manual = manager.get('manual')!;
    assert.deepEqual(manual.state, { kind: 'disconnected' });
    assert.equal(a.requests.length, 0);

    await manual.connect();
    assert.ok(isConnected(manual));
  });

  it('enabled: false is not connected, not even by connectAll (the Connect All command)', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const { manager } = makeManager(cleanup);

    await manager.apply(servers({ off: { url: a.url, enabled: false }, on: { url: b.url, autoConnect: false } }), TEST_SETTINGS);
    const { attempted, failed } = await manager.connectAll();

    assert.deepEqual(manager.get('off')?.state, { kind: 'disconnected', blocked: 'disabled' });
    assert.equal(a.requests.length, 0);
    assert.ok(isConnected(manager.get('on')));
    assert.deepEqual(attempted.map((c) => c.name), ['on']);
    assert.deepEqual(failed, []);
  });

  it('workspace trust: a workspace server waits (and says why), a user server connects; trusting connects the waiting one', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const { manager, logger } = makeManager(cleanup, { workspaceTrusted: false });

    await manager.apply(
      servers({ mine: { url: a.url }, theirs: { url: b.url } }, (name) => (name === 'theirs' ? 'workspace' : 'user')),
      TEST_SETTINGS,
    );
    await waitFor(() => isSettled(manager.get('mine')), 'the user server to connect');
    await manager.connectAll();

    assert.deepEqual(manager.get('theirs')?.state, { kind: 'disconnected', blocked: 'untrusted' });
    await assert.rejects(manager.get('theirs')!.connect(), /workspace is not trusted/, 'asking explicitly does not connect it either');
    assert.equal(b.requests.length, 0);

    manager.setWorkspaceTrusted(true);
    await waitFor(() => isSettled(manager.get('theirs')), 'the workspace server to connect once trusted');
    assert.ok(logger.lines.includes('info Workspace trusted — connecting the servers it defines'), logger.lines.join('\n'));
  });

  it('order follows the configuration across adds, removes and reorders', async () => {
    const { manager, added, removed } = makeManager(cleanup);
    const url = (n: number) => `http://127.0.0.1:9/mcp${n}`; // never contacted: autoConnect is off
    const entries = (...list: string[]) => servers(Object.fromEntries(list.map((name, i) => [name, { url: url(i), autoConnect: false }])));

    await manager.apply(entries('c', 'a', 'b'), TEST_SETTINGS);
    assert.deepEqual(manager.all.map((c) => c.name), ['c', 'a', 'b']);
    const a = manager.get('a');

    await manager.apply(
      servers({ b: { url: url(2), autoConnect: false }, d: { url: url(9), autoConnect: false }, a: { url: url(1), autoConnect: false } }),
      TEST_SETTINGS,
    );

    assert.deepEqual(manager.all.map((c) => c.name), ['b', 'd', 'a']);
    assert.equal(manager.get('a'), a);
    assert.deepEqual(added, ['c', 'a', 'b', 'd']);
    assert.deepEqual(removed, ['c']);
  });

  it('a server the user connected (autoConnect off) reconnects when its entry changes', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const { manager } = makeManager(cleanup);
    await manager.apply(servers({ manual: { url: a.url, autoConnect: false } }), TEST_SETTINGS);
    const manual = manager.get('manual')!;
    await manual.connect();
    const firstSession = live(manual)?.session.id;

    await manager.apply(servers({ manual: { url: a.url, autoConnect: false, timeoutSeconds: 5 } }), TEST_SETTINGS);
    await waitFor(() => isConnected(manual), 'the server to reconnect');

    assert.equal(manual.entry.config?.timeoutSeconds, 5);
    assert.notEqual(live(manual)?.session.id, firstSession);
    assert.deepEqual(deletes(a).map((r) => r.sessionId), [firstSession]);
  });

  it('an invalid entry shows its problem; fixing it connects the server', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const { manager } = makeManager(cleanup);

    await manager.apply(servers({ docs: { url: 'localhost:3000/mcp' } }), TEST_SETTINGS);
    const docs = manager.get('docs')!;
    assert.equal(docs.state.kind, 'error');
    assert.equal(docs.state.kind === 'error' && docs.state.invalidConfig, true);

    await manager.apply(servers({ docs: { url: a.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(docs), 'the fixed server to connect');
    assert.equal(manager.get('docs'), docs);
  });

  it('changed global settings reconnect every connected server', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const { manager } = makeManager(cleanup);
    await manager.apply(servers({ alpha: { url: a.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('alpha')), 'alpha to connect');
    const firstSession = live(manager.get('alpha')!)?.session.id;

    await manager.apply(servers({ alpha: { url: a.url } }), { ...TEST_SETTINGS, getFallbackStatuses: [404] });
    await waitFor(() => isSettled(manager.get('alpha')), 'alpha to reconnect');

    assert.notEqual(live(manager.get('alpha')!)?.session.id, firstSession);
    assert.deepEqual(deletes(a).map((r) => r.sessionId), [firstSession]);
  });

  it('onDidChange reports every connection\'s state changes; dispose disconnects all', async () => {
    const a = await startServer(cleanup, { get: { status: 404 } });
    const b = await startServer(cleanup, { get: { status: 404 } });
    const { manager } = makeManager(cleanup);
    const seen = new Set<string>();
    manager.onDidChange((c) => seen.add(`${c.name}:${c.state.kind}`));

    await manager.apply(servers({ alpha: { url: a.url }, beta: { url: b.url } }), TEST_SETTINGS);
    await waitFor(() => isSettled(manager.get('alpha')) && isSettled(manager.get('beta')), 'both servers to connect');
    const all = manager.all;
    await manager.dispose();

    for (const name of ['alpha', 'beta']) {
      assert.ok(seen.has(`${name}:connecting`) && seen.has(`${name}:connected`), [...seen].join(', '));
    }
    assert.deepEqual(all.map((c) => c.state.kind), ['disconnected', 'disconnected']);
    assert.equal(deletes(a).length + deletes(b).length, 2);
    assert.deepEqual(manager.all, []);
  });
});
