import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../../src/commands/ids';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { waitFor } from '../../support/wait';
import { extensionApi, setServers, waitForDescriptions, recordCanary } from './helpers';

describe('Secrets', function () {
  const canary = recordCanary(`canary-${randomUUID()}`);
  let guarded: TestServer;

  before(async () => {
    // Requires the canary as its token, and echoes it back in its answer to GET, as careless servers do.
    guarded = await startTestServer({
      name: 'guarded',
      requireAuthorization: `Bearer ${canary}`,
      get: { status: 404, contentType: 'text/plain', body: `No GET here (you sent Authorization: Bearer ${canary})` },
    });
  });

  after(async () => {
    await setServers({});
    await vscode.commands.executeCommand(Commands.clearSecret, { name: 'canary-token' });
    await guarded.close();
  });

  it('never shows a header value: output channel, log files, tree, tooltips, notifications', async () => {
    const api = await extensionApi();
    await vscode.commands.executeCommand(Commands.setSecret, { name: 'canary-token', value: canary });
    await setServers({
      guarded: { url: guarded.url, headers: { Authorization: 'Bearer ${secret:canary-token}' } },
      'guarded-literal': { url: guarded.url, headers: { Authorization: `Bearer wrong-${canary}` } },
    });
    await waitForDescriptions(api, {
      guarded: 'connected · POST-only (GET 404)',
      'guarded-literal': /^error: The server rejected the token in this server's "Authorization" header \(HTTP 401\)/,
    });
    assert.ok(guarded.requests.some((r) => r.headers.authorization === `Bearer ${canary}`), 'the secret was sent to the server');

    const errorsBefore = api.errorsShown().length;
    void vscode.commands.executeCommand(Commands.connect, 'guarded-literal');
    await waitFor(() => api.errorsShown().length > errorsBefore, 'the error notification');

    const logsRoot = path.dirname(path.dirname(api.logUri.fsPath));
    const logFiles = await waitFor(() => {
      const files = listFiles(logsRoot).filter((f) => f.endsWith('.log'));
      return files.some((f) => fs.readFileSync(f, 'utf8').includes('[guarded] GET stream not offered (HTTP 404 Not Found)')) ? files : undefined;
    }, 'the output channel to reach its log file on disk', 15_000);

    const surfaces: Record<string, string> = {
      'output channel': api.logLines().join('\n'),
      'tree (labels, descriptions, tooltips)': JSON.stringify(api.treeSnapshot()),
      notifications: api.notifications().map((n) => n.message).join('\n'),
      ...Object.fromEntries(logFiles.map((f) => [`log file ${path.relative(logsRoot, f)}`, fs.readFileSync(f, 'utf8')])),
    };
    for (const [surface, text] of Object.entries(surfaces)) {
      assert.ok(!text.includes(canary), `the secret appears in the ${surface}`);
    }
    assert.match(JSON.stringify(api.treeSnapshot()), /Last GET fallback: HTTP 404 Not Found/, 'the tooltip shows the fallback, redacted');
  });

  it('a changed secret reconnects the servers that use it, and only those', async () => {
    const api = await extensionApi();
    // Two connected servers: one reads the secret, one carries the same token literally.
    await setServers({
      guarded: { url: guarded.url, headers: { Authorization: 'Bearer ${secret:canary-token}' } },
      'literal-token': { url: guarded.url, headers: { Authorization: `Bearer ${canary}`, 'X-Client': 'literal' } },
    });
    await waitForDescriptions(api, { guarded: 'connected · POST-only (GET 404)', 'literal-token': 'connected · POST-only (GET 404)' });
    const before = guarded.requests.length;
    const initializes = (literal: boolean) =>
      guarded.requests.slice(before).filter((r) => r.method === 'POST' && !r.sessionId && (r.headers['x-client'] === 'literal') === literal).length;

    await vscode.commands.executeCommand(Commands.setSecret, { name: 'canary-token', value: canary });
    await waitFor(() => initializes(false) > 0, 'the server using the secret to reconnect');
    await waitForDescriptions(api, { guarded: 'connected · POST-only (GET 404)' });
    assert.equal(initializes(true), 0, 'the server that does not use the secret was left alone');
  });

});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}
