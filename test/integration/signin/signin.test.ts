import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Commands } from '../../../src/commands/ids';
import { waitFor } from '../../support/wait';
import { extensionApi, node, waitForDescriptions } from '../suite/helpers';

// Runs in a VS Code of its own (see run-code-server.mjs), twice: the launcher serves a protected MCP server and an
// authorization server that approves every request, opens the browser tabs `openExternal` asks for, and reloads the
// window between the two runs. $MCP_TEST_SIGNIN_PHASE is a file this suite writes once it has signed in.
const SERVER = 'signed-in';
const phaseFile = process.env.MCP_TEST_SIGNIN_PHASE ?? '';
const afterReload = phaseFile !== '' && fs.existsSync(phaseFile);
const connected = /^connected · /;
const needsSignIn = /^needs sign-in · 127\.0\.0\.1:\d+$/;

(afterReload ? describe.skip : describe)('OAuth sign-in in the real workbench', function () {
  it('shows a server that asks for OAuth as needing sign-in, without opening a browser', async () => {
    assert.ok(phaseFile, 'launched by run-code-server.mjs');
    const api = await extensionApi();
    await waitForDescriptions(api, { [SERVER]: needsSignIn });
    assert.match(node(api, SERVER).contextValue ?? '', /^server:needs-sign-in/);
    assert.ok(api.logLines().some((line) => line.startsWith(`[info] [${SERVER}] `) && /sign-in/i.test(line)), 'the log says sign-in is needed');
  });

  it('signs in through the browser (Sign In), shows progress, and connects', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand(Commands.signIn, SERVER);
    await waitForDescriptions(api, { [SERVER]: connected });
    assert.deepEqual(
      api.progressShown().map((p) => p.title),
      [`Signing in to ${SERVER}…`],
    );
    const tooltip = node(api, SERVER).tooltip ?? '';
    assert.match(tooltip, /OAuth/);
    assert.match(tooltip, /127\.0\.0\.1/);
    assert.match(node(api, SERVER).contextValue ?? '', /^server:connected:signed-in$/);
    const log = api.logLines().filter((line) => line.includes(`[${SERVER}]`));
    assert.ok(log.some((line) => /OAuth: registered client \S+ with http:\/\/127\.0\.0\.1:\d+/.test(line)), `the log names the registration: ${log.join('\n')}`);
    assert.ok(log.some((line) => /Signed in via http:\/\/127\.0\.0\.1:\d+/.test(line)), 'the log says it signed in');
  });

  it('a tool that needs more permissions than were granted: its error offers Sign In, and the server stays connected', async () => {
    const api = await extensionApi();
    const connection = api.manager.get(SERVER);
    const tool = connection?.state.kind === 'connected' ? connection.state.catalog.tools.items.find((t) => t.name === 'whoami') : undefined;
    assert.ok(connection && tool, 'the server lists whoami');
    // What the tree hands the command for the tool's node; its notification waits for a click.
    void vscode.commands.executeCommand(Commands.callTool, { kind: 'item', connection, list: 'tools', item: tool, view: { key: 'whoami', label: 'whoami' } });
    const offered = await waitFor(
      () => api.notifications().find((n) => n.level === 'error' && n.message.includes('"whoami"')),
      'the error of the whoami call',
    );
    assert.deepEqual(offered.actions, ['Sign In', 'Show Log'], offered.message);
    assert.match(offered.message, /sign in/i);
    assert.match(node(api, SERVER).description ?? '', connected);
    fs.writeFileSync(phaseFile, 'signed-in');
  });
});

(afterReload ? describe : describe.skip)('OAuth sign-in after a window reload', function () {
  it('connects with the stored tokens, without a browser', async () => {
    const api = await extensionApi();
    await waitForDescriptions(api, { [SERVER]: connected });
    assert.equal(api.progressShown().length, 0, 'no sign-in was started');
  });

  it('Sign Out forgets the tokens: the server needs sign-in again', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand(Commands.signOut, SERVER, { forgetClient: false });
    await waitForDescriptions(api, { [SERVER]: needsSignIn });
    assert.match(node(api, SERVER).contextValue ?? '', /^server:needs-sign-in/);
    assert.ok(api.logLines().some((line) => line === `[info] [${SERVER}] Signed out`));
  });

  it('a Connect you ask for on a server that needs sign-in offers Sign In, and opens nothing by itself', async () => {
    const api = await extensionApi();
    void vscode.commands.executeCommand(Commands.connect, SERVER); // its notification waits for a click
    const offered = await waitFor(
      () => api.notifications().find((n) => n.level === 'warning' && n.message.startsWith(`The MCP server "${SERVER}" needs you to sign in`)),
      'the notification offering Sign In',
    );
    assert.ok(offered);
    await waitForDescriptions(api, { [SERVER]: needsSignIn });
    assert.equal(api.progressShown().length, 0, 'no sign-in was started');
  });
});
