'use strict';
const assert = require('assert');
const vscode = require('vscode');

describe('launcher fixture', () => {
  it('runs inside a real extension host with the fixture loaded', async () => {
    assert.strictEqual(typeof vscode.version, 'string');
    await vscode.extensions.getExtension('mcp-connections.mcp-launcher-fixture').activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('fixture.hello'), 'fixture.hello is registered');
  });
});
