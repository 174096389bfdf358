import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { Commands } from '../../../src/commands/ids';
import { demoContent } from '../../../src/demo/demoContent';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { Cleanup } from '../../support/cleanup';
import { closedPort } from '../../support/net';
import { waitFor } from '../../support/wait';
import { extensionApi, node, setServers, waitForDescriptions } from './helpers';

const GET_404 = { status: 404, contentType: 'text/html', body: '<h1>Cannot GET /mcp</h1>' };

/** Runs a use command the way a script does; resolves to the document it opened. */
async function run(command: string, arg: object): Promise<{ uri: vscode.Uri; text: string; document: vscode.TextDocument }> {
  const uri = await vscode.commands.executeCommand<vscode.Uri>(command, arg);
  assert.ok(uri instanceof vscode.Uri, `${command} resolves to a Uri (got ${String(uri)})`);
  const document = await vscode.workspace.openTextDocument(uri);
  return { uri, text: document.getText(), document };
}

async function rejection(command: string, arg: object): Promise<string> {
  try {
    await vscode.commands.executeCommand(command, arg);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${command} ${JSON.stringify(arg)} resolved; it should have rejected`);
}

function activeTabLabel(): string | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.label;
}

describe('Using a connection in a real VS Code: tools, resources, prompts', function () {
  this.timeout(60_000);
  const cleanup = new Cleanup();
  let docs: TestServer;
  /** Which requests the server saw cancelled (notifications/cancelled). */
  const cancelled: string[] = [];

  before(async () => {
    docs = await startTestServer({
      name: 'docs',
      get: GET_404,
      content: (name) => () => {
        const server = demoContent(name)();
        server.registerTool('wait-for-cancel', { description: 'Waits until cancelled', inputSchema: {} }, (_args, extra) =>
          new Promise((resolve) => {
            extra.signal.addEventListener('abort', () => {
              cancelled.push(String(extra.requestId));
              resolve({ content: [{ type: 'text', text: 'cancelled' }] });
            });
          }),
        );
        server.registerTool('hostile-links', { description: 'Answers with links VS Code would run', inputSchema: { n: z.number().optional() } }, async () => ({
          content: [{ type: 'text', text: 'Click [here](command:workbench.action.openSettings) or <command:workbench.action.quit>' }],
        }));
        return server;
      },
    });
    cleanup.add(() => docs.close());
    await setServers({ docs: { url: docs.url } });
    await waitForDescriptions(await extensionApi(), { docs: 'connected · POST-only (GET 404)' });
  });

  after(async () => {
    await setServers({});
    await cleanup.run();
  });

  it('calls a tool: the text verbatim, the structured content as JSON, one log line, a read-only tab named after the tool', async () => {
    const api = await extensionApi();
    const { uri, text } = await run(Commands.callTool, { server: 'docs', tool: 'search', arguments: { query: 'sess', limit: 3 } });
    assert.equal(uri.scheme, 'mcp-connections');
    const lines = text.split('\n');
    assert.match(lines[0], /^# search on docs — ok in \d+ ms$/);
    assert.ok(text.includes('sessions (all) — demo://notes/sessions'), text);
    const json = text.slice(text.indexOf('```json') + 7, text.lastIndexOf('```'));
    assert.deepEqual(JSON.parse(json), { matches: [{ title: 'sessions (all)', uri: 'demo://notes/sessions', score: 1 }] });
    assert.equal(activeTabLabel(), 'search — result.md');
    assert.equal(vscode.workspace.fs.isWritableFileSystem('mcp-connections'), false);
    await waitFor(() => api.logLines().some((l) => /^\[info\] \[docs\] tools\/call search — ok in \d+ ms$/.test(l)), 'the call\'s log line');
    assert.ok(!api.logLines().some((l) => l.includes('"query"')), 'arguments are not logged at info level');
  });

  it('an error result says so in its first line and in the tab title', async () => {
    const api = await extensionApi();
    const { text } = await run(Commands.callTool, { server: 'docs', tool: 'fail', arguments: { reason: 'disk full' } });
    assert.match(text.split('\n')[0], /^# Error result: fail on docs \(\d+ ms\)$/);
    assert.ok(text.includes('Failed: disk full.'));
    assert.equal(activeTabLabel(), 'fail — error.md');
    await waitFor(() => api.logLines().some((l) => /^\[info\] \[docs\] tools\/call fail — error result in \d+ ms$/.test(l)), 'the log line');
  });

  it('an image in a result is a file of its own, linked from the result and shown by the image viewer', async () => {
    const { uri, text } = await run(Commands.callTool, { server: 'docs', tool: 'render-badge', arguments: { size: 16 } });
    assert.match(text, /^Image \(image\/png, \d+ B\): image-1\.png$/m);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const image = links.find((l) => l.target?.path.endsWith('/image-1.png'));
    assert.ok(image?.target, `a link to the image: ${JSON.stringify(links.map((l) => l.target?.toString()))}`);
    const bytes = await vscode.workspace.fs.readFile(image.target);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  });

  it('a resource link in a result opens the resource', async () => {
    const { uri } = await run(Commands.callTool, { server: 'docs', tool: 'related-pages' });
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    const guide = links.find((l) => l.target?.scheme === 'command' && l.target.query.includes('"uri":"demo://guide.md"'));
    assert.ok(guide?.target, `a link that reads the guide: ${JSON.stringify(links.map((l) => l.target?.toString()))}`);
    const [arg] = JSON.parse(guide.target.query) as [object];
    const opened = await run(Commands.readResource, arg);
    assert.ok(opened.text.startsWith('# docs\n\nA demo server for **MCP Connections**.'));
  });

  it('server text with links VS Code would run is shown as plain text', async () => {
    const api = await extensionApi();
    const { document, uri } = await run(Commands.callTool, { server: 'docs', tool: 'hostile-links' });
    assert.equal(document.languageId, 'plaintext');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', uri);
    assert.deepEqual(links.filter((l) => l.target?.scheme === 'command').map((l) => l.target?.toString()), []);
    assert.ok(api.logLines().some((l) => l.includes('hostile-links — result.md holds links that would run or open something (command:) — shown as plain text')), api.logLines().join('\n'));
  });

  it('reads resources: text verbatim, the language from the MIME type, an image as an image', async () => {
    const guide = await run(Commands.readResource, { server: 'docs', uri: 'demo://guide.md' });
    assert.equal(guide.document.languageId, 'markdown');
    assert.ok(guide.text.includes('- Call a tool from the tree: the ▷ button.\n'));
    assert.equal(activeTabLabel(), 'guide.md');
    const status = await run(Commands.readResource, { server: 'docs', uri: 'demo://status.json' });
    assert.equal(status.document.languageId, 'json');
    assert.equal(JSON.parse(status.text).name, 'docs');
    const note = await run(Commands.readResource, { server: 'docs', uri: 'demo://notes/transports' });
    assert.equal(note.text, 'Notes on transports: see the guide.\n', 'a template expanded by the caller reads like any resource');
    const logo = await vscode.commands.executeCommand<vscode.Uri>(Commands.readResource, { server: 'docs', uri: 'demo://logo.png' });
    assert.ok(logo.path.endsWith('/logo.png'));
    assert.deepEqual([...(await vscode.workspace.fs.readFile(logo)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it('an open resource document follows the server\'s updates (resources/subscribe)', async () => {
    const counter = await run(Commands.readResource, { server: 'docs', uri: 'demo://counter' });
    const before = Number(/The counter is (\d+)/.exec(counter.text)?.[1]);
    await run(Commands.callTool, { server: 'docs', tool: 'increment' });
    await waitFor(() => counter.document.getText() === `The counter is ${before + 1}.\n`, `the counter document to show ${before + 1} (shows ${counter.document.getText()})`, 10_000);
  });

  it('gets a prompt: its messages, each under its role', async () => {
    const { text } = await run(Commands.getPrompt, { server: 'docs', prompt: 'review-code', arguments: { language: 'go', focus: 'errors' } });
    assert.equal(text, '# review-code on docs\n\n## user\n\nReview this go code, looking at errors first.\n\n## assistant\n\nPaste the go code and I will review it.\n');
    assert.equal(activeTabLabel(), 'review-code.md');
  });

  it("every demo tool, resource and prompt works (what `npm start` offers)", async () => {
    const api = await extensionApi();
    const state = api.manager.get('docs')!.state;
    assert.equal(state.kind, 'connected');
    if (state.kind !== 'connected') return;
    // Arguments a user would type; the two elicitation tools and the two slow ones have tests of their own.
    const args: Record<string, Record<string, unknown>> = { add: { a: 1, b: 2 }, echo: { text: 'hi' }, search: { query: '*' }, 'tag-items': { items: [{ name: 'a', tags: [] }] } };
    const skipped = new Set(['confirm-action', 'book-meeting', 'slow-count', 'wait-for-cancel']);
    const tools = state.catalog.tools.items.map((t) => t.name).filter((name) => !skipped.has(name));
    assert.ok(tools.length >= 9, tools.join(', '));
    for (const tool of tools) {
      const { text } = await run(Commands.callTool, { server: 'docs', tool, arguments: args[tool] ?? {} });
      const expectError = tool === 'fail';
      assert.match(text.split('\n')[0], expectError ? /^# Error result: / : / — ok in \d+ ms$/, `${tool}: ${text}`);
    }
    for (const resource of state.catalog.resources.items) {
      const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.readResource, { server: 'docs', uri: resource.uri });
      assert.ok((await vscode.workspace.fs.readFile(uri)).length > 0, resource.uri);
    }
    for (const prompt of state.catalog.prompts.items) {
      const filled = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, 'x']));
      const { text } = await run(Commands.getPrompt, { server: 'docs', prompt: prompt.name, arguments: filled });
      assert.ok(text.includes('## user'), `${prompt.name}: ${text}`);
    }
  });

  it('lists the resource templates in the tree', async () => {
    const api = await extensionApi();
    const groups = node(api, 'docs').children;
    const templates = groups.find((g) => g.label === 'Resource Templates');
    assert.deepEqual(templates?.children.map((c) => [c.label, c.contextValue]), [['notes', 'item:resourceTemplates']]);
  });

  it('rejects what it cannot do with an Error that names it', async () => {
    assert.equal(await rejection(Commands.callTool, { server: 'nope', tool: 'x' }), 'No MCP server named "nope" is configured — add it to the mcpConnections.servers setting.');
    assert.equal(await rejection(Commands.callTool, { server: 'docs', tool: 'nope' }), 'The MCP server "docs" has no tool named "nope".');
    assert.equal(await rejection(Commands.getPrompt, { server: 'docs', prompt: 'nope' }), 'The MCP server "docs" has no prompt named "nope".');
    assert.match(await rejection(Commands.readResource, { server: 'docs', uri: 'demo://nope' }), /^The MCP server "docs" could not read the resource "demo:\/\/nope": .*demo:\/\/nope/);
    assert.match(await rejection(Commands.callTool, { server: 'docs' }), /^mcpConnections\.callTool takes \{ server, tool, arguments\? \}: "tool" must be a non-empty string\.$/);
  });

  it('connects a disconnected server first; one that cannot connect rejects saying why', async () => {
    const api = await extensionApi();
    const port = await closedPort();
    await setServers({ docs: { url: docs.url }, down: { url: `http://127.0.0.1:${port}/mcp`, timeoutSeconds: 3 } });
    await waitFor(() => api.manager.get('down'), 'the new server to be listed');
    await api.manager.get('docs')!.disconnect();
    const { text } = await run(Commands.callTool, { server: 'docs', tool: 'add', arguments: { a: 2, b: 3 } });
    assert.ok(text.includes('\n5\n'), text);
    assert.equal(api.manager.get('docs')!.state.kind, 'connected');
    assert.match(await rejection(Commands.callTool, { server: 'down', tool: 'add' }), new RegExp(`^Could not connect to the MCP server "down": Connection refused by 127\\.0\\.0\\.1:${port}`));
    await setServers({ docs: { url: docs.url } });
  });

  it('a session the server forgot is re-initialised under the call', async () => {
    const api = await extensionApi();
    await waitFor(() => api.manager.get('docs')?.state.kind === 'connected', 'docs connected');
    await docs.forgetSessions();
    const { text } = await run(Commands.callTool, { server: 'docs', tool: 'echo', arguments: { text: 'still here' } });
    assert.ok(text.includes('\nstill here\n'), text);
    const state = api.manager.get('docs')!.state;
    assert.ok(state.kind === 'connected' && state.session.reinitialisations >= 1, 'the session was re-initialised');
  });

  it('a slow call shows a progress notification that progress moves; Cancel tells the server', async () => {
    const api = await extensionApi();
    const slow = vscode.commands.executeCommand(Commands.callTool, { server: 'docs', tool: 'slow-count', arguments: { seconds: 30 } });
    const progress = await waitFor(() => api.progressShown().find((p) => p.title === 'Calling slow-count on docs' && p.messages.length > 0), 'the progress notification to move', 10_000);
    assert.match(progress.messages[0], /^Counted to \d+ \(\d+ of 120\)$/);
    const waiting = vscode.commands.executeCommand(Commands.callTool, { server: 'docs', tool: 'wait-for-cancel' });
    const second = await waitFor(() => api.progressShown().find((p) => p.title === 'Calling wait-for-cancel on docs'), 'the second progress notification', 10_000);
    second.cancel();
    progress.cancel();
    for (const call of [waiting, slow]) await assert.rejects(Promise.resolve(call), /: cancelled\.$/);
    await waitFor(() => cancelled.length === 1, 'the server to see notifications/cancelled');
    await waitFor(() => api.logLines().some((l) => /^\[warning\] \[docs\] tools\/call wait-for-cancel — failed after \d+ ms: The request was cancelled\.$/.test(l)), 'the log line');
  });

  it('an elicitation with one question asks in a quick pick; the answer goes back to the server', async () => {
    const api = await extensionApi();
    const call = vscode.commands.executeCommand<vscode.Uri>(Commands.callTool, { server: 'docs', tool: 'confirm-action', arguments: { action: 'archive the logs' } });
    const question = await waitFor(() => api.openQuestion(), 'the question', 10_000);
    assert.equal(question.input.title, 'docs asks: Confirm');
    const pick = question.input as vscode.QuickPick<vscode.QuickPickItem>;
    assert.deepEqual(pick.items.map((i) => i.label), ['Yes', 'No']);
    pick.activeItems = [pick.items[0]];
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const document = await vscode.workspace.openTextDocument(await call);
    assert.ok(document.getText().includes('Done: archive the logs.'), document.getText());
    await waitFor(() => api.logLines().some((l) => l === '[info] [docs] elicitation/create — accepted by the user'), 'the log line');
  });

  it('an elicitation dismissed with Escape is cancelled', async () => {
    const api = await extensionApi();
    const call = vscode.commands.executeCommand<vscode.Uri>(Commands.callTool, { server: 'docs', tool: 'confirm-action' });
    await waitFor(() => api.openQuestion(), 'the question', 10_000);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const document = await vscode.workspace.openTextDocument(await call);
    assert.ok(document.getText().includes('You chose to cancel; nothing was done.'), document.getText());
  });

  it('offers the workspace folders as roots and declines sampling, saying so', async () => {
    const api = await extensionApi();
    // Requests of the server's own need the GET stream: a streaming server.
    const liveSessions: McpServer[] = [];
    const live = await startTestServer({ name: 'live', content: (name) => () => (liveSessions.push(demoContent(name)()), liveSessions.at(-1)!) });
    cleanup.add(() => live.close());
    await setServers({ docs: { url: docs.url }, live: { url: live.url } });
    await waitForDescriptions(api, { live: 'connected · streaming' });
    const session = liveSessions.at(-1)!;
    const { roots } = await session.server.listRoots();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
    assert.ok(folders.length > 0, 'the test workspace has a folder');
    assert.deepEqual(roots, folders);
    await assert.rejects(session.server.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 }), /Sampling is not supported: MCP Connections has no language model to sample with/);
    await waitFor(() => api.logLines().some((l) => l.includes('[live] The server asked for a language-model completion (sampling/createMessage) — declined')), 'the log line');
    await setServers({ docs: { url: docs.url } });
  });
});
