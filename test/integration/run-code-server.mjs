#!/usr/bin/env node
// Runs the integration suites inside a real VS Code extension host: the VS Code server build from the
// npm package code-server, driven by Debian's Chromium. This is what CI uses.
//   1. test/integration/suite — everything but trust, in a trusted workspace;
//   2. test/integration/trust — in an untrusted workspace; when the suite asks (by writing a signal
//      file), this launcher trusts the workspace through the UI, as a user would (Manage → Trust);
//   3. test/integration/signin — OAuth sign-in through the browser, across a window reload (signInSuite.mjs).
// Needs `node esbuild.mjs` and `npx tsc -p .` first (npm test does both) and the tools
// from scripts/install-tools.sh. MCP_TEST_GREP=<pattern> runs only matching tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runExtensionTests, startWorkbench, waitForWorkbench } from '../vscode/launch.mjs';
import { runSignInSuite } from './signInSuite.mjs';
import { checkStorageForCanaries } from './storageCanaries.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const testsEntry = path.join(root, 'out/test/integration/index.js');
const started = Date.now();

// One server is configured before VS Code starts, so the first test can check that activation
// returns before any connect begins (nothing listens on its port: it is never reached anyway).
const startupServer = { url: `http://127.0.0.1:${await freePort()}/mcp`, timeoutSeconds: 1 };
// The secrets the suite uses, so that what VS Code stored can be searched for them afterwards.
const canaries = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-canaries-')), 'canaries.txt');
// The extension host's HOME: a copy of the fixture files other MCP clients would have there, so
// "Import Servers…" reads those (and the import suite may add files), never this machine's own.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-home-'));
fs.cpSync(path.join(root, 'test/fixtures/importing/integration/home'), home, { recursive: true });
const main = await runExtensionTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: testsEntry,
  userSettings: { 'mcpConnections.servers': { 'at-startup': startupServer }, 'chat.disableAIFeatures': true },
  timeoutMs: 300_000,
  env: { MCP_TEST_CANARIES: canaries, HOME: home },
  afterSuite: (workbench) => checkStorageForCanaries(workbench, canaries),
});
fs.rmSync(path.dirname(canaries), { recursive: true, force: true });
fs.rmSync(home, { recursive: true, force: true });
const trust = await runTrustSuite();
// MCP_TEST_GREP narrows the suites; the sign-in one runs only when the pattern names it.
const grep = process.env.MCP_TEST_GREP;
const signIn = !grep || /sign-in/i.test(grep) ? await runSignInSuite({ root, testsEntry }) : { passed: 0, failed: 0, failures: [] };

const all = [main, trust, signIn];
for (const failure of all.flatMap((r) => r.failures)) console.log(`✗ ${failure.title}\n${failure.error}\n`);
const passed = all.reduce((n, r) => n + r.passed, 0);
const failed = all.reduce((n, r) => n + r.failed, 0);
console.log(`Integration suites in VS Code (code-server) finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;

async function runTrustSuite() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-trust-'));
  const results = path.join(scratch, 'results.json');
  const signal = path.join(scratch, 'trust-signal');
  const workspaceDir = path.join(scratch, 'workspace');
  fs.mkdirSync(workspaceDir);
  const workbench = await startWorkbench({
    extensionDevelopmentPath: root,
    extensionTestsPath: testsEntry,
    workspaceDir,
    userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'chat.disableAIFeatures': true },
    env: { MCP_TEST_RESULTS: results, MCP_TEST_SUITE: 'trust', MCP_TEST_TRUST_SIGNAL: signal },
  });
  try {
    const deadline = Date.now() + 180_000;
    let trusted = false;
    while (Date.now() < deadline) {
      if (fs.existsSync(results)) return JSON.parse(fs.readFileSync(results, 'utf8'));
      if (!trusted && fs.existsSync(signal)) {
        await trustWorkspace(workbench.page);
        trusted = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // polling files with a deadline
    }
    return { passed: 0, failed: 1, failures: [{ title: 'Workspace trust suite', error: `no results within 180 s; server log: ${workbench.serverLog}` }] };
  } finally {
    await workbench.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** What a user does: the "Restricted Mode" status bar item, then "Trust" in the trust editor. */
async function trustWorkspace(page) {
  await waitForWorkbench(page);
  try {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().click({ timeout: 30_000 });
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click({ timeout: 30_000 });
  } catch (error) {
    await page.screenshot({ path: path.join(root, 'test-results', 'trust-failure.png') }).catch(() => undefined);
    throw error;
  }
}
