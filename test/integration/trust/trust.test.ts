import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { Commands } from '../../../src/commands/ids';
import { waitFor } from '../../support/wait';
import { extensionApi, node, waitForDescriptions } from '../suite/helpers';

// Runs in a VS Code whose workspace is NOT trusted (see run-code-server.mjs). Halfway through, the
// test asks the launcher to trust the workspace the way a user would (Manage → Trust).
describe('Workspace trust', function () {
  let userServer: TestServer;
  let workspaceServer: TestServer;

  before(async () => {
    userServer = await startTestServer({ name: 'user-level' });
    workspaceServer = await startTestServer({ name: 'workspace-level', get: { status: 404 } });
    const config = vscode.workspace.getConfiguration('mcpConnections');
    await config.update('servers', { 'from-user': { url: userServer.url } }, vscode.ConfigurationTarget.Global);
    await config.update('servers', { 'from-workspace': { url: workspaceServer.url } }, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await Promise.all([userServer?.close(), workspaceServer?.close()]);
  });

  it('lists workspace servers without connecting them until the workspace is trusted', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher opened an untrusted workspace');
    const api = await extensionApi();
    await waitForDescriptions(api, { 'from-user': 'connected · streaming', 'from-workspace': 'disconnected · workspace not trusted' });
    assert.equal(node(api, 'from-workspace').contextValue, 'server:disconnected:untrusted');

    // Asking explicitly does not connect either; it explains why (the warning waits for a click).
    void vscode.commands.executeCommand(Commands.connect, 'from-workspace');
    void vscode.commands.executeCommand(Commands.connectAll);
    await waitForDescriptions(api, { 'from-workspace': 'disconnected · workspace not trusted' });
    assert.equal(workspaceServer.requests.length, 0, 'no request reached the workspace-defined server');
  });

  it('connects the workspace servers once the user trusts the workspace', async () => {
    const api = await extensionApi();
    const signal = process.env.MCP_TEST_TRUST_SIGNAL;
    assert.ok(signal, 'launched by run-code-server.mjs, which trusts the workspace when asked');
    fs.writeFileSync(signal, 'trust please');
    await waitFor(() => vscode.workspace.isTrusted, 'the user to trust the workspace', 60_000);
    await waitForDescriptions(api, { 'from-workspace': 'connected · POST-only (GET 404)', 'from-user': 'connected · streaming' });
    assert.ok(api.logLines().includes('[info] Workspace trusted — connecting the servers it defines'));
  });
});
