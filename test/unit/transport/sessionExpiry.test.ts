import assert from 'node:assert/strict';
import { TestServer } from '../../fixtures/mcpServer';
import { useCleanup } from '../../support/cleanup';
import { assertNoErrors, connect, FAST_RETRY, kinds, lifecycle, problemText, requestsOf, restartServer, startServer, TransportUnderTest } from '../../support/harness';
import { waitFor } from '../../support/wait';

const NO_GET_ROUTE = { status: 404, contentType: 'text/html', body: '<h1>Cannot GET /mcp</h1>' };

function initializePosts(server: TestServer) {
  return requestsOf(server, 'POST').filter((request) => request.sessionId === undefined);
}

function assertReinitialisedOnce(connection: TransportUnderTest, trigger: RegExp): void {
  assert.equal(connection.transport.reinitialisations, 1);
  const reinitialised = connection.eventsOf('session-reinitialised');
  assert.equal(reinitialised.length, 1, 'exactly one session-reinitialised event');
  assert.equal(reinitialised[0].server, 'test-server');
  assert.match(reinitialised[0].trigger, trigger);
  assert.deepEqual(connection.eventsOf('session-lost'), []);
}

describe('transport: session expiry on POST', () => {
  const cleanup = useCleanup();

  for (const unknownSession of [404, 400] as const) {
    it(`server forgets its sessions (unknown session → ${unknownSession}) → the next tool call succeeds on a new session`, async () => {
      const server = await startServer(cleanup, { get: NO_GET_ROUTE, unknownSession });
      const connection = await connect(cleanup, server.url);
      assert.equal(await connection.add(1, 2), '3');
      const firstSession = connection.transport.sessionId;
      assert.ok(firstSession);

      await server.forgetSessions();
      assert.equal(await connection.add(2, 3), '5', 'the call that hit the expired session succeeds');

      assertReinitialisedOnce(connection, new RegExp(`POST answered ${unknownSession}`));
      assert.notEqual(connection.transport.sessionId, firstSession);
      assert.equal(initializePosts(server).length, 2, 'a second initialize, sent without a session id');
      assert.equal(connection.transport.mode, 'post-only', 'the new session re-learns "no GET stream"');
      assert.equal(await connection.add(40, 2), '42');
      assert.equal(connection.transport.reinitialisations, 1, 'a working new session is not re-initialised again');
      assertNoErrors(connection);
    });
  }

  it('server restarted on the same port → the next tool call succeeds on a new session', async () => {
    let server = await startServer(cleanup, { get: NO_GET_ROUTE });
    const connection = await connect(cleanup, server.url);
    assert.equal(await connection.add(1, 2), '3');

    server = await restartServer(cleanup, server, { get: NO_GET_ROUTE });
    assert.equal(await connection.add(2, 3), '5');

    assertReinitialisedOnce(connection, /POST answered 404 Not Found/);
    assert.equal(initializePosts(server).length, 1, 'the restarted server saw a fresh initialize');
    assertNoErrors(connection);
  });

  it('a streaming server forgetting its sessions: the tool call and the stream reconnect re-initialise only once', async () => {
    const server = await startServer(cleanup, { get: 'stream' });
    const connection = await connect(cleanup, server.url);
    await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream to open');

    await server.forgetSessions(); // also ends the session's GET stream
    assert.equal(await connection.add(2, 3), '5');
    await waitFor(() => connection.eventsOf('stream-open').length === 2, 'the stream of the new session');

    assertReinitialisedOnce(connection, /404 Not Found/);
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'a notification over the new stream');
    assertNoErrors(connection);
  });

  it('several calls hitting the expired session together: one re-initialisation, every call succeeds', async () => {
    const server = await startServer(cleanup, { get: NO_GET_ROUTE });
    const connection = await connect(cleanup, server.url);
    assert.equal(await connection.add(1, 2), '3');

    await server.forgetSessions();
    const results = await Promise.all([connection.add(1, 1), connection.add(2, 2), connection.add(3, 3), connection.add(4, 4)]);

    assert.deepEqual(results, ['2', '4', '6', '8']);
    assertReinitialisedOnce(connection, /POST answered 404/);
    assert.equal(initializePosts(server).length, 2);
    assertNoErrors(connection);
  });

  it('a 400 that does not mention the session is an ordinary error, not an expiry', async () => {
    const server = await startServer(cleanup, { get: NO_GET_ROUTE });
    const connection = await connect(cleanup, server.url);
    assert.equal(await connection.add(1, 2), '3');

    // The SDK server answers an unsupported MCP-Protocol-Version with 400 "Unsupported protocol version".
    connection.transport.setProtocolVersion('1999-01-01');
    await assert.rejects(connection.add(2, 3), /400|Unsupported protocol version/);

    assert.equal(connection.transport.reinitialisations, 0);
    assert.deepEqual(connection.eventsOf('session-reinitialised'), []);
    assert.equal(initializePosts(server).length, 1, 'no new initialize was sent');
  });
});

describe('transport: session expiry on the GET stream', () => {
  const cleanup = useCleanup();

  for (const resumable of [false, true]) {
    it(`streaming server restarted on the same port${resumable ? ' (resumable: Last-Event-ID)' : ''} → reconnect gets 404 → re-initialise, stream comes back`, async () => {
      let server = await startServer(cleanup, { get: 'stream', resumable });
      const connection = await connect(cleanup, server.url);
      await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream to open');
      if (resumable) {
        server.notifyToolsChanged(); // an event with an id, so the reconnect resumes after it
        await waitFor(() => connection.toolListChanges === 1, 'the first notification');
      }

      server = await restartServer(cleanup, server, { get: 'stream', resumable });
      await waitFor(() => connection.eventsOf('session-reinitialised').length, 'the re-initialisation', 10_000);
      await waitFor(() => connection.eventsOf('stream-open').length === 2, 'the stream to come back');

      assertReinitialisedOnce(connection, resumable ? /^GET resume answered 404 Not Found$/ : /^GET reconnect answered 404 Not Found$/);
      const reconnect = requestsOf(server, 'GET')[0];
      assert.ok(reconnect.sessionId, 'the first GET the new server saw carried the old session id');
      assert.equal(reconnect.lastEventId !== undefined, resumable);
      assert.equal(connection.transport.mode, 'streaming');
      assert.equal(initializePosts(server).length, 1);
      assert.deepEqual(connection.eventsOf('stream-problem'), [], 'a lost session is not a stream problem');

      assert.equal(await connection.add(2, 3), '5');
      server.notifyToolsChanged();
      await waitFor(() => connection.toolListChanges === (resumable ? 2 : 1), 'a notification over the new stream');
      assertNoErrors(connection);
    });
  }

  it('a resume answered 500 is a stream problem (resume: true), not a re-initialisation', async () => {
    let server = await startServer(cleanup, { get: 'stream', resumable: true });
    const connection = await connect(cleanup, server.url, { getRetry: FAST_RETRY });
    await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream to open');
    server.notifyToolsChanged();
    await waitFor(() => connection.toolListChanges === 1, 'an event with an id');

    server = await restartServer(cleanup, server, { get: { status: 500, statusText: 'Internal Server Error', body: 'resume failed' } });
    await waitFor(() => connection.eventsOf('stream-given-up').length, 'the transport to give up resuming', 10_000);

    const problems = connection.eventsOf('stream-problem');
    assert.deepEqual(
      problems.map((problem) => [problem.attempt, problem.resume]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );
    assert.match(problemText(problems[0]), /500 Internal Server Error/);
    assert.equal(connection.transport.reinitialisations, 0);
    assert.deepEqual(connection.eventsOf('session-reinitialised'), []);
    const gets = requestsOf(server, 'GET');
    assert.equal(gets.length, 1 + FAST_RETRY.maxAttempts);
    assert.ok(gets.every((get) => get.lastEventId !== undefined), 'every retry resumes after the last event seen');
    assert.deepEqual(kinds(connection).slice(0, 1), ['stream-open']);
    assertNoErrors(connection);
  });

  it('after a re-initialisation the new session gets its own GET retries', async () => {
    let server = await startServer(cleanup, { get: 'stream' });
    const connection = await connect(cleanup, server.url, { getRetry: FAST_RETRY });
    await waitFor(() => connection.transport.mode === 'streaming', 'the GET stream to open');

    server = await restartServer(cleanup, server, { get: { status: 500, statusText: 'Internal Server Error' } });
    await waitFor(() => connection.eventsOf('stream-given-up').length === 1, 'the old session to give up on its stream', 10_000);

    assert.equal(await connection.add(2, 3), '5', 'the POST finds the session gone and re-initialises');
    assert.equal(connection.transport.reinitialisations, 1);
    await waitFor(() => connection.eventsOf('stream-given-up').length === 2, 'the new session to give up on its stream', 10_000);

    const afterReinit = lifecycle(connection).slice(lifecycle(connection).findIndex((event) => event.kind === 'session-reinitialised') + 1);
    assert.deepEqual(
      afterReinit.map((event) => (event.kind === 'stream-problem' ? `problem ${event.attempt}` : event.kind)),
      ['problem 1', 'problem 2', 'problem 3', 'stream-given-up'],
    );
    const newSession = connection.transport.sessionId;
    assert.equal(requestsOf(server, 'GET').filter((get) => get.sessionId === newSession).length, 1 + FAST_RETRY.maxAttempts);
    assert.equal(await connection.add(40, 2), '42');
    assertNoErrors(connection);
  });
});
