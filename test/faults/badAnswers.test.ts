import assert from 'node:assert/strict';
import { waitFor } from '../support/wait';
import { assertSentenceNamingFix, rejectionOf } from '../support/assertions';
import { useCleanup } from '../support/cleanup';
import { connectStreaming, callText, faultClient } from '../support/connections';
import { startServer } from '../support/harness';
import { ioBarrier } from '../support/net';
import { Fault, startProxy } from '../support/proxy';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';
import { collector } from '../support/resources';

const MB = 1024 * 1024;
const MCP_ENDPOINT = /check that "url" points at the server's MCP endpoint/;

/**
 * Answers that are wrong in themselves, injected by a proxy in front of a real MCP server (the
 * SDK-based test server). Each fault is tried twice: on `initialize` (the connect fails with one
 * sentence that names the fix) and on a `tools/call` of a live connection (the call fails with that
 * sentence, the connection stays connected). When the fault ends the next connect or call works.
 */
describe('faults: bad answers', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  interface Case {
    name: string;
    fault: Fault;
    /** The sentence for this server's port. */
    sentence: (host: string) => string;
    fix: RegExp;
    /** The request must fail before its timeout (10 s), not by it. */
    failsWithinMs?: number;
  }

  const cases: Case[] = [
    {
      name: 'HTTP 503 on POST',
      fault: { kind: 'status', status: 503, body: 'upstream unavailable' },
      sentence: () => `The server failed with HTTP 503 (upstream unavailable) — check the server's logs.`,
      fix: /check the server's logs/,
    },
    {
      name: 'HTTP 500 with an HTML page',
      fault: { kind: 'status', status: 500, contentType: 'text/html', body: '<html><body><h1>Internal Server Error</h1></body></html>' },
      sentence: () => `The server failed with HTTP 500 (Internal Server Error) — check the server's logs.`,
      fix: /check the server's logs/,
    },
    {
      name: 'not JSON (application/json with HTML)',
      fault: { kind: 'answer', contentType: 'application/json', body: '<html><body>Welcome to nginx!</body></html>' },
      sentence: () => `The server's answer was not JSON — check that "url" points at the server's MCP endpoint.`,
      fix: MCP_ENDPOINT,
    },
    {
      name: 'not JSON or SSE (text/html 200)',
      fault: { kind: 'answer', contentType: 'text/html', body: '<html><body>Welcome to nginx!</body></html>' },
      sentence: () => `The server answered with content type "text/html" instead of JSON or an event stream — check that "url" points at the server's MCP endpoint.`,
      fix: MCP_ENDPOINT,
    },
    {
      name: 'JSON, not JSON-RPC',
      fault: { kind: 'answer', contentType: 'application/json', body: '{"status":"ok","items":[]}' },
      sentence: () => `The server's answer was not a JSON-RPC message — check that "url" points at the server's MCP endpoint.`,
      fix: MCP_ENDPOINT,
    },
    {
      name: 'SSE event that is not JSON-RPC',
      fault: { kind: 'answer', contentType: 'text/event-stream', body: 'event: message\ndata: {"status":"ok"}\n\n' },
      sentence: () => `The server ended its answer without answering the request — check that "url" points at the server's MCP endpoint, and the server's logs.`,
      fix: MCP_ENDPOINT,
      failsWithinMs: 2000,
    },
    {
      name: 'SSE answer cut in the middle of an event',
      fault: { kind: 'cut-sse' },
      sentence: () => `The server broke off its answer (connection reset by the server) — check the server's logs, then try again.`,
      fix: /check the server's logs/,
      failsWithinMs: 2000,
    },
  ];

  for (const c of cases) {
    it(`${c.name}, on initialize: the connect fails with one sentence naming the fix; connects when the fault ends`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const upstream = await startServer(cleanup, { name: 'behind-proxy' });
      const proxy = await startProxy(cleanup, upstream);
      proxy.fault = c.fault;
      proxy.faultWhen = ({ rpc }) => rpc === 'initialize';
      const client = faultClient(cleanup, 'bad-answer', proxy.url);
      const started = Date.now();
      const error = await rejectionOf(client.connection.connect());
      const detected = Date.now() - started;
      const sentence = c.sentence(`127.0.0.1:${proxy.port}`);
      assert.equal(error.message, sentence);
      assert.deepEqual(client.connection.state, { kind: 'error', reason: sentence });
      assertSentenceNamingFix(sentence, c.fix);
      assert.ok(detected < (c.failsWithinMs ?? 2000), `failed at once, not by a timeout (${detected} ms)`);
      const requests = client.counter.calls.length;

      proxy.fault = undefined;
      const ended = Date.now();
      await client.connection.connect();
      assert.equal(client.connection.state.kind, 'connected');
      await assertNoUnhandledRejections(rejectionsBefore);
      record({ fault: `${c.name} (initialize)`, outcome: 'connect fails with the sentence; Connect ok after', detectedMs: detected, recoveredMs: Date.now() - ended, requests });
    });

    it(`${c.name}, on a tool call: the call fails with that sentence, the connection stays connected, the next call works`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const upstream = await startServer(cleanup, { name: 'behind-proxy' });
      const proxy = await startProxy(cleanup, upstream);
      const client = faultClient(cleanup, 'bad-answer', proxy.url);
      const { connection } = client;
      await connectStreaming(connection);
      const stateBefore = connection.state;

      proxy.fault = c.fault;
      proxy.faultWhen = ({ rpc }) => rpc === 'tools/call';
      const requestsBefore = client.counter.calls.length;
      const started = Date.now();
      const error = await rejectionOf(callText(connection, 'add', { a: 1, b: 2 }));
      const detected = Date.now() - started;
      assert.equal(error.message, c.sentence(`127.0.0.1:${proxy.port}`));
      assert.ok(detected < (c.failsWithinMs ?? 2000), `failed at once, not by a timeout (${detected} ms)`);
      assert.deepEqual(connection.state, stateBefore, 'still connected, as before');

      proxy.fault = undefined;
      const ended = Date.now();
      assert.equal(await callText(connection, 'add', { a: 1, b: 2 }), '3');
      assert.deepEqual(connection.state, stateBefore);
      await assertNoUnhandledRejections(rejectionsBefore);
      record({ fault: `${c.name} (tools/call)`, outcome: 'call fails with the sentence; stays connected; next call ok', detectedMs: detected, recoveredMs: Date.now() - ended, requests: client.counter.since(requestsBefore) });
    });
  }

  it('the GET stream is cut in the middle of an event: it resumes after the last whole event, the cut event arrives once, nothing reaches the user', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const upstream = await startServer(cleanup, { name: 'resumable', resumable: true });
    const proxy = await startProxy(cleanup, upstream);
    const client = faultClient(cleanup, 'cut-stream', proxy.url);
    const { connection, logger, states } = client;
    await connectStreaming(connection);
    const statesBefore = states.length;
    const linesBefore = logger.lines.length;
    const newLines = () => logger.lines.slice(linesBefore);
    const refreshes = () => newLines().filter((line) => line.includes('Server changed its tools')).length;

    // One whole event first: it carries the id the stream resumes from. (The SDK's server sends no
    // priming event on the GET stream, so an event cut before any whole one could not be resumed.)
    upstream.notifyToolsChanged();
    await waitFor(() => refreshes() === 1, 'the first notification');
    const requestsBefore = client.counter.calls.length;
    proxy.fault = { kind: 'cut-get-event' }; // one cut, then the proxy forwards again
    const cut = Date.now();
    upstream.notifyToolsChanged();
    await waitFor(() => newLines().some((line) => line.includes('GET stream resumed')), 'the stream to resume', 10_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${newLines().join('\n')}`);
    });
    await waitFor(() => refreshes() === 2, 'the cut notification to arrive', 10_000);
    const recovered = Date.now() - cut;

    assert.equal(proxy.fault, undefined, 'the stream was cut');
    assert.ok(newLines().some((line) => /GET stream interrupted: .* — resuming/.test(line)), newLines().join('\n'));
    assert.ok(newLines().some((line) => /→ GET \(resume after event \d+\)/.test(line)), `resumed with Last-Event-ID:\n${newLines().join('\n')}`);
    const gets = client.counter.calls.slice(requestsBefore).filter((call) => call.method === 'GET');
    assert.equal(gets.length, 1, 'one resume');
    // The half event was not acted on, the replayed one once: exactly one refresh for it. Nothing
    // more arrives: the refresh's own requests are answered and no further event is pending.
    await waitFor(() => client.counter.calls.slice(requestsBefore).some((call) => call.rpc === 'tools/list'), 'the refresh');
    await ioBarrier();
    assert.equal(refreshes(), 2, newLines().join('\n'));
    assert.ok(!newLines().some((line) => /Transport error/.test(line)), `no transport error reached the user:\n${newLines().join('\n')}`);
    assert.deepEqual(states.slice(statesBefore).filter((state) => state.kind !== 'connected'), [], 'stayed connected');
    assert.ok(connection.state.kind === 'connected' && connection.state.mode === 'streaming');
    await assertNoUnhandledRejections(rejectionsBefore);
    record({ fault: 'GET stream cut mid-event', outcome: 'resumed with Last-Event-ID; cut event delivered once; stayed connected', recoveredMs: recovered, requests: client.counter.since(requestsBefore) });
  });

  for (const contentType of ['application/json', 'text/event-stream'] as const) {
    it(`a 50 MB answer (${contentType}): the download stops at 16 MB, memory stays bounded, the error says why; the next call works`, async () => {
      const rejectionsBefore = unhandledRejectionCount();
      const upstream = await startServer(cleanup, { name: 'huge' });
      const proxy = await startProxy(cleanup, upstream);
      const client = faultClient(cleanup, 'huge', proxy.url);
      const { connection } = client;
      await connection.connect();
      proxy.fault = { kind: 'huge', bytes: 50 * MB, contentType };
      proxy.faultWhen = ({ rpc }) => rpc === 'tools/call';
      const requestsBefore = client.counter.calls.length;

      collector()();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakHeap = before.heapUsed + before.arrayBuffers;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
      }, 5);
      const started = Date.now();
      const error = await rejectionOf(callText(connection, 'add', { a: 1, b: 2 })).finally(() => clearInterval(sampler));
      const detected = Date.now() - started;

      const sentence = `The server's answer exceeded 16 MB and was not read — ask for less data (narrower arguments, paging), or check the server.`;
      assert.equal(error.message, sentence);
      assertSentenceNamingFix(sentence, /ask for less data/);
      await waitFor(() => proxy.abandoned === 1, 'the proxy to see the client stop reading', 10_000);
      const rssGrowth = (peakRss - before.rss) / MB;
      const heapGrowth = (peakHeap - before.heapUsed - before.arrayBuffers) / MB;
      const sent = proxy.faultBytesWritten / MB;
      console.log(`      ${contentType}: server wrote ${sent.toFixed(1)} MB of 50 before the client stopped; peak growth: RSS ${rssGrowth.toFixed(1)} MB, heap+buffers ${heapGrowth.toFixed(1)} MB`);
      assert.ok(sent < 40, `the client stopped reading early (${sent.toFixed(1)} MB sent)`);
      // Bounded by the limit, not the answer: at most 4 × 16 MB. (Read whole, without the limit, this
      // 50 MB answer takes +77 MB as JSON and +84 MB as SSE, and more for a larger one.)
      assert.ok(heapGrowth < 64, `heap + buffers grew by ${heapGrowth.toFixed(1)} MB`);

      proxy.fault = undefined;
      const ended = Date.now();
      assert.equal(await callText(connection, 'add', { a: 1, b: 2 }), '3');
      assert.equal(connection.state.kind, 'connected');
      await assertNoUnhandledRejections(rejectionsBefore);
      record({
        fault: `50 MB answer (${contentType})`,
        outcome: `stopped after ${sent.toFixed(0)} MB sent; heap+buffers +${heapGrowth.toFixed(0)} MB, RSS +${rssGrowth.toFixed(0)} MB; next call ok`,
        detectedMs: detected,
        recoveredMs: Date.now() - ended,
        requests: client.counter.since(requestsBefore),
      });
    });
  }
});
