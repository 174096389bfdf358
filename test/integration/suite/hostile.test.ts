import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../../src/commands/ids';
import { Cleanup } from '../../support/cleanup';
import { startScriptedServer } from '../../support/scripted';
import { waitFor } from '../../support/wait';
import { extensionApi, node, setServers, waitForDescriptions } from './helpers';

const LINK = '[Open settings](command:workbench.action.openSettings)';

describe('Hostile and sloppy servers in a real VS Code', function () {
  const cleanup = new Cleanup();
  after(async () => {
    await setServers({});
    await cleanup.run();
  });

  it('a list that fails shows as a problem node; the others show; text stays inert', async () => {
    const api = await extensionApi();
    const server = await startScriptedServer(cleanup, {
      name: 'sloppy\nURL: `https://attacker.example`',
      capabilities: { tools: {}, prompts: {} },
      answers: {
        'tools/list': () => ({ error: { code: -32603, message: `tools offline ${LINK}` } }),
        'prompts/list': () => ({ result: { prompts: [{ name: 'twice' }, { name: 'twice' }, { name: 'once' }] } }),
      },
    });
    await setServers({ sloppy: { url: server.url } });
    await waitForDescriptions(api, { sloppy: 'connected · POST-only (GET 405)' });

    const groups = node(api, 'sloppy').children;
    assert.deepEqual(groups.map((g) => [g.label, g.description]), [['Tools', 'failed'], ['Prompts', '2']]);
    assert.deepEqual(groups[0].children.map((c) => c.contextValue), ['problem']);
    assert.match(groups[0].children[0].label, /^Could not list: The server answered with an MCP error: MCP error -32603: tools offline \[Open settings\]\(command:workbench\.action\.openSettings\) — Refresh to try again$/);
    assert.deepEqual(groups[1].children.map((c) => c.label), ['twice', 'once'], 'de-duplicated by name');
    const tooltip = node(api, 'sloppy').tooltip ?? '';
    assert.ok(!tooltip.split('\n').some((line) => line.startsWith('URL: `https://attacker')), tooltip);
    assert.match(tooltip, /Tools: could not be listed/);
  });

  it('a notification quoting a server\'s command link shows it as text, not as a link', async () => {
    const api = await extensionApi();
    const server = await startScriptedServer(cleanup, { capabilities: {}, answers: { initialize: () => ({ error: { code: -32600, message: `refused — ${LINK}` } }) } });
    await setServers({ linky: { url: server.url, autoConnect: false } });
    await waitFor(() => api.manager.get('linky'), 'the server to be listed');
    const before = api.notifications().length;
    void vscode.commands.executeCommand(Commands.connect, 'linky');
    const shown = await waitFor(() => api.notifications().slice(before).find((n) => n.level === 'error'), 'the error notification');
    assert.ok(shown.message.includes('[Open settings]\u200b(command:workbench.action.openSettings)'), shown.message);
    assert.ok(!/\[[^\]]+\]\((?:https?:\/\/|command:|file:)/i.test(shown.message), `VS Code would render a link: ${shown.message}`);
  });
});
