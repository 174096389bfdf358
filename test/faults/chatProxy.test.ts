import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ChatProxy } from '../../src/chat/chatProxy';
import type { Connection } from '../../src/connections/connection';
import { demoContent } from '../../src/demo/demoContent';
import type { TestServerOptions } from '../fixtures/mcpServer';
import { Cleanup, useCleanup } from '../support/cleanup';
import { entry, makeConnection, visibleLog } from '../support/connections';
import { restartServer, startServer } from '../support/harness';
import { waitFor } from '../support/wait';

/** The demo's content and a tool that waits until it is cancelled, recording when it started and that it was. */
function content(seen: { started: string[]; cancelled: string[] }): TestServerOptions['content'] {
  return (name) => () => {
    const server = demoContent(name)();
    server.registerTool('wait-for-cancel', { inputSchema: { id: z.string() } }, ({ id }, extra) => {
      seen.started.push(id);
      return new Promise((resolve) => extra.signal.addEventListener('abort', () => (seen.cancelled.push(id), resolve({ content: [] }))));
    });
    return server;
  };
}

/** A raw request with the headers given exactly (fetch will not send a Host of our choosing). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function chatClient(cleanup: Cleanup, proxy: ChatProxy, name: string, options: { elicit?: boolean } = {}): Promise<Client> {
  const client = new Client({ name: 'chat-under-test', version: '1.0.0' }, { capabilities: options.elicit ? { elicitation: { form: {} } } : {} });
  const transport = new StreamableHTTPClientTransport(new URL(proxy.urlFor(name)), { requestInit: { headers: { Authorization: `Bearer ${proxy.token}` } } });
  await client.connect(transport);
  cleanup.add(() => client.close());
  return client;
}

function text(result: unknown): string {
  return ((result as { content: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');
}

describe('The chat proxy: an MCP server on loopback that answers through our connection', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();
  const seen = { started: [] as string[], cancelled: [] as string[] };

  async function setUp(options: TestServerOptions = {}) {
    const upstream = await startServer(cleanup, { name: 'docs', content: content(seen), ...options });
    const harness = makeConnection(cleanup, entry('docs', { url: upstream.url }), { elicit: async () => ({ action: 'decline' }) });
    await harness.connection.connect();
    const notes: string[] = [];
    const proxy = new ChatProxy({ offered: (name) => (name === 'docs' ? harness.connection : undefined), note: (line) => void notes.push(line) });
    await proxy.start();
    cleanup.add(() => proxy.close());
    return { upstream, connection: harness.connection as Connection, logger: harness.logger, proxy, notes };
  }

  it('names itself after the server, lists its tools unchanged, and logs each chat call', async () => {
    const { proxy, logger, connection } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    assert.equal(client.getServerVersion()?.name, 'docs');
    const { tools } = await client.listTools();
    const state = connection.state;
    assert.ok(state.kind === 'connected');
    assert.deepEqual(tools, state.catalog.tools.items);
    assert.equal(text(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })), '5');
    await waitFor(() => visibleLog(logger).some((l) => /^\[docs\] chat: tools\/call add — ok in \d+ ms$/.test(l)), 'the log line');
    assert.equal(connection.usage.calls, 1);
    assert.equal(connection.usage.last?.what, 'tools/call add');
  });

  it('8 concurrent chat calls each get their own answer', async () => {
    const { proxy } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => client.callTool({ name: 'add', arguments: { a: i, b: 100 } })));
    assert.deepEqual(answers.map(text), Array.from({ length: 8 }, (_, i) => String(i + 100)));
  });

  it('resources, templates, prompts and completions go through', async () => {
    const { proxy } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    assert.ok((await client.listResources()).resources.some((r) => r.uri === 'demo://guide.md'));
    assert.deepEqual((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate), ['demo://notes/{topic}']);
    assert.deepEqual((await client.readResource({ uri: 'demo://notes/sessions' })).contents[0], { uri: 'demo://notes/sessions', mimeType: 'text/plain', text: 'Notes on sessions: see the guide.\n' });
    const prompt = await client.getPrompt({ name: 'review-code', arguments: { language: 'go' } });
    assert.equal(prompt.messages[0].content.type === 'text' && prompt.messages[0].content.text, 'Review this go code.');
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'review-code' }, argument: { name: 'language', value: 'ty' } });
    assert.deepEqual(completion.completion.values, ['typescript']);
  });

  it('progress comes back to chat; cancelling in chat cancels upstream', async () => {
    const { proxy } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    const progress: number[] = [];
    const controller = new AbortController();
    const counting = client.callTool({ name: 'slow-count', arguments: { seconds: 10 } }, undefined, {
      signal: controller.signal,
      onprogress: (p) => {
        progress.push(p.progress);
        if (progress.length === 2) controller.abort();
      },
    });
    await assert.rejects(counting, /abort/i);
    assert.deepEqual(progress.slice(0, 2), [1, 2]);
    const waiting = new AbortController();
    const call = client.callTool({ name: 'wait-for-cancel', arguments: { id: 'chat-1' } }, undefined, { signal: waiting.signal });
    await waitFor(() => seen.started.includes('chat-1'), 'the upstream call to start');
    waiting.abort();
    await assert.rejects(call);
    await waitFor(() => seen.cancelled.includes('chat-1'), 'the upstream server to see the cancellation');
  });

  it("the server's elicitation goes to chat's client when it can answer", async () => {
    const { proxy } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs', { elicit: true });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { confirmed: true } };
    });
    const result = await client.callTool({ name: 'confirm-action', arguments: { action: 'rotate the keys' } });
    assert.deepEqual(asked, ['Really rotate the keys?']);
    assert.equal(text(result), 'Done: rotate the keys.');
  });

  it("a list change upstream reaches chat's client", async () => {
    const { proxy, upstream } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    let heard = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void heard++);
    await waitFor(async () => (await client.listTools()).tools.length > 0, 'the tools');
    upstream.addTool('added-later');
    await waitFor(() => heard > 0, 'tools/list_changed at chat');
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'added-later'));
  });

  it('an upstream restart is absorbed: the next chat call works', async () => {
    const { proxy, upstream } = await setUp();
    const client = await chatClient(cleanup, proxy, 'docs');
    assert.equal(text(await client.callTool({ name: 'echo', arguments: { text: 'one' } })), 'one');
    await restartServer(cleanup, upstream, { name: 'docs', content: content(seen) });
    assert.equal(text(await client.callTool({ name: 'echo', arguments: { text: 'two' } })), 'two');
  });

  it('refuses a request without the token, with a foreign Origin or Host, and unknown routes', async () => {
    const { proxy, notes } = await setUp();
    const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const post = (url: string, headers: Record<string, string>) => rawPost(url, headers, initialize);
    const bearer = { Authorization: `Bearer ${proxy.token}` };
    assert.equal(await post(proxy.urlFor('docs'), {}), 403);
    assert.equal(await post(proxy.urlFor('docs'), { Authorization: 'Bearer nope' }), 403);
    assert.equal(await post(proxy.urlFor('docs'), { ...bearer, Origin: 'https://attacker.example' }), 403);
    assert.equal(await post(proxy.urlFor('docs'), { ...bearer, Host: 'attacker.example' }), 403, 'DNS rebinding');
    assert.equal(await post(proxy.urlFor('other'), bearer), 404);
    assert.equal(await post(proxy.urlFor('docs'), { ...bearer, Origin: new URL(proxy.urlFor('docs')).origin }), 200, 'our own origin is fine');
    assert.deepEqual(notes, ['chat proxy: refused a request — no valid token', 'chat proxy: refused a request — no valid token', 'chat proxy: refused a request — foreign Origin', 'chat proxy: refused a request — wrong Host header']);
    assert.ok(!notes.join('\n').includes(proxy.token), 'the token is never logged');
  });
});
