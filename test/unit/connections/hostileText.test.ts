import assert from 'node:assert/strict';
import { lastErrorOf } from '../../../src/connections/state';
import { describeState } from '../../../src/connections/state';
import { notificationText, terminalSafe } from '../../../src/common/text';
import { assertSentenceNamingFix, rejectionOf } from '../../support/assertions';
import { useCleanup } from '../../support/cleanup';
import { entry, kindsOf, live, makeConnection, TEST_SETTINGS, visibleLog } from '../../support/connections';
import { startScriptedServer } from '../../support/scripted';
import { waitFor } from '../../support/wait';

describe('Connection: sentences and numbers that are right', function () {
  this.timeout(30_000);
  const cleanup = useCleanup();

  it('a 401 with a Bearer challenge and no token store: the server wants an OAuth sign-in, which is not available here, and the token-header workaround', async () => {
    const server = await startScriptedServer(cleanup, { capabilities: {}, answers: { initialize: () => ({ http: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="http://x/.well-known/oauth-protected-resource"' } }) } });
    const { connection } = makeConnection(cleanup, entry('oauth', { url: server.url }));
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, 'The server asks you to sign in with OAuth (HTTP 401), which is not available here — as a workaround, add an "Authorization": "Bearer <token>" header to this server\'s "headers".');
    assertSentenceNamingFix(error.message, /"Authorization"/);
  });

  it('a 401 to a configured Authorization header says the token was rejected', async () => {
    const server = await startScriptedServer(cleanup, { capabilities: {}, answers: { initialize: () => ({ http: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }) } });
    const { connection, logger } = makeConnection(cleanup, entry('token', { url: server.url, headers: { Authorization: 'Bearer stale-t0ken-canary' } }));
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, `The server rejected the token in this server's "Authorization" header (HTTP 401) — check or renew it.`);
    assert.ok(!logger.lines.join('\n').includes('canary'));
  });

  it('a URL on a port fetch refuses to use: the sentence names the port and says to serve MCP on another', async () => {
    const { connection } = makeConnection(cleanup, entry('x11', { url: 'http://127.0.0.1:6000/mcp' }));
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, 'Port 6000 is one that fetch refuses to use (a "bad port" of the fetch standard, kept for other protocols) — serve MCP on another port, and change "url".');
    assertSentenceNamingFix(error.message, /another port/);
  });

  it('503 with Retry-After on a connect: waits at least that long before the next attempt, and the state and log say when', async () => {
    let busy = true;
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {} },
      answers: { initialize: () => (busy ? { http: 503, headers: { 'retry-after': '2' }, body: 'maintenance' } : undefined), 'tools/list': () => ({ result: { tools: [] } }) },
    });
    const { connection, logger, states } = makeConnection(cleanup, entry('busy', { url: server.url }));

    const error = await rejectionOf(connection.connect());
    const first = server.requests[0].at;
    assert.equal(error.message, 'The server is busy (HTTP 503) (maintenance) and asked to wait 2 s — MCP Connections waits that long before trying again.');
    const waiting = connection.state;
    assert.ok(waiting.kind === 'reconnecting' && waiting.retryAt, JSON.stringify(waiting));
    assert.ok(waiting.retryAt.getTime() - first >= 1900, 'the next try is not before the server asked');
    assert.match(describeState(waiting), /^reconnecting 1\/3 · next try \d/);
    assert.ok(visibleLog(logger).some((line) => /^\[busy\] Reconnecting in 2\.0 s \(attempt 1\/3\), at .* as the server asked \(Retry-After\)$/.test(line)), visibleLog(logger).join('\n'));
    await assert.rejects(connection.connect(), /asked to wait/, 'asking at once does not ask the server again');
    assert.equal(server.requests.length, 1);

    busy = false;
    await waitFor(() => connection.state.kind === 'connected', 'the connection after the wait', 10_000);
    const second = server.requests.find((request, i) => i > 0 && request.body.includes('"initialize"'))!.at;
    assert.ok(second - first >= 2000 - 5, `the second initialize came ${second - first} ms after the first`);
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'reconnecting 1/3', 'connected']);
  });

  it('429 with Retry-After while reconnecting: the next attempt waits for it too', async () => {
    let mode: 'ok' | 'drop' | 'busy' = 'ok';
    const server = await startScriptedServer(cleanup, {
      capabilities: { tools: {} },
      answers: {
        initialize: () => (mode === 'busy' ? { http: 429, headers: { 'retry-after': '1' } } : undefined),
        'tools/list': () => ({ result: { tools: [{ name: 'ping', inputSchema: { type: 'object' } }] } }),
        'tools/call': () => {
          if (mode !== 'drop') return { result: { content: [] } };
          mode = 'busy'; // gone for this call, and busy when asked again
          return 'reset';
        },
      },
    });
    const { connection } = makeConnection(cleanup, entry('limited', { url: server.url }), { settings: { ...TEST_SETTINGS, reconnect: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 100 } } });
    await connection.connect();

    mode = 'drop';
    await rejectionOf(connection.callTool('ping', {}));
    await waitFor(() => connection.state.kind === 'reconnecting' && connection.state.retryAt, 'the reconnect to be told to wait');
    const busyAt = server.requests.filter((r) => r.body.includes('"initialize"')).at(-1)!.at;
    mode = 'ok';
    await waitFor(() => connection.state.kind === 'connected', 'the reconnect after the wait', 10_000);
    const nextAt = server.requests.filter((r) => r.body.includes('"initialize"')).at(-1)!.at;
    assert.ok(nextAt - busyAt >= 1000 - 5, `retried ${nextAt - busyAt} ms after being asked to wait 1 s`);
  });
});

describe('Connection: server text is inert', function () {
  this.timeout(30_000);
  const cleanup = useCleanup();
  const FORGED = 'boom\r\n[error] [bank] Connected in 1 ms\u001b[2J\u0007';

  it('an error message with line breaks and escapes stays one log line, with the controls shown escaped', async () => {
    const server = await startScriptedServer(cleanup, { capabilities: { tools: {} }, answers: { 'tools/list': () => ({ error: { code: -32603, message: FORGED } }) } });
    const { connection, logger } = makeConnection(cleanup, entry('honest', { url: server.url }));
    await connection.connect();

    const lines = logger.lines.join('\n').split('\n');
    assert.ok(!lines.some((line) => line.startsWith('[error] [bank]') || line.includes('\u001b') || line.includes('\u0007')), lines.join('\n'));
    assert.ok(lines.includes('warn [honest] Could not list the tools: The server answered with an MCP error: MCP error -32603: boom\\r\\n[error] [bank] Connected in 1 ms\\u001b[2J\\u0007'), lines.join('\n'));
    assert.equal(live(connection)?.catalog.tools.error, 'The server answered with an MCP error: MCP error -32603: boom\\r\\n[error] [bank] Connected in 1 ms\\u001b[2J\\u0007');
  });

  it('the failure sentence a notification would show keeps no link: a command link is broken up', async () => {
    const server = await startScriptedServer(cleanup, { capabilities: {}, answers: { initialize: () => ({ error: { code: -32600, message: 'Fix it: [Open settings](command:workbench.action.openSettings) now' } }) } });
    const { connection } = makeConnection(cleanup, entry('linky', { url: server.url }));
    const error = await rejectionOf(connection.connect());
    assert.match(lastErrorOf(connection.state) ?? '', /\[Open settings\]\(command:/, 'the model keeps the words');
    const shown = notificationText(`Could not connect to MCP server "linky": ${error.message}`);
    assert.ok(!/\[[^\]]+\]\((?:https?:\/\/|command:|file:)/i.test(shown), `VS Code would render a link in: ${shown}`);
    assert.ok(shown.includes('[Open settings]\u200b(command:workbench.action.openSettings)'));
  });

  it('text for a terminal drives nothing: ESC, BEL, backspace and bidi marks escaped; a result keeps its newlines and tabs', () => {
    assert.equal(terminalSafe('a\u001b[31mred\u0007\b\u202Eevil\nnext'), 'a\\u001b[31mred\\u0007\\u0008\\u202eevil\\nnext');
    assert.equal(terminalSafe('col1\tcol2\nrow2\u001b]0;title\u0007', true), 'col1\tcol2\nrow2\\u001b]0;title\\u0007');
  });
});
