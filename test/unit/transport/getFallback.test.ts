import assert from 'node:assert/strict';
import { GetAnswer } from '../../fixtures/mcpServer';
import { useCleanup } from '../../support/cleanup';
import { assertNoErrors, connect, FAST_RETRY, kinds, problemText, requestsOf, startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

const LONG_HTML = `<!DOCTYPE html><html><head><title>Error</title><style>body { color: red }</style><script>var x = 1;</script></head>
<body><h1>Cannot GET /mcp</h1><p>${'The requested resource does not exist on this server. '.repeat(8)}</p></body></html>`;

const NOT_ACCEPTABLE = JSON.stringify({
  jsonrpc: '2.0',
  error: { code: -32000, message: 'Not Acceptable: Client must accept both application/json and text/event-stream' },
  id: null,
});

interface Case {
  title: string;
  get: GetAnswer;
  statusText: string;
  excerpt: (text: string) => void;
}

const cases: Case[] = [
  {
    title: '400 from a framework that rejects the GET',
    get: { status: 400, statusText: 'Bad Request', contentType: 'application/json', body: '{"timestamp":"2025-01-01","status":400,"error":"Bad Request","path":"/mcp"}' },
    statusText: 'Bad Request',
    excerpt: (text) => assert.equal(text, '{"timestamp":"2025-01-01","status":400,"error":"Bad Request","path":"/mcp"}'),
  },
  {
    title: '404 with an HTML error page (no GET route)',
    get: { status: 404, contentType: 'text/html', body: LONG_HTML },
    statusText: 'Not Found', // the server sent no reason phrase; the standard one is shown
    excerpt: (text) => {
      assert.ok(text.startsWith('Error Cannot GET /mcp The requested resource'), text);
      assert.doesNotMatch(text, /[<>]|color: red|var x/, 'markup, styles and scripts are stripped');
      assert.ok(text.length <= 200, `excerpt has ${text.length} characters`);
      assert.ok(text.endsWith('…'), 'a cut excerpt says so');
    },
  },
  {
    title: '405 (the spec answer)',
    get: { status: 405, statusText: 'Method Not Allowed', body: '' },
    statusText: 'Method Not Allowed',
    excerpt: (text) => assert.equal(text, ''),
  },
  {
    title: '406 with a JSON-RPC error body',
    get: { status: 406, statusText: 'Not Acceptable', contentType: 'application/json', body: NOT_ACCEPTABLE },
    statusText: 'Not Acceptable',
    excerpt: (text) => assert.equal(text, NOT_ACCEPTABLE),
  },
];

describe('transport: first GET answered "no stream here"', () => {
  const cleanup = useCleanup();

  for (const { title, get, statusText, excerpt } of cases) {
    it(`${title} → post-only, one get-fallback event, tools work`, async () => {
      const server = await startServer(cleanup, { get });
      const started = new Date();
      const url = `${server.url}?api_key=secret-query-value&region=eu`;
      const connection = await connect(cleanup, url, { server: 'quirky-server' });

      await waitFor(() => connection.transport.mode !== 'pending', 'the GET outcome');
      assert.equal(connection.transport.mode, 'post-only');

      assert.equal(await connection.add(2, 3), '5');
      assert.equal(await connection.add(40, 2), '42');

      const [fallback, ...more] = connection.eventsOf('get-fallback');
      assert.equal(more.length, 0, 'exactly one get-fallback event');
      assert.equal(fallback.server, 'quirky-server');
      assert.equal(fallback.url, `${server.url}?api_key=***&region=eu`);
      assert.doesNotMatch(JSON.stringify(connection.events), /secret-query-value/);
      assert.equal(fallback.status, get.status);
      assert.equal(fallback.statusText, statusText);
      excerpt(fallback.bodyExcerpt);
      assert.ok(fallback.time instanceof Date && fallback.time >= started && fallback.time <= new Date(), 'time of the fallback');
      assert.deepEqual(connection.transport.lastGetFallback, fallback);
      assert.deepEqual(kinds(connection), ['get-fallback'], 'nothing else to report: no warnings, no retries');

      await connection.client.close();
      assert.equal(requestsOf(server, 'GET').length, 1, 'exactly one GET for the whole connection');
      assertNoErrors(connection);
    });
  }

  it('a 404 outside a configured tolerated set ([405]) is a stream problem with retries', async () => {
    const server = await startServer(cleanup, { get: { status: 404, contentType: 'text/html', body: '<h1>Cannot GET /mcp</h1>' } });
    const connection = await connect(cleanup, server.url, { getFallbackStatuses: [405], getRetry: FAST_RETRY });

    assert.equal(await connection.add(1, 1), '2');
    await waitFor(() => connection.eventsOf('stream-given-up').length, 'the transport to give up on the GET stream');

    assert.deepEqual(connection.eventsOf('get-fallback'), [], 'a 404 is not read as "no stream" when only 405 is tolerated');
    const problems = connection.eventsOf('stream-problem');
    assert.deepEqual(
      problems.map((p) => [p.attempt, p.maxAttempts, p.resume]),
      [
        [1, 3, false],
        [2, 3, false],
        [3, 3, false],
      ],
    );
    assert.match(problemText(problems[0]), /404 Not Found/);
    assert.equal(connection.transport.mode, 'post-only');
    assert.equal(await connection.add(2, 2), '4', 'tool calls still work after giving up on the stream');

    await connection.client.close();
    assert.equal(requestsOf(server, 'GET').length, 1 + FAST_RETRY.maxAttempts);
    assertNoErrors(connection);
  });

  it('a stateless server (no session id) works and its GET 405 means post-only', async () => {
    const server = await startServer(cleanup, { stateless: true });
    const connection = await connect(cleanup, server.url);

    assert.equal(await connection.add(20, 22), '42');
    await waitFor(() => connection.transport.mode !== 'pending', 'the GET outcome');
    assert.equal(connection.transport.mode, 'post-only');
    assert.equal(connection.transport.sessionId, undefined);
    const [fallback] = connection.eventsOf('get-fallback');
    assert.equal(fallback.status, 405);
    assert.deepEqual(kinds(connection), ['get-fallback']);

    await connection.client.close();
    assert.equal(requestsOf(server, 'GET').length, 1);
    assert.deepEqual(requestsOf(server, 'DELETE'), [], 'no session, so nothing to DELETE');
    assert.ok(server.requests.every((request) => request.sessionId === undefined));
    assertNoErrors(connection);
  });
});
