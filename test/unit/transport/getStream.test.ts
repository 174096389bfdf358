import assert from 'node:assert/strict';
import { nextMode, StreamOutcome } from '../../../src/transport/getStream';
import type { StreamMode } from '../../../src/transport/types';
import { GetBehaviour } from '../../fixtures/mcpServer';
import { useCleanup } from '../../support/cleanup';
import { assertNoErrors, connect, FAST_RETRY, kinds, problemText, requestsOf, restartServer, startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

describe('transport: GET stream that works', () => {
  const cleanup = useCleanup();

  it('GET 200 event stream → streaming; server notifications arrive over it', async () => {
    const server = await startServer(cleanup, { get: 'stream' });
    const connection = await connect(cleanup, server.url, { server: 'streamer' });

    await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream to open');
    const [open, ...more] = connection.eventsOf('stream-open');
    assert.equal(more.length, 0);
    assert.equal(open.server, 'streamer');
    assert.equal(open.resumed, false);
    assert.ok(open.time instanceof Date);

    // Nothing is in flight: the only way for a server notification to arrive is the GET stream.
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'notifications/tools/list_changed at the client');

    assert.equal(await connection.add(2, 3), '5');
    assert.deepEqual(kinds(connection), ['stream-open']);
    await connection.client.close();
    assert.equal(requestsOf(server, 'GET').length, 1);
    assertNoErrors(connection);
  });
});

describe('transport: GET stream that fails', () => {
  const cleanup = useCleanup();

  const failures: { title: string; get: GetBehaviour; reason: RegExp; getHeadersTimeoutMs?: number }[] = [
    { title: 'GET 500', get: { status: 500, statusText: 'Internal Server Error', body: 'boom' }, reason: /500 Internal Server Error/ },
    {
      title: 'GET 200 with a JSON content type',
      get: { status: 200, contentType: 'application/json', body: '{"ok":true}' },
      reason: /content type "application\/json" instead of an event stream/,
    },
    { title: 'GET dropped by the server (network error)', get: 'reset', reason: /^connection reset by the server$/ },
    { title: 'GET never answered', get: 'hang', getHeadersTimeoutMs: 150, reason: /^no answer within 150 ms$/ },
  ];

  for (const { title, get, reason, getHeadersTimeoutMs } of failures) {
    it(`${title} → stream-problem warnings, bounded retries, then stream-given-up; tools keep working`, async () => {
      const server = await startServer(cleanup, { get });
      const connection = await connect(cleanup, server.url, { getRetry: FAST_RETRY, getHeadersTimeoutMs });

      assert.equal(await connection.add(2, 3), '5', 'the connection is up whatever the GET does');
      await waitFor(() => connection.eventsOf('stream-given-up').length, 'the transport to give up on the GET stream', 10_000);

      const problems = connection.eventsOf('stream-problem');
      assert.deepEqual(
        problems.map((problem) => [problem.attempt, problem.maxAttempts, problem.resume]),
        [
          [1, 3, false],
          [2, 3, false],
          [3, 3, false],
        ],
      );
      for (const problem of problems) {
        assert.match(problemText(problem), reason);
        assert.equal(problem.server, 'test-server');
        assert.ok(problem.retryInMs >= 0 && problem.retryInMs <= FAST_RETRY.maxDelayMs, `retry in ${problem.retryInMs} ms`);
      }
      const [givenUp] = connection.eventsOf('stream-given-up');
      assert.equal(givenUp.attempts, 3);
      assert.match(problemText(givenUp), reason);
      assert.deepEqual(kinds(connection), ['stream-problem', 'stream-problem', 'stream-problem', 'stream-given-up']);
      assert.equal(connection.transport.mode, 'post-only');
      assert.equal(await connection.add(40, 2), '42', 'tool calls still work after giving up');

      await connection.client.close();
      assert.equal(requestsOf(server, 'GET').length, 1 + FAST_RETRY.maxAttempts);
      assertNoErrors(connection);
    });
  }

  it('a GET that never answers does not delay connect (long headers timeout)', async () => {
    const server = await startServer(cleanup, { get: 'hang' });
    const connection = await connect(cleanup, server.url, { getHeadersTimeoutMs: 60_000 });

    // connect() resolved while the GET is still unanswered (a 60 s wait would exceed the test timeout).
    await waitFor(() => requestsOf(server, 'GET').length === 1, 'the GET to reach the server');
    assert.equal(await connection.add(2, 3), '5');
    assert.equal(connection.transport.mode, 'pending', 'the GET has not been answered');
    assert.deepEqual(kinds(connection), []);

    await connection.client.close();
    await waitFor(() => server.openGets === 0, 'close() to end the unanswered GET');
    assertNoErrors(connection);
  });
});

describe('transport: one GET stream per session', () => {
  const cleanup = useCleanup();

  it('never has two GET streams open for a session, across server-closed streams and reconnects', async () => {
    const server = await startServer(cleanup, { resumable: true });
    const connection = await connect(cleanup, server.url);
    await waitFor(() => connection.eventsOf('stream-open').length === 1, 'the GET stream');
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'an event with an id');

    for (let reconnect = 1; reconnect <= 2; reconnect++) {
      server.closeGetStreams();
      await waitFor(() => connection.eventsOf('stream-open').length === 1 + reconnect, `reconnect ${reconnect}`, 10_000);
      server.notifyToolsChanged(); // a fresh event id for the next resume
      await waitFor(() => connection.toolListChanges === 1 + reconnect, `a notification after reconnect ${reconnect}`);
    }
    assert.deepEqual(
      connection.eventsOf('stream-open').map((open) => open.resumed),
      [false, true, true],
      'the reconnects resumed after the last event',
    );
    assert.equal(await connection.add(2, 3), '5');

    assert.equal(requestsOf(server, 'GET').length, 3);
    assert.equal(server.maxConcurrentGetsPerSession, 1);
    assertNoErrors(connection);
  });

  it('never has two GET streams open across a re-initialisation', async () => {
    let server = await startServer(cleanup);
    const connection = await connect(cleanup, server.url);
    await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream');
    const first = server;

    server = await restartServer(cleanup, server);
    await waitFor(() => connection.eventsOf('stream-open').length === 2, 'the stream of the new session', 10_000);
    assert.equal(await connection.add(2, 3), '5');
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'a notification over the new stream');

    assert.equal(first.maxConcurrentGetsPerSession, 1);
    assert.equal(server.maxConcurrentGetsPerSession, 1);
    assert.equal(server.openGets, 1, 'exactly one stream open now');
    assertNoErrors(connection);
  });
});

describe('transport: the GET stream mode rule', () => {
  it('nextMode: opened → streaming; no stream or given up → post-only; a problem keeps an open stream streaming', () => {
    const table: [StreamMode, StreamOutcome, StreamMode][] = [
      ['pending', 'opened', 'streaming'],
      ['post-only', 'opened', 'streaming'],
      ['pending', 'no-stream', 'post-only'],
      ['streaming', 'no-stream', 'post-only'],
      ['pending', 'problem', 'post-only'],
      ['streaming', 'problem', 'streaming'],
      ['post-only', 'problem', 'post-only'],
      ['streaming', 'given-up', 'post-only'],
    ];
    for (const [mode, outcome, next] of table) assert.equal(nextMode(mode, outcome), next, `${mode} + ${outcome}`);
  });
});
