import assert from 'node:assert/strict';
import { useCleanup } from '../../support/cleanup';
import { assertNoErrors, connect, requestsOf, startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

const CANARY = 'Bearer canary-7f3a9c1e-do-not-log';

describe('transport: POST answers', () => {
  const cleanup = useCleanup();

  for (const jsonResponses of [false, true]) {
    const type = jsonResponses ? 'application/json' : 'text/event-stream';
    it(`POST answered as ${type} works`, async () => {
      // No GET stream, so every "← 200" in the trace is a POST answer.
      const server = await startServer(cleanup, { jsonResponses, get: { status: 405 } });
      const connection = await connect(cleanup, server.url);

      assert.equal(await connection.add(2, 3), '5');
      const echoed = await connection.client.callTool({ name: 'echo', arguments: { text: 'hello' } });
      assert.deepEqual(echoed.content, [{ type: 'text', text: 'hello' }]);
      const { tools } = await connection.client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name).sort(), ['add', 'echo']);

      // The wire trace shows how each answer came back.
      const answers = connection.eventsOf('wire').filter((event) => /^← 200/.test(event.text));
      assert.ok(answers.length >= 4, 'initialize, two tool calls and tools/list were answered');
      assert.ok(answers.every((event) => event.text.includes(type)), answers.map((event) => event.text).join('\n'));
      assert.equal(connection.transport.mode, 'post-only');
      assertNoErrors(connection);
    });
  }
});

describe('transport: configured headers and close', () => {
  const cleanup = useCleanup();

  it('sends configured headers on every request (POST, GET, DELETE) and never shows their values', async () => {
    const server = await startServer(cleanup, {
      requireAuthorization: CANARY,
      // A GET answer that echoes the credential back: the excerpt must not show it.
      get: { status: 404, contentType: 'text/html', body: `<p>No GET here. You sent Authorization: ${CANARY}</p>` },
    });
    const connection = await connect(cleanup, server.url, { headers: () => ({ Authorization: CANARY, 'X-Team': 'tools' }) });
    await waitFor(() => connection.transport.mode !== 'pending', 'the GET outcome');
    assert.equal(connection.transport.mode, 'post-only', 'the GET was authorised and answered 404');
    assert.equal(await connection.add(2, 3), '5');
    const sessionId = connection.transport.sessionId;
    assert.ok(sessionId);

    await connection.client.close();

    assert.deepEqual([...new Set(server.requests.map((request) => request.method))].sort(), ['DELETE', 'GET', 'POST']);
    for (const request of server.requests) {
      assert.equal(request.headers.authorization, CANARY, `${request.method} carried the configured header`);
      assert.equal(request.headers['x-team'], 'tools');
    }
    const deletes = requestsOf(server, 'DELETE');
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0].sessionId, sessionId, 'close() ended the session it had');
    assert.ok(connection.transport.lastGetFallback?.bodyExcerpt.includes('No GET here'));

    const shown = JSON.stringify(connection.events) + connection.errors().map((error) => error.message).join('\n');
    assert.ok(!shown.includes('canary-7f3a9c1e'), 'the header value appears in no event');
    assertNoErrors(connection);
  });

  it('sends headers on the GET stream of a streaming server, resolving them per request', async () => {
    let calls = 0;
    const server = await startServer(cleanup, { requireAuthorization: CANARY });
    const connection = await connect(cleanup, server.url, {
      headers: async () => {
        calls++;
        return { Authorization: CANARY };
      },
    });
    await waitFor(() => connection.transport.mode === 'streaming', 'the authorised GET stream');
    assert.equal(await connection.add(1, 1), '2');
    await connection.client.close();

    assert.equal(calls, server.requests.length, 'headers are resolved once for every request');
    assert.ok(server.requests.every((request) => request.headers.authorization === CANARY));
    assert.ok(!JSON.stringify(connection.events).includes('canary-7f3a9c1e'));
    assertNoErrors(connection);
  });

  it('credentials in the URL are sent as Basic auth and shown nowhere', async () => {
    const basic = `Basic ${Buffer.from('deploy:pa55-canary-word').toString('base64')}`;
    const server = await startServer(cleanup, {
      requireAuthorization: basic,
      get: { status: 404, contentType: 'text/plain', body: 'No GET for deploy:pa55-canary-word' },
    });
    const url = new URL(server.url);
    url.username = 'deploy';
    url.password = 'pa55-canary-word';
    const connection = await connect(cleanup, url.href);

    assert.equal(await connection.add(2, 3), '5');
    await waitFor(() => connection.transport.mode !== 'pending', 'the GET outcome');
    const [fallback] = connection.eventsOf('get-fallback');
    assert.equal(fallback.url, server.url, 'the URL is shown without user:password');
    assert.equal(fallback.bodyExcerpt, 'No GET for deploy:***');
    await connection.client.close();

    assert.ok(server.requests.every((request) => request.headers.authorization === basic));
    const shown = JSON.stringify(connection.events) + connection.errors().map((error) => error.message).join('\n');
    assert.ok(!shown.includes('pa55-canary-word') && !shown.includes(basic), 'the credentials appear in no event');
    assertNoErrors(connection);
  });

  it('a server that answers DELETE with 405 closes cleanly', async () => {
    const server = await startServer(cleanup, { deleteStatus: 405 });
    const connection = await connect(cleanup, server.url);
    assert.equal(await connection.add(2, 3), '5');
    let closed = 0;
    connection.client.onclose = () => closed++;

    await connection.client.close();

    assert.equal(closed, 1);
    assert.equal(requestsOf(server, 'DELETE').length, 1);
    await waitFor(() => server.openGets === 0, 'the GET stream to end');
    assertNoErrors(connection);
  });
});
