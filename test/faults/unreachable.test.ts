import assert from 'node:assert/strict';
import type { ConnectionState } from '../../src/connections/state';
import { startTestServer } from '../fixtures/mcpServer';
import { waitFor } from '../support/wait';
import { assertSentenceNamingFix, rejectionOf } from '../support/assertions';
import { useCleanup } from '../support/cleanup';
import { connectStreaming, FAULT_SETTINGS, FaultClient, callText, faultClient, kindsOf } from '../support/connections';
import { startSilentServer } from '../support/faultServers';
import { startServer } from '../support/harness';
import { closedPort, ioBarrier } from '../support/net';
import { PUBLISHED, startPublished } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';

type Reconnecting = Extract<ConnectionState, { kind: 'reconnecting' }>;

/**
 * Checks the reconnect schedule a connection went through: attempts 1..n each waited between half
 * and all of min(maxDelay, initialDelay·2^(attempt-1)) (exponential backoff with jitter), the
 * delays are not all the same fraction of their ceiling (the jitter is real), and each attempt
 * started exactly once. Returns the delays, ms.
 */
function assertBackoffWithJitter(client: FaultClient, attempts: number): number[] {
  const { initialDelayMs, maxDelayMs } = FAULT_SETTINGS.reconnect;
  const delays: number[] = [];
  const ratios: number[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const at = client.states.flatMap((state, i) => (state.kind === 'reconnecting' && (state as Reconnecting).attempt === attempt ? [client.times[i]] : []));
    assert.equal(at.length, 2, `attempt ${attempt}: scheduled once, started once (states: ${kindsOf(client.states).join(' → ')})`);
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    const delay = at[1] - at[0];
    assert.ok(delay >= ceiling / 2 - 5, `attempt ${attempt} waited ${delay} ms, less than half its ${ceiling} ms ceiling`);
    assert.ok(delay <= ceiling + 1000, `attempt ${attempt} waited ${delay} ms, far more than its ${ceiling} ms ceiling`);
    delays.push(delay);
    ratios.push(delay / ceiling);
  }
  assert.ok(Math.max(...ratios) - Math.min(...ratios) > 0.01, `the delays are jittered (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
  return delays;
}

describe('faults: the server is unreachable', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();
  const { maxAttempts, maxDelayMs } = FAULT_SETTINGS.reconnect;

  it('connection refused at connect: a clear error at once, no background retries; connects once the server is up', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const port = await closedPort();
    const client = faultClient(cleanup, 'refused', `http://127.0.0.1:${port}/mcp`);
    const started = Date.now();
    const error = await rejectionOf(client.connection.connect());
    const detected = Date.now() - started;

    const sentence = `Connection refused by 127.0.0.1:${port} — is the server running?`;
    assert.equal(error.message, sentence);
    assert.deepEqual(client.connection.state, { kind: 'error', reason: sentence });
    assertSentenceNamingFix(sentence, /is the server running\?/);
    const requests = client.counter.calls.length;
    assert.equal(requests, 1, 'one initialize POST, refused');
    // A connect the user asked for that fails is not retried behind their back: nothing more is sent
    // for longer than the whole reconnect schedule would take.
    await new Promise((resolve) => setTimeout(resolve, maxDelayMs + 200));
    assert.equal(client.counter.calls.length, requests, 'no retries after a failed connect');

    // The fault ends: the server starts on that port, and the next connect works.
    const server = await startServer(cleanup, { port });
    const back = Date.now();
    await client.connection.connect();
    assert.equal(client.connection.state.kind, 'connected');
    assert.equal(server.requests[0]?.method, 'POST');
    await assertNoUnhandledRejections(rejectionsBefore);
    record({ fault: 'connection refused (at connect)', outcome: 'error at once, no retries; connect ok when up', detectedMs: detected, recoveredMs: Date.now() - back, requests });
  });

  it('the server goes away for good: bounded reconnects with backoff and jitter, then a clear error; Connect works once it is back', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const server = await startTestServer({ name: 'going-away' });
    cleanup.add(() => server.close());
    const client = faultClient(cleanup, 'going-away', server.url);
    const { connection } = client;
    await connectStreaming(connection);

    const requestsBefore = client.counter.calls.length;
    const stopped = Date.now();
    await server.close();
    await waitFor(() => connection.state.kind === 'reconnecting', 'the connection to notice', 10_000);
    const noticed = Date.now() - stopped;
    await waitFor(() => connection.state.kind === 'error', 'the connection to give up', 30_000);

    const refused = `Connection refused by 127.0.0.1:${server.port} — is the server running?`;
    const reason = `Gave up reconnecting after ${maxAttempts} attempts: ${refused}`;
    assert.deepEqual(connection.state, { kind: 'error', reason });
    assertSentenceNamingFix(reason, /is the server running\?/);
    const delays = assertBackoffWithJitter(client, maxAttempts);
    const requests = client.counter.since(requestsBefore);
    // The GET stream's one retry that found the port closed, then one initialize per attempt.
    const initializes = client.counter.calls.slice(requestsBefore).filter((call) => call.rpc === 'initialize').length;
    assert.equal(initializes, maxAttempts, 'exactly one connect per attempt');
    assert.ok(requests <= maxAttempts + 2, `no storm: ${requests} requests for ${maxAttempts} attempts`);
    // Given up means given up: nothing more is sent.
    await new Promise((resolve) => setTimeout(resolve, maxDelayMs + 200));
    assert.equal(client.counter.since(requestsBefore), requests, 'nothing is sent after giving up');

    const restarted = await startServer(cleanup, { port: server.port, name: 'going-away' });
    const back = Date.now();
    await connection.connect();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.mode === 'streaming', 'connected · streaming again');
    assert.ok(restarted.requests.length > 0);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: 'connection refused (server gone)',
      outcome: `${maxAttempts} attempts, delays ${delays.map((d) => Math.round(d)).join('/')} ms, then error; Connect ok when up`,
      detectedMs: noticed,
      recoveredMs: Date.now() - back,
      requests,
    });
  });

  it('a server that accepts and never answers, at connect: error within the timeout, its sockets closed', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const silent = await startSilentServer(cleanup);
    const client = faultClient(cleanup, 'silent', silent.url, { timeoutSeconds: 1 });
    const started = Date.now();
    const error = await rejectionOf(client.connection.connect());
    const detected = Date.now() - started;

    const sentence = `No answer from 127.0.0.1:${silent.port} within 1 s — check that the server is running, or raise "timeoutSeconds".`;
    assert.equal(error.message, sentence);
    assert.deepEqual(client.connection.state, { kind: 'error', reason: sentence });
    assertSentenceNamingFix(sentence, /raise "timeoutSeconds"/);
    assert.ok(detected >= 1000 && detected < 2500, `the error came after the 1 s timeout, not much later (${detected} ms)`);
    await waitFor(() => silent.open === 0, 'the client to close its connections to the silent server', 10_000);
    assert.ok(silent.connections <= 2, `${silent.connections} TCP connections`);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({ fault: 'accepts, never answers (at connect)', outcome: 'error after the 1 s timeout; sockets closed', detectedMs: detected, requests: `${client.counter.calls.length} (${silent.connections} TCP)` });
  });

  it('the server is replaced by one that accepts and never answers: the next call fails within the timeout, then bounded reconnects, then a clear error', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const server = await startTestServer({ name: 'going-silent' });
    cleanup.add(() => server.close());
    const client = faultClient(cleanup, 'going-silent', server.url, { timeoutSeconds: 1 });
    const { connection } = client;
    await connectStreaming(connection);

    await server.close();
    // Once the client has read the closes of its connections, a server that never answers takes
    // the port (the GET stream's retry comes only a second later).
    await ioBarrier();
    const silent = await startSilentServer(cleanup, server.port);
    const requestsBefore = client.counter.calls.length;
    const started = Date.now();
    const error = await rejectionOf(callText(connection, 'add', { a: 1, b: 2 }));
    const failedAfter = Date.now() - started;
    const noAnswer = `No answer from 127.0.0.1:${server.port} within 1 s — check that the server is running, or raise "timeoutSeconds".`;
    assert.equal(error.message, noAnswer);
    assert.ok(failedAfter < 2500, `the call failed at its 1 s timeout, not much later (${failedAfter} ms)`);

    await waitFor(() => connection.state.kind === 'error', 'the connection to give up', 40_000);
    const detected = client.times[client.states.findIndex((state) => state.kind === 'reconnecting')] - started;
    const reason = `Gave up reconnecting after ${maxAttempts} attempts: ${noAnswer}`;
    assert.deepEqual(connection.state, { kind: 'error', reason });
    assertSentenceNamingFix(reason, /raise "timeoutSeconds"/);
    const delays = assertBackoffWithJitter(client, maxAttempts);
    await waitFor(() => silent.open === 0, 'every connection to the silent server to be closed', 10_000);
    const requests = client.counter.since(requestsBefore);
    // Per attempt: the initialize, and the cancellation the SDK sends when it is abandoned.
    assert.ok(silent.connections <= 3 * (maxAttempts + 2), `no storm: ${silent.connections} TCP connections for ${maxAttempts} attempts`);

    // The fault ends: a real server takes the port again, and Connect works.
    await silent.close();
    await startServer(cleanup, { port: server.port, name: 'going-silent' });
    const back = Date.now();
    await connection.connect();
    assert.equal(connection.state.kind, 'connected');
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: 'accepts, never answers (mid-session)',
      outcome: `call fails in 1 s; "reconnecting"; ${maxAttempts} attempts (delays ${delays.map((d) => Math.round(d)).join('/')} ms), then error; Connect ok after`,
      detectedMs: detected,
      recoveredMs: Date.now() - back,
      requests: `${requests} (${silent.connections} TCP)`,
    });
  });

  it('a published server process freezes (SIGSTOP) mid-session: the call fails within the timeout and the state says so; it recovers when the process resumes', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const name = 'server-everything';
    const server = await startPublished(name);
    cleanup.add(() => server.stop());
    const { tool } = PUBLISHED[name];
    const client = faultClient(cleanup, 'frozen', server.url, { timeoutSeconds: 1 });
    const { connection } = client;
    await connectStreaming(connection);

    const requestsBefore = client.counter.calls.length;
    server.freeze();
    const frozen = Date.now();
    const error = await rejectionOf(callText(connection, tool.name, tool.args));
    const failedAfter = Date.now() - frozen;
    const noAnswer = `No answer from 127.0.0.1:${server.port} within 1 s — check that the server is running, or raise "timeoutSeconds".`;
    assert.equal(error.message, noAnswer);
    assertSentenceNamingFix(error.message, /raise "timeoutSeconds"/);
    assert.ok(failedAfter < 2500, `the call failed at its 1 s timeout, not much later (${failedAfter} ms)`);
    await waitFor(() => connection.state.kind === 'reconnecting', 'the state to show that the server stopped answering', 10_000);
    const detected = Date.now() - frozen;

    server.thaw();
    const thawed = Date.now();
    await waitFor(() => connection.state.kind === 'connected' && connection.state.mode === 'streaming', 'connected · streaming again', 30_000);
    const recovered = Date.now() - thawed;
    assert.equal(await callText(connection, tool.name, tool.args), tool.expected);
    const attempts = Math.max(...client.states.map((state) => (state.kind === 'reconnecting' ? state.attempt : 0)));
    assert.ok(attempts <= maxAttempts);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: `process frozen (SIGSTOP): ${PUBLISHED[name].package}`,
      outcome: `call fails in 1 s; "reconnecting"; connected after SIGCONT (attempt ${attempts}/${maxAttempts})`,
      detectedMs: detected,
      recoveredMs: recovered,
      requests: client.counter.since(requestsBefore),
    });
  });
});
