import assert from 'node:assert/strict';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { ConnectCancelledError, ConnectionError } from '../../../src/connections/connection';
import { ConnectionState, lastErrorOf } from '../../../src/connections/state';
import { startTestServer } from '../../fixtures/mcpServer';
import { rejectionOf } from '../../support/assertions';
import { useCleanup } from '../../support/cleanup';
import { connectStreaming, entry, kindsOf, live, makeConnection, startPlainServer, summary, TEST_SETTINGS, visibleLog } from '../../support/connections';
import { startServer } from '../../support/harness';
import { closedPort } from '../../support/net';
import { startProxy } from '../../support/proxy';
import { waitFor } from '../../support/wait';

const names = (items: { name: string }[] | undefined) => items?.map((item) => item.name);

describe('Connection: connecting', () => {
  const cleanup = useCleanup();

  it('a streaming server: disconnected → connecting → connected (streaming), with what the server told us', async () => {
    const server = await startServer(cleanup, { get: 'stream', name: 'docs-server' });
    const { connection, states, logger } = makeConnection(cleanup, entry('docs', { url: server.url }));
    assert.deepEqual(connection.state, { kind: 'disconnected' });

    await connectStreaming(connection);

    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'streaming' });
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'connected']);
    const state = live(connection)!;
    assert.equal(state.server.name, 'docs-server');
    assert.equal(state.server.version, '1.0.0');
    assert.equal(state.session.protocolVersion, LATEST_PROTOCOL_VERSION);
    assert.match(state.session.id ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(names(state.catalog.tools.items), ['add', 'echo']);
    assert.equal(state.catalog.tools.items[0].description, 'Adds two numbers');
    assert.deepEqual(names(state.catalog.resources.items), ['readme']);
    assert.deepEqual(names(state.catalog.prompts.items), ['greet']);
    assert.equal(state.getFallback, undefined);
    assert.equal(lastErrorOf(connection.state), undefined);

    const log = visibleLog(logger);
    assert.ok(log.includes(`[docs] Connecting to ${server.url} (transport: auto)`), log.join('\n'));
    assert.ok(log.includes('[docs] GET stream open — server notifications are live'), log.join('\n'));
    assert.ok(
      log.some((line) => line.startsWith('[docs] Connected in ') && line.endsWith(`docs-server 1.0.0, protocol ${LATEST_PROTOCOL_VERSION}, 2 tools, 1 resources, 1 prompts`)),
      log.join('\n'),
    );

    const result = await connection.callTool('add', { a: 2, b: 40 });
    assert.deepEqual(result.content, [{ type: 'text', text: '42' }]);
  });

  it('a server whose GET answers 404: connected POST-only, showing the 404, and the fallback log line', async () => {
    const server = await startServer(cleanup, { get: { status: 404, statusText: 'Not Found', body: 'Cannot GET /mcp' } });
    const { connection, logger } = makeConnection(cleanup, entry('plain', { url: server.url }));

    await connection.connect();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.getFallback, 'the GET answer to be shown');

    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'post-only', getFallback: { status: 404, statusText: 'Not Found' } });
    assert.equal(live(connection)?.getFallback?.bodyExcerpt, 'Cannot GET /mcp');
    assert.ok(logger.lines.includes('info [plain] GET stream not offered (HTTP 404 Not Found) — continuing POST-only'), logger.lines.join('\n'));
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo']);
    const result = await connection.callTool('echo', { text: 'still works' });
    assert.deepEqual(result.content, [{ type: 'text', text: 'still works' }]);
  });

  it('a GET answered 405 with no reason phrase shows the standard one', async () => {
    const server = await startServer(cleanup, { get: { status: 405 } });
    const { connection, logger } = makeConnection(cleanup, entry('no-get', { url: server.url }));

    await connection.connect();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.getFallback, 'the GET answer to be shown');

    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'post-only', getFallback: { status: 405, statusText: 'Method Not Allowed' } });
    assert.ok(logger.lines.includes('info [no-get] GET stream not offered (HTTP 405 Method Not Allowed) — continuing POST-only'), logger.lines.join('\n'));
  });

  it('a stateless server: connected POST-only without a session', async () => {
    const server = await startServer(cleanup, { stateless: true });
    const { connection } = makeConnection(cleanup, entry('stateless', { url: server.url }));

    await connection.connect();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.getFallback, 'the GET answer to be shown');

    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'post-only', getFallback: { status: 405, statusText: 'Method Not Allowed' } });
    assert.equal(live(connection)?.session.id, undefined);
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo']);
  });

  it('a legacy HTTP+SSE server: connected in legacy-sse mode, with the fallback logged', async () => {
    const server = await startServer(cleanup, { kind: 'legacy-sse', name: 'old-server' });
    const { connection, logger } = makeConnection(cleanup, entry('legacy', { url: server.url }));

    await connection.connect();

    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'legacy-sse' });
    assert.equal(live(connection)?.server.name, 'old-server');
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo']);
    assert.ok(
      logger.lines.includes('info [legacy] Streamable HTTP initialize answered HTTP 405 — using the legacy HTTP+SSE transport'),
      logger.lines.join('\n'),
    );
    const result = await connection.callTool('add', { a: 1, b: 1 });
    assert.deepEqual(result.content, [{ type: 'text', text: '2' }]);
  });

  it('connect() while connecting joins the same attempt; connect() when connected resolves at once', async () => {
    const server = await startServer(cleanup, { get: { status: 404 } });
    const { connection, states } = makeConnection(cleanup, entry('twice', { url: server.url }));

    await Promise.all([connection.connect(), connection.connect()]);
    await connection.connect();

    const sessions = new Set(server.requests.map((r) => r.sessionId).filter(Boolean));
    assert.equal(sessions.size, 1, 'one session, not two');
    assert.equal(states.filter((s) => s.kind === 'connecting').length, 1);
    assert.equal(connection.state.kind, 'connected');
  });
});

describe('Connection: failing to connect', () => {
  const cleanup = useCleanup();

  it('a server that accepts the connection and never answers: error naming the timeout, within bounded time', async () => {
    const silent = await startPlainServer(cleanup); // never answers
    const { connection, states, logger } = makeConnection(cleanup, entry('silent', { url: silent.url, timeoutSeconds: 1 }));

    const error = await rejectionOf(connection.connect());

    assert.ok(error instanceof ConnectionError);
    const sentence = `No answer from 127.0.0.1:${silent.port} within 1 s — check that the server is running, or raise "timeoutSeconds".`;
    assert.equal(error.reason, sentence);
    assert.deepEqual(connection.state, { kind: 'error', reason: sentence });
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'error']);
    assert.equal(lastErrorOf(connection.state), sentence);
    assert.ok(logger.lines.includes(`error [silent] Connect failed: ${sentence}`), logger.lines.join('\n'));
    assert.equal(silent.requests[0]?.method, 'POST');
  });

  it('a closed port: error "Connection refused …"', async () => {
    const port = await closedPort();
    const { connection } = makeConnection(cleanup, entry('gone', { url: `http://127.0.0.1:${port}/mcp` }));

    const error = await rejectionOf(connection.connect());

    const sentence = `Connection refused by 127.0.0.1:${port} — is the server running?`;
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.reason, sentence);
    assert.equal(error.server, 'gone');
    assert.deepEqual(connection.state, { kind: 'error', reason: sentence });
  });

  it('HTTP 401 with a Bearer challenge and no token store: the sentence says to add an Authorization header (sign-in is not available); with the header configured it connects', async () => {
    const token = 'Bearer 7f3c-canary-token-91ab';
    const server = await startServer(cleanup, { requireAuthorization: token, get: { status: 404 } });

    const without = makeConnection(cleanup, entry('locked', { url: server.url }));
    await rejectionOf(without.connection.connect());
    assert.deepEqual(without.connection.state, {
      kind: 'error',
      reason: `The server asks you to sign in with OAuth (HTTP 401), which is not available here — as a workaround, add an "Authorization": "Bearer <token>" header to this server's "headers".`,
    });

    const withSecret = makeConnection(cleanup, entry('unlocked', { url: server.url, headers: { Authorization: 'Bearer ${secret:api-token}' } }), {
      secrets: { 'api-token': '7f3c-canary-token-91ab' },
    });
    await withSecret.connection.connect();
    assert.equal(withSecret.connection.state.kind, 'connected');
    assert.equal(server.requests[server.requests.length - 1].headers.authorization, token);
    for (const line of [...without.logger.lines, ...withSecret.logger.lines]) assert.ok(!line.includes('canary'), line);
  });

  it('a header referencing a missing secret: error that names the reference, and nothing is sent', async () => {
    const server = await startServer(cleanup);
    const { connection } = makeConnection(cleanup, entry('nosecret', { url: server.url, headers: { Authorization: 'Bearer ${secret:missing}' } }));

    const error = await rejectionOf(connection.connect());

    assert.ok(error instanceof ConnectionError);
    assert.equal(connection.state.kind, 'error');
    assert.match(error.reason, /\$\{secret:missing\}/);
    assert.match(error.reason, /MCP Connections: Set Secret…/);
    assert.equal(server.requests.length, 0);
  });

  it('header values never reach the error sentence or the log, even when the server echoes them', async () => {
    const secretValue = 'sk-live-0a1b2c3d4e5f-canary';
    const literalValue = 'literal-9z8y7x-canary';
    const echo = await startPlainServer(cleanup, (req, res) => {
      const token = String(req.headers.authorization).split(' ')[1];
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`rejected ${req.headers.authorization} (token ${token}) and ${req.headers['x-api-key']}`);
    });
    const { connection, logger } = makeConnection(
      cleanup,
      entry('echo', { url: echo.url, headers: { Authorization: 'Bearer ${secret:tok}', 'X-Api-Key': literalValue } }),
      { secrets: { tok: secretValue } },
    );

    const error = await rejectionOf(connection.connect());

    assert.ok(error instanceof ConnectionError);
    assert.equal(echo.requests[0].headers.authorization, `Bearer ${secretValue}`); // the value was sent…
    assert.match(error.reason, /^The server failed with HTTP 500 \(/); // …the server's words are shown…
    for (const text of [error.reason, error.message, lastErrorOf(connection.state) ?? '', JSON.stringify(connection.state), ...logger.lines]) {
      assert.ok(!text.includes('canary'), `a header value leaked: ${text}`); // …but not the values
    }
  });

  // Secrets that an echoing server used to get past redaction: cut by shortening, broken by whitespace
  // collapsing, or not known as secrets (URL credentials travel as a Basic header).
  for (const { title, secret, url, headers, forbidden } of [
    { title: 'a 330-character token', secret: `eyJ${'A'.repeat(330)}canary`, headers: { Authorization: 'Bearer ${secret:tok}' }, forbidden: ['canary', 'A'.repeat(20)] },
    { title: 'a secret with a tab in it', secret: 'abc\tdefghij-canary', headers: { Authorization: 'Bearer ${secret:tok}' }, forbidden: ['canary', 'defghij'] },
    { title: 'a password in the URL', secret: '', url: 'alice:s3cretPassw0rd-canary', headers: {}, forbidden: ['canary', 's3cretPassw0rd', Buffer.from('alice:s3cretPassw0rd-canary').toString('base64').slice(0, 16)] },
  ]) {
    it(`a server echoing the credentials back never shows them: ${title}`, async () => {
      const echo = await startPlainServer(cleanup, (req, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`Invalid credentials: ${req.headers.authorization}`);
      });
      const target = url ? echo.url.replace('http://', `http://${url}@`) : echo.url;
      const { connection, logger } = makeConnection(cleanup, entry('echo', { url: target, headers }), { secrets: { tok: secret } });

      const error = await rejectionOf(connection.connect());

      assert.ok(error instanceof ConnectionError);
      assert.match(error.reason, /^The server failed with HTTP 500 \(Invalid credentials: /);
      assert.ok(echo.requests[0].headers.authorization, 'the credentials were sent');
      for (const text of [error.reason, lastErrorOf(connection.state) ?? '', JSON.stringify(connection.state), ...logger.lines]) {
        for (const part of forbidden) assert.ok(!text.includes(part), `"${part}" leaked: ${text}`);
      }
    });
  }

  it('an invalid entry: error state marked invalidConfig; connect rejects with the problem and sends nothing', async () => {
    const invalid = entry('broken', { url: 'ftp://example.com/mcp' });
    const { connection } = makeConnection(cleanup, invalid);
    const problem = 'The "url" must start with http:// or https://, not ftp:.';

    assert.deepEqual(connection.state, { kind: 'error', reason: problem, invalidConfig: true });
    const error = await rejectionOf(connection.connect());
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.reason, problem);
    assert.deepEqual(connection.state, { kind: 'error', reason: problem, invalidConfig: true });

    await connection.disconnect();
    assert.deepEqual(connection.state, { kind: 'error', reason: problem, invalidConfig: true }, 'a disconnect does not hide the problem');
  });

  it('a disabled entry: connect rejects with a sentence saying how to enable it, and the state stays disconnected', async () => {
    const server = await startServer(cleanup);
    const { connection } = makeConnection(cleanup, entry('off', { url: server.url, enabled: false }));

    const error = await rejectionOf(connection.connect());

    assert.ok(error instanceof ConnectionError);
    assert.match(error.reason, /"enabled": true/);
    assert.deepEqual(connection.state, { kind: 'disconnected', blocked: 'disabled' }, 'the state says why it is not connected');
    assert.equal(server.requests.length, 0);
  });
});

describe('Connection: disconnect', () => {
  const cleanup = useCleanup();

  it('a disconnect while the initialize is in flight cancels the connect; the late answer changes nothing', async () => {
    const server = await startServer(cleanup, { get: { status: 404 } });
    const proxy = await startProxy(cleanup, server, { hold: (method) => method === 'initialize' });
    const { connection, states } = makeConnection(cleanup, entry('cancelled', { url: proxy.url }));

    const connecting = connection.connect();
    await waitFor(() => proxy.held.includes('initialize'), 'the initialize to reach the server');
    assert.equal(connection.state.kind, 'connecting');

    await connection.disconnect();
    const error = await rejectionOf(connecting);
    assert.ok(error instanceof ConnectCancelledError, String(error));
    assert.deepEqual(connection.state, { kind: 'disconnected' });

    // Let the initialize through now: the server answers, and the answer meets a connection the client
    // has closed (the proxy sees it gone before it could write the answer) — it can change nothing.
    proxy.release();
    await waitFor(() => proxy.clientGone.includes('initialize'), 'the held initialize to find its client gone');

    assert.deepEqual(connection.state, { kind: 'disconnected' });
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'disconnected']);
    assert.equal(live(connection), undefined);
    assert.equal(lastErrorOf(connection.state), undefined, 'a cancelled connect is not an error');
  });

  it('a disconnect while the tool list is loading cancels the connect, and a new connect then wins', async () => {
    const server = await startServer(cleanup, { get: { status: 404 } });
    const proxy = await startProxy(cleanup, server, { hold: (method) => method === 'tools/list' });
    const { connection, states } = makeConnection(cleanup, entry('relist', { url: proxy.url }));

    const first = connection.connect();
    await waitFor(() => proxy.held.includes('tools/list'), 'the tools/list to reach the server');
    await connection.disconnect();
    assert.ok((await rejectionOf(first)) instanceof ConnectCancelledError);
    assert.deepEqual(connection.state, { kind: 'disconnected' });

    proxy.release();
    await connection.connect();

    assert.equal(connection.state.kind, 'connected');
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo']);
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'disconnected', 'connecting', 'connected']);
  });

  it('disconnect ends the session on the server (DELETE) and forgets the details', async () => {
    const server = await startServer(cleanup, { get: { status: 404 } });
    const { connection } = makeConnection(cleanup, entry('bye', { url: server.url }));
    await connection.connect();
    const sessionId = live(connection)?.session.id;
    assert.ok(sessionId);

    await connection.disconnect();

    assert.deepEqual(connection.state, { kind: 'disconnected' });
    assert.equal(live(connection), undefined);
    const deletes = server.requests.filter((r) => r.method === 'DELETE');
    assert.deepEqual(deletes.map((r) => r.sessionId), [sessionId]);
    const error = await rejectionOf(connection.callTool('add', { a: 1, b: 2 }));
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.reason, 'The server is not connected.');
  });
});

describe('Connection: staying connected', function () {
  this.timeout(30_000);
  const cleanup = useCleanup();

  it('the server goes away: reconnecting n/m with growing, capped delays, then "Gave up reconnecting after N attempts"', async () => {
    const server = await startTestServer({ get: 'stream' });
    cleanup.add(() => server.close());
    const reconnect = { maxAttempts: 4, initialDelayMs: 400, maxDelayMs: 800 };
    const { connection, states, times, logger } = makeConnection(cleanup, entry('flaky', { url: server.url }), {
      settings: { ...TEST_SETTINGS, reconnect },
      random: () => 0.5,
    });
    await connectStreaming(connection);

    await server.close();
    await waitFor(() => connection.state.kind === 'error', 'the connection to give up', 20_000);

    const refused = `Connection refused by 127.0.0.1:${server.port} — is the server running?`;
    assert.deepEqual(connection.state, { kind: 'error', reason: `Gave up reconnecting after 4 attempts: ${refused}` });
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'connected', 'reconnecting 1/4', 'reconnecting 2/4', 'reconnecting 3/4', 'reconnecting 4/4', 'error']);
    const first = states.find((s): s is Extract<ConnectionState, { kind: 'reconnecting' }> => s.kind === 'reconnecting');
    assert.equal(first?.reason, 'connection refused');

    // With random() = 0.5 each delay is 3/4 of min(maxDelay, initialDelay·2^(n-1)): 300, 600, 600, 600 ms.
    const log = visibleLog(logger);
    assert.deepEqual(
      log.filter((line) => line.includes('Reconnecting in')),
      ['[flaky] Reconnecting in 0.3 s (attempt 1/4)', '[flaky] Reconnecting in 0.6 s (attempt 2/4)', '[flaky] Reconnecting in 0.6 s (attempt 3/4)', '[flaky] Reconnecting in 0.6 s (attempt 4/4)'],
    );
    assert.ok(log.includes('[flaky] Connection lost: connection refused'), log.join('\n'));
    assert.ok(log.includes(`[flaky] Gave up reconnecting after 4 attempts: ${refused}`), log.join('\n'));
    // One initial connect and exactly one connect per attempt: no storm.
    assert.equal(log.filter((line) => line.startsWith('[flaky] Connecting to')).length, 1 + reconnect.maxAttempts);

    // Each attempt waited at least its delay (timers never fire early; no upper bound on a busy machine).
    for (const [attempt, delay] of [[1, 300], [2, 600], [3, 600], [4, 600]]) {
      const at = states.flatMap((s, i) => (s.kind === 'reconnecting' && s.attempt === attempt ? [times[i]] : []));
      assert.equal(at.length, 2, `attempt ${attempt}: scheduled, then started`);
      assert.ok(at[1] - at[0] >= delay - 5, `attempt ${attempt} started after ${at[1] - at[0]} ms, before its ${delay} ms delay`);
    }
  });

  it('the server comes back on the same port: reconnects and is connected again', async () => {
    const server = await startTestServer({ get: 'stream' });
    cleanup.add(() => server.close());
    const { connection, states, logger } = makeConnection(cleanup, entry('phoenix', { url: server.url }), {
      settings: { ...TEST_SETTINGS, reconnect: { maxAttempts: 20, initialDelayMs: 100, maxDelayMs: 400 } },
    });
    await connectStreaming(connection);
    const firstSession = live(connection)?.session.id;

    await server.close();
    await waitFor(() => connection.state.kind === 'reconnecting', 'the connection to notice', 10_000);
    const again = await startTestServer({ get: 'stream', port: server.port });
    cleanup.add(() => again.close());

    await waitFor(() => connection.state.kind === 'connected' && connection.state.mode === 'streaming', 'the connection to come back', 15_000);

    assert.ok(live(connection)?.session.id && live(connection)?.session.id !== firstSession, 'a new session');
    assert.equal(kindsOf(states).slice(0, 4).join(' → '), 'disconnected → connecting → connected → reconnecting 1/20');
    assert.equal(kindsOf(states)[kindsOf(states).length - 1], 'connected');
    assert.ok(visibleLog(logger).some((line) => /^\[phoenix\] Reconnected after \d+ attempts?$/.test(line)), visibleLog(logger).join('\n'));
    const result = await connection.callTool('add', { a: 5, b: 3 });
    assert.deepEqual(result.content, [{ type: 'text', text: '8' }]);
  });

  it('a legacy HTTP+SSE server goes away: its stream was the session, so it reconnects, then gives up', async () => {
    const server = await startTestServer({ kind: 'legacy-sse' });
    cleanup.add(() => server.close());
    const { connection, states } = makeConnection(cleanup, entry('old', { url: server.url }), {
      settings: { ...TEST_SETTINGS, reconnect: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100 } },
    });
    await connection.connect();
    assert.equal(connection.state.kind === 'connected' && connection.state.mode, 'legacy-sse');

    await server.close();
    await waitFor(() => connection.state.kind === 'error', 'the connection to give up', 10_000);

    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'connected', 'reconnecting 1/2', 'reconnecting 2/2', 'error']);
    assert.deepEqual(connection.state, {
      kind: 'error',
      reason: `Gave up reconnecting after 2 attempts: Connection refused by 127.0.0.1:${server.port} — is the server running?`,
    });
  });

  it('a disconnect while reconnecting stops the attempts', async () => {
    const server = await startTestServer({ get: 'stream' });
    cleanup.add(() => server.close());
    const { connection } = makeConnection(cleanup, entry('stopme', { url: server.url }), {
      settings: { ...TEST_SETTINGS, reconnect: { maxAttempts: 50, initialDelayMs: 100, maxDelayMs: 100 } },
    });
    await connectStreaming(connection);
    await server.close();
    await waitFor(() => connection.state.kind === 'reconnecting', 'the connection to notice', 10_000);

    await connection.disconnect();

    assert.deepEqual(connection.state, { kind: 'disconnected' });
    assert.equal(connection.isWanted, false);
  });

  it('the server adds a tool: list_changed over the stream refreshes the tools', async () => {
    const server = await startServer(cleanup, { name: 'growing' });
    const { connection, logger } = makeConnection(cleanup, entry('growing', { url: server.url }));
    await connectStreaming(connection);
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo']);

    let changes = 0;
    connection.onDidChange(() => changes++);
    server.addTool('second');

    await waitFor(() => names(live(connection)?.catalog.tools.items)?.includes('second'), 'the refreshed tool list');
    assert.deepEqual(names(live(connection)?.catalog.tools.items), ['add', 'echo', 'second']);
    assert.ok(changes >= 1, 'onDidChange fired');
    assert.deepEqual(summary(connection.state), { kind: 'connected', mode: 'streaming' });
    assert.ok(logger.lines.includes('info [growing] Server changed its tools — refreshing'), logger.lines.join('\n'));
  });

  it('the server forgets the session: the next call re-initialises, and the new session is shown', async () => {
    const server = await startServer(cleanup, { get: { status: 404 } });
    const { connection, logger } = makeConnection(cleanup, entry('amnesiac', { url: server.url }));
    await connection.connect();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.getFallback, 'the GET answer to be shown');
    const firstSession = live(connection)?.session.id;
    let changes = 0;
    connection.onDidChange(() => changes++);

    await server.forgetSessions();
    const result = await connection.callTool('add', { a: 20, b: 22 });

    assert.deepEqual(result.content, [{ type: 'text', text: '42' }]);
    assert.equal(live(connection)?.session.reinitialisations, 1);
    assert.ok(live(connection)?.session.id && live(connection)?.session.id !== firstSession, 'the new session is shown');
    assert.ok(changes >= 1, 'onDidChange fired for the new session');
    assert.equal(connection.state.kind, 'connected');
    assert.ok(logger.lines.includes('info [amnesiac] Session expired (POST answered 404 Not Found) — re-initialised and retried'), logger.lines.join('\n'));
  });

  it('requests that change nothing shown (a tool call) fire no change event', async () => {
    const server = await startServer(cleanup, { get: 'stream' });
    const { connection } = makeConnection(cleanup, entry('quiet', { url: server.url }));
    await connectStreaming(connection);
    const state = connection.state;
    let changes = 0;
    connection.onDidChange(() => changes++);

    for (let i = 0; i < 3; i++) await connection.callTool('add', { a: i, b: i });

    assert.equal(changes, 0, 'the tree would redraw this server for nothing');
    assert.equal(connection.state, state, 'the very same state object: nothing about the connection changed');
  });
});

describe('Connection: many requests', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  it('2,000 tool calls and 300 list refreshes: no MaxListenersExceededWarning (listeners do not pile up on the SDK\'s signal)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warning.name === 'MaxListenersExceededWarning' && warnings.push(warning);
    process.on('warning', onWarning);
    cleanup.add(() => process.off('warning', onWarning));
    const server = await startServer(cleanup, { get: 'stream' });
    const { connection } = makeConnection(cleanup, entry('busy', { url: server.url }));
    await connectStreaming(connection);

    for (let i = 0; i < 2000; i++) await connection.callTool('add', { a: i, b: 1 });
    for (let i = 0; i < 300; i++) await connection.refreshLists();
    // A warning is emitted on the next turn of the event loop: let one pass before looking.
    await new Promise((resolve) => setImmediate(resolve));

    assert.deepEqual(warnings.map((w) => w.message), []);
  });
});
