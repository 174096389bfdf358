#!/usr/bin/env node
// UI-level test in the real workbench (VS Code server + headless Chromium): opens the MCP Connections
// view, reads the descriptions a user sees next to each server, and saves a screenshot of the sidebar
// to test-results/sidebar.png. Needs `node esbuild.mjs` first (npm test does it).
// MCP_EXTENSION_PATH=<folder> loads another copy of the extension, e.g. the `extension/` folder of an
// unzipped .vsix, to check what ships.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startWorkbench, waitForWorkbench } from '../vscode/launch.mjs';
import { checkUseSide } from './useSide.ui.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { startDemoServers } = createRequire(import.meta.url)(path.join(root, 'dist/demo.js'));
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });

const demo = await startDemoServers();
const offlineUrl = `http://127.0.0.1:${await freePort()}/mcp`;
const servers = Object.fromEntries(demo.map((d) => [d.name, { url: d.server.url }]));
servers.offline = { url: offlineUrl, timeoutSeconds: 5 };

const expected = {
  'docs-streaming': 'connected · streaming',
  'search-post-only': 'connected · POST-only (GET 404)',
  'strict-accept': 'connected · POST-only (GET 406)',
  'legacy-sse': 'connected · legacy SSE',
  offline: /^error: Connection refused by 127\.0\.0\.1:\d+ — is the server running\?$/,
};

let passed = 0;
let failed = 0;
const extensionPath = process.env.MCP_EXTENSION_PATH ? path.resolve(process.env.MCP_EXTENSION_PATH) : root;
const workbench = await startWorkbench({ extensionDevelopmentPath: extensionPath, userSettings: {
    'mcpConnections.servers': servers,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    // One line of a document is one line on screen, so the test reads documents as they are.
    'editor.wordWrap': 'off',
    '[markdown]': { 'editor.wordWrap': 'off' },
    'editor.minimap.enabled': false,
  },
});
try {
  const { page } = workbench;
  await waitForWorkbench(page);
  await page.locator('.activitybar [aria-label^="MCP Connections"]').first().click();
  const view = page.locator('.pane-body').filter({ has: page.locator('.monaco-list-row') }).first();
  const rows = () =>
    page.$$eval('.monaco-list-row[aria-level="1"]', (elements) =>
      elements.map((row) => ({
        name: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      })),
    );
  const deadline = Date.now() + 60_000;
  let seen = [];
  for (;;) {
    seen = await rows();
    const matches = Object.entries(expected).every(([name, want]) => {
      const description = seen.find((r) => r.name === name)?.description ?? '';
      return typeof want === 'string' ? description === want : want.test(description);
    });
    if (matches) break;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(250); // polling the DOM with a deadline
  }
  for (const [name, want] of Object.entries(expected)) {
    const description = seen.find((r) => r.name === name)?.description ?? '(no row)';
    try {
      if (typeof want === 'string') assert.equal(description, want);
      else assert.match(description, want);
      console.log(`  ✔ ${name}: ${description}`);
      passed++;
    } catch {
      console.log(`  ✗ ${name}: expected ${want}, the view showed "${description}"`);
      failed++;
    }
  }
  await widenSidebar(page, 560);
  const sidebar = page.locator('#workbench\\.parts\\.sidebar');
  await view.waitFor({ timeout: 10_000 }).catch(() => undefined);
  await sidebar.screenshot({ path: path.join(results, 'sidebar.png') });
  await page.screenshot({ path: path.join(results, 'workbench.png') });
  console.log(`Screenshots: ${path.relative(root, path.join(results, 'sidebar.png'))}, ${path.relative(root, path.join(results, 'workbench.png'))}`);

  // Add Server… from the view's title bar, answered through the quick input like a user would.
  const target = demo.find((d) => d.name === 'search-post-only').server.url;
  await page.getByRole('button', { name: 'Add Server…' }).first().click();
  const input = page.locator('.quick-input-widget input[type="text"], .quick-input-widget input:not([type])').first();
  for (const answer of ['typed-by-hand', target, '']) {
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(answer);
    await page.keyboard.press('Enter');
    await page.waitForFunction((value) => document.querySelector('.quick-input-widget input')?.value !== value || !document.querySelector('.quick-input-widget:not([style*="display: none"])'), answer, { timeout: 10_000 }).catch(() => undefined);
  }
  // With a folder open, the last step asks where to save: "User settings" is the first choice.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'User settings' }).first().click({ timeout: 10_000 });
  const addDeadline = Date.now() + 30_000;
  let added;
  while (Date.now() < addDeadline) {
    added = (await rows()).find((r) => r.name === 'typed-by-hand');
    if (added?.description === 'connected · POST-only (GET 404)') break;
    await page.waitForTimeout(250); // polling the DOM with a deadline
  }
  if (added?.description === 'connected · POST-only (GET 404)') {
    console.log(`  ✔ Add Server… through the quick input: typed-by-hand: ${added.description}`);
    passed++;
  } else {
    console.log(`  ✗ Add Server… through the quick input: the view showed ${JSON.stringify(added)}`);
    failed++;
  }

  await widenSidebar(page, 380);
  const use = await checkUseSide(page, { results, docs: path.join(root, 'docs') });
  passed += use.passed;
  failed += use.failed;
} catch (error) {
  console.log(`  ✗ ${error.message}`);
  failed++;
} finally {
  await workbench.stop();
  await Promise.all(demo.map((d) => d.server.close()));
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;

/** Drags the sash between sidebar and editor so the descriptions fit in the screenshot. */
async function widenSidebar(page, width) {
  const box = await page.locator('#workbench\\.parts\\.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + width + 300, y); // away from the sash, so it is not highlighted
}
