import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { Commands } from '../../../src/commands/ids';
import { waitFor } from '../../support/wait';
import { extensionApi, node, setServers, userServers, waitForDescriptions } from './helpers';

describe('MCP Connections in a real VS Code', function () {
  const servers: Record<string, TestServer> = {};
  let downUrl: string;

  before(async () => {
    servers.streaming = await startTestServer({ name: 'streaming-demo' });
    servers.spec405 = await startTestServer({ name: 'spec-405', get: { status: 405, statusText: 'Method Not Allowed' } });
    servers.html404 = await startTestServer({ name: 'html-404', get: { status: 404, contentType: 'text/html', body: '<h1>Cannot GET /mcp</h1>' } });
    servers.strict406 = await startTestServer({
      name: 'strict-406',
      get: { status: 406, contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable: Client must accept both application/json and text/event-stream"},"id":null}' },
    });
    servers.bad400 = await startTestServer({ name: 'spring-400', get: { status: 400, body: 'Bad Request' } });
    servers.legacy = await startTestServer({ name: 'legacy-demo', kind: 'legacy-sse' });
    const down = await startTestServer();
    downUrl = down.url;
    await down.close();
  });

  after(async () => {
    await setServers({});
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  const allServers = () => ({
    streaming: { url: servers.streaming.url },
    'spec-405': { url: servers.spec405.url },
    'html-404': { url: servers.html404.url },
    'strict-406': { url: servers.strict406.url },
    'spring-400': { url: servers.bad400.url },
    legacy: { url: servers.legacy.url },
    down: { url: downUrl, timeoutSeconds: 5 },
  });

  it('activates without doing network work on the activation path', async () => {
    // The launcher configured one server before VS Code started: activation returned before its connect began.
    const api = await extensionApi();
    assert.ok(vscode.extensions.getExtension('mcp-connections.mcp-connections')?.isActive);
    const lines = api.logLines();
    const activated = lines.findIndex((line) => /^\[info\] Activated in \d+\.\d ms$/.test(line));
    const connecting = await waitFor(() => api.logLines().findIndex((line) => line.startsWith('[info] [at-startup] Connecting to ')) + 1, 'the configured server to start connecting');
    assert.ok(activated >= 0, `the activation line is logged:\n${lines.join('\n')}`);
    assert.ok(activated < connecting - 1, `"Activated" (line ${activated}) comes before the first connect (line ${connecting - 1})`);
    assert.ok(api.activationMs < 1000, `activate() returned after ${api.activationMs} ms`);
  });

  it('shows every server with its live state, as set in settings', async () => {
    const api = await extensionApi();
    await setServers(allServers());
    const nodes = await waitForDescriptions(api, {
      streaming: 'connected · streaming',
      'spec-405': 'connected · POST-only (GET 405)',
      'html-404': 'connected · POST-only (GET 404)',
      'strict-406': 'connected · POST-only (GET 406)',
      'spring-400': 'connected · POST-only (GET 400)',
      legacy: 'connected · legacy SSE',
      down: /^error: Connection refused by 127\.0\.0\.1:\d+ — is the server running\?$/,
    });
    assert.deepEqual(
      nodes.map((n) => n.label),
      ['streaming', 'spec-405', 'html-404', 'strict-406', 'spring-400', 'legacy', 'down'],
      'servers appear in the order of the settings',
    );
    assert.equal(node(api, 'streaming').contextValue, 'server:connected');
    assert.equal(node(api, 'down').contextValue, 'server:error');
    assert.equal(node(api, 'down').icon, 'error');
  });

  it("lists a connected server's tools, resources and prompts as children", async () => {
    const api = await extensionApi();
    const streaming = node(api, 'streaming');
    assert.deepEqual(
      streaming.children.map((c) => [c.label, c.description]),
      [
        ['Tools', '2'],
        ['Resources', '1'],
        ['Prompts', '1'],
      ],
    );
    const tools = streaming.children[0].children.map((c) => [c.label, c.description]);
    assert.deepEqual(tools, [
      ['add', 'Adds two numbers'],
      ['echo', 'Echoes its text'],
    ]);
  });

  it('explains the POST-only mode in the tooltip and logs each GET fallback', async () => {
    const api = await extensionApi();
    const tooltip = node(api, 'html-404').tooltip ?? '';
    assert.match(tooltip, /Mode: POST-only/);
    assert.match(tooltip, /Last GET fallback: HTTP 404 Not Found/);
    assert.match(tooltip, /Protocol: 2025-11-25/);
    const lines = api.logLines();
    for (const [name, status] of [
      ['html-404', '404 Not Found'],
      ['spec-405', '405 Method Not Allowed'],
      ['strict-406', '406 Not Acceptable'],
      ['spring-400', '400 Bad Request'],
    ]) {
      assert.ok(
        lines.includes(`[info] [${name}] GET stream not offered (HTTP ${status}) — continuing POST-only`),
        `log has the GET fallback line for ${name}; log was:\n${lines.join('\n')}`,
      );
    }
    assert.ok(lines.some((l) => l.startsWith('[info] [legacy] Streamable HTTP initialize answered HTTP 405 — using the legacy HTTP+SSE transport')));
  });

  it('disconnects, connects and reconnects a server from a tree node, ending the session with DELETE', async () => {
    const api = await extensionApi();
    const deletesBefore = servers.streaming.requests.filter((r) => r.method === 'DELETE').length;
    const treeNode = api.manager.get('streaming')!; // what a tree menu hands the command: the server's Connection
    await vscode.commands.executeCommand(Commands.disconnect, treeNode);
    await waitForDescriptions(api, { streaming: 'disconnected' });
    assert.equal(servers.streaming.requests.filter((r) => r.method === 'DELETE').length, deletesBefore + 1);
    await vscode.commands.executeCommand(Commands.connect, treeNode);
    await waitForDescriptions(api, { streaming: 'connected · streaming' });
    const initializesBefore = servers.streaming.requests.length;
    await vscode.commands.executeCommand(Commands.reconnect, 'streaming');
    await waitForDescriptions(api, { streaming: 'connected · streaming' });
    assert.ok(servers.streaming.requests.length > initializesBefore, 'reconnect talked to the server again');
  });

  it('disconnects and connects all servers', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand(Commands.disconnectAll);
    await waitForDescriptions(api, { streaming: 'disconnected', legacy: 'disconnected', 'html-404': 'disconnected' });
    await vscode.commands.executeCommand(Commands.connectAll);
    await waitForDescriptions(api, { streaming: 'connected · streaming', legacy: 'connected · legacy SSE', 'html-404': 'connected · POST-only (GET 404)' });
  });

  it('shows one error notification when a connect the user asked for fails', async () => {
    const api = await extensionApi();
    const before = api.notifications().length;
    // The notification waits for a button; the command resolves only after it is dismissed.
    void vscode.commands.executeCommand(Commands.connect, 'down');
    await waitFor(() => api.notifications().length > before, 'an error notification');
    await waitForDescriptions(api, { down: /^error: Connection refused/ });
    const shown = api.notifications().slice(before);
    assert.equal(shown.length, 1, `exactly one notification: ${JSON.stringify(shown)}`);
    assert.equal(shown[0].level, 'error');
    assert.match(shown[0].message, /^Could not connect to MCP server "down": Connection refused by 127\.0\.0\.1:\d+ — is the server running\?$/);
  });

  it('applies a settings edit live, touching only the server that changed', async () => {
    const api = await extensionApi();
    const untouched = servers.spec405.requests.length;
    const movedTo = await startTestServer({ name: 'moved', get: { status: 404 } });
    try {
      await setServers({ ...allServers(), streaming: { url: movedTo.url } });
      await waitFor(() => node(api, 'streaming').tooltip?.includes(String(movedTo.port)), 'the streaming node to show the new URL');
      await waitForDescriptions(api, { streaming: 'connected · POST-only (GET 404)' });
      assert.equal(servers.spec405.requests.length, untouched, 'the other servers made no requests');
    } finally {
      await setServers(allServers());
      await movedTo.close();
    }
    await waitForDescriptions(api, { streaming: 'connected · streaming' });
  });

  it('shows an invalid entry as a problem on that server only, and never rewrites settings', async () => {
    const api = await extensionApi();
    const settings = { ...allServers(), broken: { url: 'ftp://files.example.com/mcp' }, 'not-an-object': 42 };
    await setServers(settings);
    await waitForDescriptions(api, {
      broken: 'error: The "url" must start with http:// or https://, not ftp:.',
      'not-an-object': 'error: The entry must be an object like { "url": "https://…/mcp" }, not a number.',
      streaming: 'connected · streaming',
      'html-404': 'connected · POST-only (GET 404)',
    });
    assert.deepEqual(userServers(), settings, 'settings.json is unchanged');
    assert.ok(api.logLines().some((l) => l.startsWith('[warning] [broken] Settings: The "url" must start with http:// or https://')));
    await setServers(allServers());
  });

  it('adds and removes a server through the commands, writing user settings', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand(Commands.addServer, { name: 'added', url: servers.spec405.url });
    await waitForDescriptions(api, { added: 'connected · POST-only (GET 405)' });
    assert.deepEqual((userServers() ?? {}).added, { url: servers.spec405.url });
    await vscode.commands.executeCommand(Commands.removeServer, 'added', { confirmed: true });
    await waitFor(() => !api.treeSnapshot().some((n) => n.label === 'added'), 'the removed server to leave the tree');
    assert.equal((userServers() ?? {}).added, undefined);
  });

  it('refreshes the lists when a streaming server says its tools changed', async () => {
    const api = await extensionApi();
    const before = api.logLines().length;
    servers.streaming.addTool('summarise'); // the SDK server announces it with notifications/tools/list_changed
    await waitFor(() => api.logLines().slice(before).includes('[info] [streaming] Server changed its tools — refreshing'), 'the list_changed notification');
    const tools = await waitFor(() => {
      const names = node(api, 'streaming').children[0]?.children.map((c) => c.label);
      return names?.includes('summarise') ? names : undefined;
    }, 'the tree to show the new tool');
    assert.deepEqual(tools, ['add', 'echo', 'summarise']);
    assert.equal(node(api, 'streaming').children[0].description, '3');
  });

  it('Refresh lists every server\'s tools again; the remaining palette commands are registered', async () => {
    const api = await extensionApi();
    const listsBefore = servers.spec405.requests.length;
    await vscode.commands.executeCommand(Commands.refresh);
    assert.ok(servers.spec405.requests.length >= listsBefore + 3, 'tools, resources and prompts were listed again');
    await vscode.commands.executeCommand(Commands.showLog);
    const commands = await vscode.commands.getCommands(true);
    for (const id of Object.values(Commands)) assert.ok(commands.includes(id), `${id} is registered`);
    assert.ok(api.manager.get('spec-405')?.state.kind === 'connected');
  });
});
