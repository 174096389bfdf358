// The extension-tests entry of the VS Code part of `npm run bench`, run inside a real extension host
// by test/vscode/launch.mjs (bench/run.mjs bundles it to bench/tmp/vscode/index.js and writes
// plan.json next to it). It reads the extension's own activation time, times the activate() call,
// and times how long the tree takes to show N loopback servers as connected. It writes
// { passed, failed, failures, ...figures } to $MCP_TEST_RESULTS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

interface Plan {
  /** Servers already in the user settings when VS Code starts. */
  cold: Record<string, { url: string }>;
  /** Server lists applied live, through the setting, one after another. */
  live: { count: number; servers: Record<string, { url: string }> }[];
  /** A loopback URL that answers GET at once (405), to time a bare fetch round trip in the extension host. */
  probeUrl: string;
  timeoutMs: number;
}

interface TreeNode {
  label: string;
  description?: string;
  children: TreeNode[];
}

interface Api {
  activationMs: number;
  treeSnapshot(): TreeNode[];
  manager: { onDidAdd(listener: () => void): { dispose(): void }; onDidChange(listener: () => void): { dispose(): void } };
}

const EXTENSION_ID = 'mcp-connections.mcp-connections';
const POLL_MS = 50;
const FETCH_PROBES = 40;

export async function run(): Promise<void> {
  const results = { passed: 0, failed: 0, failures: [] as { title: string; error: string }[], figures: {} as Record<string, unknown> };
  const check = (title: string, ok: boolean, error: string) => {
    if (ok) results.passed++;
    else {
      results.failed++;
      results.failures.push({ title, error });
    }
  };
  try {
    const plan = JSON.parse(fs.readFileSync(path.join(__dirname, 'plan.json'), 'utf8')) as Plan;
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed`);

    // Cold: the servers are in the settings already; time from the activate() call to the tree showing them.
    const wasActive = extension.isActive;
    const wallBefore = Date.now();
    const t0 = performance.now();
    const api = await extension.activate();
    const activateCallMs = performance.now() - t0;
    const wallAfter = Date.now();
    const coldNames = Object.keys(plan.cold);
    const coldConnectedMs = (await untilConnected(api, coldNames, plan.timeoutMs)) - t0;
    results.figures.activation = {
      activationMs: api.activationMs,
      activateCallMs,
      wasActiveBeforeTests: wasActive,
      activateCallWallClock: { start: wallBefore, end: wallAfter },
      coldServers: coldNames.length,
      coldTreeConnectedMs: wasActive ? null : coldConnectedMs,
    };
    check('activation under 20 ms', api.activationMs < 20, `activate() took ${api.activationMs.toFixed(1)} ms`);
    check(`tree shows the ${coldNames.length} configured servers connected`, Number.isFinite(coldConnectedMs), 'timed out');

    // A bare fetch round trip here, against the same in the launcher's plain Node: what every request pays.
    results.figures.fetchProbe = {
      medianMs: await fetchRoundTrip(plan.probeUrl, FETCH_PROBES),
      hostNode: process.version,
      fetchIsNative: /\[native code\]/.test(Function.prototype.toString.call(fetch)),
    };

    // Live: replace the server list through the setting and time until the tree shows every one connected.
    const config = vscode.workspace.getConfiguration('mcpConnections');
    const live: { count: number; fromSettingMs: number; fromApplyMs: number }[] = [];
    for (const step of plan.live) {
      let appliedAt: number | undefined;
      const added = api.manager.onDidAdd(() => (appliedAt ??= performance.now()));
      const start = performance.now();
      await config.update('servers', step.servers, vscode.ConfigurationTarget.Global);
      const done = await untilConnected(api, Object.keys(step.servers), plan.timeoutMs);
      added.dispose();
      check(`tree shows ${step.count} servers connected after a settings change`, Number.isFinite(done), `timed out; tree: ${describe(api)}`);
      live.push({ count: step.count, fromSettingMs: done - start, fromApplyMs: done - (appliedAt ?? start) });
    }
    results.figures.live = live;
    await config.update('servers', {}, vscode.ConfigurationTarget.Global);
  } catch (error) {
    results.failed++;
    results.failures.push({ title: 'the VS Code benchmark', error: String((error as Error)?.stack ?? error) });
  }
  const target = process.env.MCP_TEST_RESULTS;
  if (target) {
    fs.writeFileSync(`${target}.tmp`, JSON.stringify(results, null, 2));
    fs.renameSync(`${target}.tmp`, target);
  }
}

/**
 * Reads the real tree until exactly `names` are listed, each described "connected …"; returns the
 * time, or Infinity. The tree is read after every change of the model (coalesced) and every 50 ms,
 * so the reading itself adds little work to the extension host.
 */
async function untilConnected(api: Api, names: string[], timeoutMs: number): Promise<number> {
  const wanted = new Set(names);
  const shows = () => {
    const nodes = api.treeSnapshot();
    return nodes.length === wanted.size && nodes.every((n) => wanted.has(n.label) && n.description?.startsWith('connected'));
  };
  if (shows()) return performance.now();
  return new Promise<number>((resolve) => {
    let scheduled = false;
    const check = () => {
      scheduled = false;
      if (shows()) finish(performance.now());
    };
    const changed = api.manager.onDidChange(() => {
      if (!scheduled) {
        scheduled = true;
        setImmediate(check);
      }
    });
    const poll = setInterval(check, POLL_MS);
    const limit = setTimeout(() => finish(Infinity), timeoutMs);
    function finish(at: number) {
      changed.dispose();
      clearInterval(poll);
      clearTimeout(limit);
      resolve(at);
    }
  });
}

/** Median time of `count` sequential GETs, each answer read to the end. */
export async function fetchRoundTrip(url: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await (await fetch(url)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

function describe(api: Api): string {
  return api
    .treeSnapshot()
    .slice(0, 5)
    .map((n) => `${n.label}: ${n.description}`)
    .join('; ');
}
