import assert from 'node:assert/strict';
import { startTestServer, TestServer } from '../../fixtures/mcpServer';
import { waitFor } from '../../support/wait';
import { extensionApi, setServers } from './helpers';

describe('100 servers at once', function () {
  this.timeout(120_000);
  const healthy: TestServer[] = [];
  let deadUrl: string;

  before(async () => {
    for (let i = 0; i < 5; i++) healthy.push(await startTestServer({ name: `pool-${i}`, get: { status: 404 } }));
    const dead = await startTestServer();
    deadUrl = dead.url;
    await dead.close();
  });

  after(async () => {
    await setServers({});
    await Promise.all(healthy.map((s) => s.close()));
  });

  it('connects the healthy half and shows the failing half as errors', async () => {
    const api = await extensionApi();
    const servers: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) servers[`ok-${i}`] = { url: healthy[i % healthy.length].url };
    for (let i = 0; i < 50; i++) servers[`down-${i}`] = { url: deadUrl, timeoutSeconds: 5 };

    await setServers(servers);
    const nodes = await waitFor(
      () => {
        const snapshot = api.treeSnapshot();
        const settled = snapshot.filter((n) => n.description?.startsWith('connected') || n.description?.startsWith('error'));
        return snapshot.length === 100 && settled.length === 100 ? snapshot : undefined;
      },
      '100 servers to settle',
      90_000,
    );

    const connected = nodes.filter((n) => n.label.startsWith('ok-'));
    assert.ok(connected.every((n) => n.description === 'connected · POST-only (GET 404)'), 'every healthy server connected');
    const failed = nodes.filter((n) => n.label.startsWith('down-'));
    assert.ok(failed.every((n) => /^error: Connection refused/.test(n.description ?? '')), 'every failing server shows why');

    await setServers({});
    await waitFor(() => api.treeSnapshot().length === 0, 'the tree to empty');
    assert.equal(api.manager.all.length, 0);
  });
});
