import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/commands/ids';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { waitFor } from '../../support/wait';
import { extensionApi, node, recordCanary, setServers, userServers, waitForDescriptions } from './helpers';

// HOME is a temporary copy of test/fixtures/importing/integration/home (run-code-server.mjs): a Cursor
// file with one remote and one stdio server. The tests add and remove other clients' files there.
const home = os.homedir();
const claudeJson = path.join(home, '.claude.json');
const cursorJson = path.join(home, '.cursor', 'mcp.json');

function workspaceMcpJson(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs a workspace folder');
  return path.join(folder.uri.fsPath, '.vscode', 'mcp.json');
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

describe('Import Servers… and VS Code’s own mcp.json', function () {
  this.timeout(60_000);
  const token = recordCanary(`import-token-${randomUUID()}`);
  let guarded: TestServer;

  before(async () => {
    assert.ok(path.basename(home).startsWith('mcp-home-'), `HOME (${home}) is not the launcher's temporary fixture folder`);
    assert.ok(fs.existsSync(cursorJson), `the fixture HOME (${home}) has no .cursor/mcp.json`);
    guarded = await startTestServer({ name: 'imported', requireAuthorization: `Bearer ${token}` });
  });

  after(async () => {
    await setServers({});
    await vscode.commands.executeCommand(Commands.clearSecret, { name: 'imported-docs.Authorization' });
    fs.rmSync(claudeJson, { force: true });
    fs.rmSync(workspaceMcpJson(), { force: true });
    await guarded.close();
  });

  it('once no server is configured, the welcome view offers "Import Servers…": the context key is set from the files in HOME', async () => {
    const api = await extensionApi();
    await setServers({}); // the suite starts with a server configured: no welcome view, so no check
    await waitFor(() => api.importable() !== undefined, 'the mcpConnections.importable context key', 10_000);
    assert.equal(api.importable(), true);
  });

  it('imports the chosen server into user settings: its literal token goes to Secret Storage, and it connects with it', async () => {
    const api = await extensionApi();
    await setServers({});
    writeJson(claudeJson, {
      mcpServers: {
        'imported-docs': { type: 'http', url: guarded.url, headers: { Authorization: `Bearer ${token}`, 'X-Home': '${HOME}' } },
        'local-tool': { command: 'npx', args: ['some-mcp-server'] },
      },
    });
    const shown = api.notifications().length;

    await vscode.commands.executeCommand(Commands.importServers, { target: 'user', select: ['imported-docs'] });

    assert.deepEqual(userServers(), {
      'imported-docs': { url: guarded.url, headers: { Authorization: 'Bearer ${secret:imported-docs.Authorization}', 'X-Home': '${env:HOME}' } },
    });
    assert.deepEqual(
      api.notifications().slice(shown).map((n) => n.message),
      ['Imported 1 MCP server into your user settings; 1 secret value moved to Secret Storage; 2 entries skipped.'],
    );
    // The server accepts only the token: connecting proves the stored secret is what the header resolves to.
    await waitForDescriptions(api, { 'imported-docs': /^connected/ });
    assert.ok(guarded.requests.some((r) => r.headers.authorization === `Bearer ${token}` && r.headers['x-home'] === home), 'the server got the token and ${env:HOME}');
    const logged = api.logLines().join('\n');
    assert.match(logged, /\[imported-docs\] imported from Claude Code \(user, ~\/\.claude\.json\): The value of header "Authorization" moves to Secret Storage as "imported-docs\.Authorization"\./);
    assert.match(logged, /Import: "local-tool" in Claude Code \(user, ~\/\.claude\.json\) is skipped — stdio server \(command npx some-mcp-server\)/);

    assert.ok(api.vscodeUserDir, 'the extension found the VS Code User folder');
    const settingsJson = fs.readFileSync(path.join(api.vscodeUserDir, 'settings.json'), 'utf8');
    assert.ok(settingsJson.includes('${secret:imported-docs.Authorization}'), 'settings.json has the reference');
    assert.ok(!settingsJson.includes(token), 'the token is not in settings.json');
    assert.ok(!logged.includes(token) && !JSON.stringify(api.treeSnapshot()).includes(token), 'the token is not in the log or the tree');
  });

  it('run again, what is already configured is not imported twice', async () => {
    const api = await extensionApi();
    const shown = api.notifications().length;
    await vscode.commands.executeCommand(Commands.importServers, { target: 'user', select: ['imported-docs'] });
    assert.deepEqual(Object.keys(userServers() ?? {}), ['imported-docs']);
    assert.deepEqual(api.notifications().slice(shown), [], 'nothing chosen was new: no summary');
  });

  it('from the palette: the preview has the new server checked, Enter and the target pick import it', async () => {
    const api = await extensionApi();
    const shown = api.notifications().length;
    const done = vscode.commands.executeCommand(Commands.importServers);
    // Enter, as a user would, until both quick picks (the preview, then User/Workspace) are answered.
    await waitFor(async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return userServers()?.['fixture-docs'];
    }, 'the preview and the target pick to be accepted', 20_000);
    await done;
    assert.deepEqual(userServers()?.['fixture-docs'], { url: 'http://127.0.0.1:9/mcp' });
    assert.deepEqual(Object.keys(userServers() ?? {}).sort(), ['fixture-docs', 'imported-docs'], 'the server already configured was not imported again');
    assert.deepEqual(
      api.notifications().slice(shown).map((n) => n.message),
      ['Imported 1 MCP server into your user settings; 0 secret values moved to Secret Storage; 2 entries skipped.'],
    );
  });

  it('with no remote server in any file, the welcome view stops offering it and the command says which files it read', async () => {
    const api = await extensionApi();
    const saved = fs.readFileSync(cursorJson, 'utf8');
    fs.rmSync(cursorJson);
    fs.rmSync(claudeJson, { force: true });
    try {
      await setServers({});
      // Any change of our settings rechecks the key while no server is configured.
      const reconnect = vscode.workspace.getConfiguration('mcpConnections.reconnect');
      await reconnect.update('maxAttempts', 6, vscode.ConfigurationTarget.Global);
      await waitFor(() => api.importable() === false, 'the context key to turn false', 10_000);
      await reconnect.update('maxAttempts', undefined, vscode.ConfigurationTarget.Global);
      const shown = api.notifications().length;
      await vscode.commands.executeCommand(Commands.importServers, { target: 'user' });
      const [message] = api.notifications().slice(shown).map((n) => n.message);
      assert.match(message, /^No remote MCP servers to import\. Looked at .*\/\.claude\.json, .*\/\.cursor\/mcp\.json, .*\/\.codeium\/windsurf\/mcp_config\.json, .*\/Claude\/claude_desktop_config\.json\.( None of them exist\.)?$/);
    } finally {
      fs.writeFileSync(cursorJson, saved);
    }
  });

  it("a server also in the workspace's .vscode/mcp.json is flagged in its tooltip and logged once; exposeToChat: false clears the flag", async () => {
    const api = await extensionApi();
    const flag = /Also in chat: VS Code's mcp\.json \\\(workspace workspace\\\) as "docs-there" — its tools would appear twice in chat/;
    const line = `[info] [docs-here] also in VS Code's mcp.json (workspace workspace) as "docs-there" — its tools would appear twice in chat; set "exposeToChat": false here or remove it there`;
    const tooltip = (name: string) => api.treeSnapshot().find((n) => n.label === name)?.tooltip ?? '';
    writeJson(workspaceMcpJson(), { servers: { 'docs-there': { type: 'http', url: guarded.url.replace(/^http:/, 'HTTP:') } } }); // the same URL, written otherwise
    // Offered to chat (enabled), but never connected: the flag is about configuration only.
    await setServers({ 'docs-here': { url: guarded.url, autoConnect: false }, elsewhere: { url: 'http://127.0.0.1:9/other', autoConnect: false } });
    await waitFor(() => flag.test(tooltip('docs-here')), 'the tooltip row', 10_000);
    assert.ok(!tooltip('elsewhere').includes('Also in chat'), node(api, 'elsewhere').tooltip);

    // The file changes (a second server of ours appears in it): flagged too, and the first is not logged again.
    writeJson(workspaceMcpJson(), { servers: { 'docs-there': { type: 'http', url: guarded.url }, other: { url: 'http://127.0.0.1:9/other' } } });
    await waitFor(() => tooltip('elsewhere').includes('Also in chat'), 'the file change to be noticed', 10_000);
    assert.equal(api.logLines().filter((l) => l === line).length, 1, api.logLines().filter((l) => l.includes('also in')).join('\n'));

    await setServers({ 'docs-here': { url: guarded.url, autoConnect: false, exposeToChat: false }, elsewhere: { url: 'http://127.0.0.1:9/other', autoConnect: false } });
    await waitFor(() => !tooltip('docs-here').includes('Also in chat') && tooltip('docs-here') !== '', 'the row to go', 10_000);
  });
});
