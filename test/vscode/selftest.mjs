// Proves test/vscode/launch.mjs works: runs the fixture extension's mocha suite in a real extension
// host, then opens the workbench without tests and screenshots it.
// Usage (from the repo root): node test/vscode/selftest.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionTests, startWorkbench, waitForWorkbench } from './launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const fixture = path.join(here, 'fixture-extension');
const screenshot = path.join(repoRoot, 'test-results', 'workbench-selftest.png');
const failureShot = path.join(repoRoot, 'test-results', 'workbench-selftest-failure.png');
const WORKBENCH_TIMEOUT_MS = 30_000;

async function testPhase() {
  const started = Date.now();
  const results = await runExtensionTests({
    extensionDevelopmentPath: fixture,
    extensionTestsPath: path.join(fixture, 'tests', 'index.js'),
    userSettings: {},
    timeoutMs: 120_000,
  });
  for (const failure of results.failures) console.log(`FAIL ${failure.title}\n${failure.error}\n`);
  console.log(`${results.passed} passed, ${results.failed} failed (${seconds(started)} incl. start-up)`);
  return results.failed === 0 && results.passed > 0;
}

async function uiPhase() {
  const started = Date.now();
  const workbench = await startWorkbench({ extensionDevelopmentPath: fixture, userSettings: {} });
  try {
    console.log(`server up and page loading after ${seconds(started)}`);
    const { page } = workbench;
    await waitForWorkbench(page, WORKBENCH_TIMEOUT_MS);
    console.log(`workbench shown after ${seconds(started)}`);
    await runFixtureCommand(page);
    console.log(`fixture.hello ran from the command palette after ${seconds(started)}`);
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${path.relative(repoRoot, screenshot)}`);
    return true;
  } catch (err) {
    await workbench.page.screenshot({ path: failureShot }).catch(() => {});
    console.error(`UI check failed; screenshot: ${path.relative(repoRoot, failureShot)}`);
    throw err;
  } finally {
    await workbench.stop();
  }
}

// Drives the UI the way a user would, which also proves the development extension is loaded.
async function runFixtureCommand(page) {
  await runFromCommandPalette(page, 'Fixture: Hello', WORKBENCH_TIMEOUT_MS);
  // With the smoke-test driver enabled the workbench shows no notification toasts; read the
  // notification centre (the bell in the status bar) instead.
  await page.locator('[id="status.notifications"]').click();
  const message = page.locator('.notifications-center .notification-list-item-message', {
    hasText: 'Hello from the launcher fixture',
  });
  await message.waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
}

// The palette lists the commands known when it opens; the development extension's contributions
// can arrive after the workbench is restored, so reopen it until the command shows up.
async function runFromCommandPalette(page, title, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await input.fill(`>${title}`, { timeout: timeoutMs });
    try {
      await row.waitFor({ timeout: 2_000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function main() {
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  const testsOk = await testPhase();
  const uiOk = await uiPhase();
  process.exitCode = testsOk && uiOk ? 0 : 1;
}

main().catch((err) => {
  console.error(err && err.stack || err);
  process.exitCode = 1;
});
