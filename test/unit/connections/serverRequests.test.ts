import assert from 'node:assert/strict';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema, RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { Emitter } from '../../../src/common/events';
import type { Elicitor } from '../../../src/connections/serverRequests';
import { useCleanup } from '../../support/cleanup';
import { connectStreaming, entry, makeConnection, visibleLog } from '../../support/connections';
import { startServer } from '../../support/harness';
import { waitFor } from '../../support/wait';

/** A server that records its sessions, so the test can ask the client things from the server's side. */
async function serverWithSessions(cleanup: ReturnType<typeof useCleanup>, extra?: (server: McpServer) => void) {
  const sessions: McpServer[] = [];
  const server = await startServer(cleanup, {
    content: (name) => () => {
      const session = new McpServer({ name, version: '1.0.0' }, { capabilities: { tools: {} } });
      extra?.(session);
      sessions.push(session);
      return session;
    },
  });
  return { server, sessions };
}

describe('What the client answers when a server asks (roots, elicitation, sampling)', () => {
  const cleanup = useCleanup();

  it('declares only what it can answer', async () => {
    const { server, sessions } = await serverWithSessions(cleanup);
    const bare = makeConnection(cleanup, entry('bare', { url: server.url }));
    await bare.connection.connect();
    assert.deepEqual(sessions.at(-1)!.server.getClientCapabilities(), {});
    const roots = { list: () => [], onDidChange: new Emitter<void>().event };
    const full = makeConnection(cleanup, entry('full', { url: server.url }), { roots, elicit: async () => ({ action: 'cancel' }) });
    await full.connection.connect();
    assert.deepEqual(sessions.at(-1)!.server.getClientCapabilities(), { elicitation: { form: {}, url: {} }, roots: { listChanged: true } });
  });

  it('lists the roots it is given, and says when they change', async () => {
    const { server, sessions } = await serverWithSessions(cleanup);
    const changed = new Emitter<void>();
    let folders = [{ uri: 'file:///work/a', name: 'a' }];
    const { connection } = makeConnection(cleanup, entry('roots', { url: server.url }), { roots: { list: () => folders, onDidChange: changed.event } });
    await connectStreaming(connection);
    const session = sessions.at(-1)!;
    assert.deepEqual((await session.server.listRoots()).roots, folders);
    let heard = 0;
    session.server.setNotificationHandler(RootsListChangedNotificationSchema, () => void heard++);
    folders = [...folders, { uri: 'file:///work/b', name: 'b' }];
    connection.rootsChanged();
    await waitFor(() => heard === 1, 'notifications/roots/list_changed at the server');
    assert.deepEqual((await session.server.listRoots()).roots, folders);
  });

  it('passes an elicitation to the user and their answer back, and logs the outcome', async () => {
    const asked: unknown[] = [];
    const elicit: Elicitor = async (request) => {
      asked.push(request);
      return { action: 'accept', content: { name: 'Ada' } };
    };
    const { server } = await serverWithSessions(cleanup, (session) =>
      session.registerTool('ask', { inputSchema: { q: z.string() } }, async ({ q }, extra) => {
        const answer = await extra.sendRequest({ method: 'elicitation/create', params: { message: q, requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } } }, ElicitResultSchema);
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      }),
    );
    const { connection, logger } = makeConnection(cleanup, entry('asker', { url: server.url }), { elicit });
    await connection.connect();
    const result = await connection.callTool('ask', { q: 'Your name?' });
    assert.deepEqual(JSON.parse((result.content[0] as { text: string }).text), { action: 'accept', content: { name: 'Ada' } });
    assert.deepEqual(asked, [{ server: 'asker', params: { message: 'Your name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } } }]);
    assert.ok(visibleLog(logger).includes('[asker] elicitation/create — accepted by the user'), visibleLog(logger).join('\n'));
  });

  it('declines sampling with an error that says why, and logs it', async () => {
    const { server, sessions } = await serverWithSessions(cleanup);
    const { connection, logger } = makeConnection(cleanup, entry('sampler', { url: server.url }));
    await connectStreaming(connection);
    await assert.rejects(
      sessions.at(-1)!.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 }),
      /MCP error -32601: Sampling is not supported: MCP Connections has no language model to sample with/,
    );
    await waitFor(() => visibleLog(logger).some((l) => l.startsWith('[sampler] The server asked for a language-model completion')), 'the log line');
  });
});
