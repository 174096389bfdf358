import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/commands/ids';
import { demoContent } from '../../../src/demo/demoContent';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { Cleanup } from '../../support/cleanup';
import { waitFor } from '../../support/wait';
import { extensionApi, node, recordCanary, setServers, waitForDescriptions } from './helpers';

const GET_404 = { status: 404, contentType: 'text/html', body: '<h1>Cannot GET /mcp</h1>' };
const STEP_MS = 20_000;
const SECRET = recordCanary(`chat-secret-${Date.now()}`);

/** `workbench.mcp.startServer` can hang (a failing tools/list) and resolves silently for an unknown id: bounded. */
async function startChatServer(name: string): Promise<void> {
  await within(vscode.commands.executeCommand('workbench.mcp.startServer', `mcp-connections.mcp-connections/${name}`, { waitForLiveTools: true }), `starting ${name} in chat`);
}

async function stopChatServer(name: string): Promise<void> {
  await within(vscode.commands.executeCommand('workbench.mcp.stopServer', `mcp-connections.mcp-connections/${name}`), `stopping ${name} in chat`);
}

function within<T>(work: Thenable<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${STEP_MS} ms`)), STEP_MS);
  });
  return Promise.race([Promise.resolve(work), late]).finally(() => clearTimeout(timer));
}

/** The chat tool a server's tool became (VS Code names it mcp_<server>_<tool>). */
function chatTool(server: string, tool: string): vscode.LanguageModelToolInformation | undefined {
  return vscode.lm.tools.find((t) => t.tags.includes('mcp') && t.name.endsWith(`_${tool}`) && t.name.includes(server.replace(/\W/g, '_')));
}

/** Starts the server in chat (again while VS Code does not know it yet: it learns definitions asynchronously) and calls the tool. */
async function invoke(server: string, tool: string, input: object): Promise<string> {
  const found = await waitFor(
    async () => chatTool(server, tool) ?? (await startChatServer(server), chatTool(server, tool)),
    `the chat tool for ${server}/${tool}`,
    STEP_MS,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (chat tools: ${vscode.lm.tools.filter((t) => t.tags.includes('mcp')).map((t) => t.name).join(', ') || 'none'})`);
  });
  const result = await within(vscode.lm.invokeTool(found.name, { input, toolInvocationToken: undefined }), `invoking ${found.name}`);
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('VS Code chat gets the servers through our connections', function () {
  this.timeout(120_000);
  const cleanup = new Cleanup();
  let docs: TestServer;
  let guarded: TestServer;

  before(async () => {
    docs = await startTestServer({ name: 'docs', get: GET_404, content: demoContent });
    guarded = await startTestServer({ name: 'guarded', content: demoContent, requireAuthorization: `Bearer ${SECRET}` });
    cleanup.add(() => docs.close());
    cleanup.add(() => guarded.close());
    await vscode.commands.executeCommand(Commands.setSecret, { name: 'chat-token', value: SECRET });
    await setServers({
      docs: { url: docs.url },
      guarded: { url: guarded.url, headers: { Authorization: 'Bearer ${secret:chat-token}' } },
      hidden: { url: docs.url, exposeToChat: false },
    });
    await waitForDescriptions(await extensionApi(), { docs: 'connected · POST-only (GET 404)', guarded: 'connected · streaming', hidden: 'connected · POST-only (GET 404)' });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('mcpConnections').update('chat.mode', undefined, vscode.ConfigurationTarget.Global);
    await setServers({});
    await vscode.commands.executeCommand(Commands.clearSecret, { name: 'chat-token' });
    await cleanup.run();
  });

  it('proxy mode: a GET-404 server\'s tools work in chat, through our client, logged and counted', async () => {
    const api = await extensionApi();
    const before = docs.requests.length;
    await startChatServer('docs');
    // VS Code hands the model the structured content when there is some.
    const text = await invoke('docs', 'search', { query: 'sess' });
    assert.deepEqual(JSON.parse(text), { matches: [{ title: 'sessions (all)', uri: 'demo://notes/sessions', score: 1 }] });
    await waitFor(() => api.logLines().some((l) => /^\[info\] \[docs\] chat: tools\/call search — ok in \d+ ms$/.test(l)), 'the chat call in our log');
    const seen = docs.requests.slice(before);
    assert.ok(seen.length > 0);
    assert.deepEqual([...new Set(seen.map((r) => String(r.headers['user-agent']).replace(/\/.*/, '')))], ['mcp-connections-vscode'], 'only our client talks to the server');
    assert.match(node(api, 'docs').tooltip ?? '', /Chat: \d+ calls?, last: tools\/call search — ok at /);
  });

  it('proxy mode: a session the server forgot is re-initialised under chat\'s call', async () => {
    await startChatServer('docs');
    await docs.forgetSessions();
    const text = await invoke('docs', 'echo', { text: 'after a restart' });
    assert.equal(text, 'after a restart');
  });

  it('proxy mode: a ${secret:} header works, and chat never holds it', async () => {
    await startChatServer('guarded');
    const text = await invoke('guarded', 'add', { a: 20, b: 22 });
    assert.equal(text, '42');
    assert.ok(guarded.requests.every((r) => r.headers.authorization === `Bearer ${SECRET}`), 'our connection sent the secret');
  });

  it('a server with exposeToChat false is not offered', async () => {
    await startChatServer('hidden');
    assert.equal(vscode.lm.tools.filter((t) => t.name.includes('hidden')).length, 0);
  });

  it('direct mode: chat gets the real URL and VS Code\'s own client calls the server, with the header resolved', async () => {
    await stopChatServer('guarded');
    await vscode.workspace.getConfiguration('mcpConnections').update('chat.mode', 'direct', vscode.ConfigurationTarget.Global);
    const before = guarded.requests.length;
    await waitFor(async () => {
      await startChatServer('guarded');
      return guarded.requests.slice(before).some((r) => String(r.headers['user-agent']).startsWith('code-server'));
    }, 'VS Code\'s own client to reach the server', STEP_MS);
    const text = await invoke('guarded', 'add', { a: 1, b: 2 });
    assert.equal(text, '3');
    const fromVsCode = guarded.requests.slice(before).filter((r) => String(r.headers['user-agent']).startsWith('code-server'));
    assert.ok(fromVsCode.length > 0 && fromVsCode.every((r) => r.headers.authorization === `Bearer ${SECRET}`), 'VS Code sent the resolved header');
  });

  it('editing settings updates the definitions', async () => {
    await vscode.workspace.getConfiguration('mcpConnections').update('chat.mode', undefined, vscode.ConfigurationTarget.Global);
    const extra = await startTestServer({ name: 'extra', content: demoContent });
    cleanup.add(() => extra.close());
    await setServers({ docs: { url: docs.url }, late: { url: extra.url } });
    await waitForDescriptions(await extensionApi(), { late: 'connected · streaming' });
    await waitFor(async () => {
      await startChatServer('late');
      return chatTool('late', 'echo');
    }, 'the new server\'s tools in chat', STEP_MS);
  });
});
