import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { MAX_RESUMES_WITHOUT_PROGRESS, MIN_RESUME_DELAY_MS } from '../../../src/transport/answerResumes';
import { MIN_RECONNECT_DELAY_MS } from '../../../src/transport/getStream';
import { useCleanup } from '../../support/cleanup';
import { entry, makeConnection, startPlainServer } from '../../support/connections';
import { connect, kinds, requestsOf, startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

const TICK = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"tick"}}';
/** Gaps between consecutive requests, ms. */
const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]);

describe('hostile servers: a GET stream that keeps closing', () => {
  const cleanup = useCleanup();
  const retry = { initialDelayMs: 100, maxDelayMs: 800, maxAttempts: 5 };

  it('closes every GET stream at once, without an event: waits longer each time, then gives up (1 + 5 GETs)', async () => {
    const server = await startServer(cleanup, { get: { status: 200, contentType: 'text/event-stream', body: '' } });
    const under = await connect(cleanup, server.url, { getRetry: retry, random: () => 0.5 });

    await waitFor(() => under.eventsOf('stream-given-up').length, 'the transport to give up on the stream', 15_000);

    const gets = requestsOf(server, 'GET');
    assert.equal(gets.length, 1 + retry.maxAttempts, 'the attempt budget, and not one GET more');
    // With random() = 0.5 each wait is 3/4 of min(800, 100·2^(n−1)): 75, 150, 300, 600, 600 ms.
    gaps(gets.map((get) => get.at)).forEach((gap, i) => assert.ok(gap >= [75, 150, 300, 600, 600][i] - 5, `wait ${i + 1} was ${gap} ms`));
    const problems = under.eventsOf('stream-problem');
    assert.deepEqual(problems.map((p) => [p.problem.kind, p.repeated]), [['closed-empty', false], ['closed-empty', true], ['closed-empty', true], ['closed-empty', true]]);
    assert.equal(under.transport.mode, 'post-only');
    assert.equal(await under.add(2, 3), '5', 'POST keeps working');
  });

  it('the log says once that the stream keeps closing, and when the next try is', async () => {
    const server = await startServer(cleanup, { get: { status: 200, contentType: 'text/event-stream', body: '' } });
    const { connection, logger } = makeConnection(cleanup, entry('closer', { url: server.url }), { transport: { getRetry: retry } });
    await connection.connect();
    await waitFor(() => logger.lines.some((line) => line.includes('GET stream unavailable after 5 attempts')), 'the give-up line', 15_000);

    const warnings = logger.lines.filter((line) => line.startsWith('warn ') && line.includes('keeps closing'));
    assert.equal(warnings.length, 1, logger.lines.join('\n'));
    assert.match(warnings[0], /^warn \[closer\] GET stream keeps closing without sending anything — POST keeps working; next try in \d+\.\d s \(attempt 2\/5\)$/);
  });

  it('"retry: 0" with an event each time: reconnects no faster than once a second', async () => {
    const server = await startServer(cleanup, { get: { status: 200, contentType: 'text/event-stream', body: `retry: 0\ndata: ${TICK}\n\n` } });
    const under = await connect(cleanup, server.url, { getRetry: retry });

    await waitFor(() => requestsOf(server, 'GET').length >= 3, 'three GETs', 10_000);
    for (const gap of gaps(requestsOf(server, 'GET').map((get) => get.at))) assert.ok(gap >= MIN_RECONNECT_DELAY_MS - 5, `reconnected after ${gap} ms`);
    assert.deepEqual(under.eventsOf('stream-problem'), [], 'a stream that delivers is not a problem');
  });

  it('"retry: 0" without an event: the delay is clamped and the attempt budget still holds', async () => {
    const server = await startServer(cleanup, { get: { status: 200, contentType: 'text/event-stream', body: 'retry: 0\n\n' } });
    const under = await connect(cleanup, server.url, { getRetry: { ...retry, maxAttempts: 2 } });

    await waitFor(() => under.eventsOf('stream-given-up').length, 'the transport to give up', 10_000);
    const gets = requestsOf(server, 'GET');
    assert.equal(gets.length, 3);
    for (const gap of gaps(gets.map((get) => get.at))) assert.ok(gap >= MIN_RECONNECT_DELAY_MS - 5, `retried after ${gap} ms`);
  });

  it('a same-origin redirect of the GET is followed: streaming, with the configured headers', async () => {
    const server = await startServer(cleanup, { get: { redirect: '/mcp/events' } });
    const under = await connect(cleanup, server.url, { headers: () => ({ 'X-Team': 'tools' }) });

    await waitFor(() => under.transport.mode === 'streaming', 'the redirected GET stream to open');
    server.notifyToolsChanged();
    await waitFor(() => under.toolListChanges === 1, 'a notification over the redirected stream');
    const gets = requestsOf(server, 'GET');
    assert.deepEqual(gets.map((get) => [get.url, get.headers['x-team']]), [['/mcp', 'tools'], ['/mcp/events', 'tools']]);
    assert.deepEqual(kinds(under), ['stream-open']);
  });
});

describe('hostile servers: an answer stream that keeps closing', () => {
  const cleanup = useCleanup();

  it('priming event, "retry: 0", closed, again and again: resumes are paced and bounded, the call fails with a sentence', async () => {
    const server = await startPlainServer(cleanup, (req, res, body) => {
      const message = body ? (JSON.parse(body) as { id?: number; method?: string }) : {};
      const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' }).end('id: 1\nretry: 0\ndata: \n\n');
      if (req.method === 'GET') return req.headers['last-event-id'] ? sse() : void res.writeHead(405).end();
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      if (message.method === 'initialize') {
        return void res
          .writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'stutter', version: '1' } } }));
      }
      if (message.id === undefined) return void res.writeHead(202).end();
      sse(); // tools/call: a priming event, then the stream closes, without the answer
    });
    const under = await connect(cleanup, server.url);

    await assert.rejects(under.client.callTool({ name: 'slow', arguments: {} }, undefined, { timeout: 15_000 }), (error: unknown) => {
      assert.ok(error instanceof McpError);
      assert.deepEqual(error.data, { brokenAnswer: 'stalled', resumes: MAX_RESUMES_WITHOUT_PROGRESS });
      return true;
    });
    const resumes = server.requests.filter((request) => request.method === 'GET' && request.headers['last-event-id']);
    assert.equal(resumes.length, MAX_RESUMES_WITHOUT_PROGRESS);
    const times = server.requests.filter((request) => request.method !== 'DELETE').slice(-resumes.length - 1).map((request) => request.at);
    for (const gap of gaps(times)) assert.ok(gap >= MIN_RESUME_DELAY_MS - 5, `resumed after ${gap} ms`);
  });
});
