// Proves test/vscode/launch.mjs works: runs the fixture extension's mocha suite in a real extension
// host, then opens the workbench without tests and screenshots it.
// Usage (from the repo root): node test/vscode/selftest.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionTests, startWorkbench } from './launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const fixture = path.join(here, 'fixture-extension');
const screenshot = path.join(repoRoot, 'test-results', 'workbench-selftest.png');
const WORKBENCH_TIMEOUT_MS = 60_000;

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
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
    console.log(`workbench shown after ${seconds(started)}`);
    await runFixtureCommand(page);
    console.log(`fixture.hello ran from the command palette after ${seconds(started)}`);
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    console.log(`screenshot: ${path.relative(repoRoot, screenshot)}`);
    return true;
  } finally {
    await workbench.stop();
  }
}

// Drives the UI the way a user would, which also proves the development extension is loaded.
async function runFixtureCommand(page) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  await input.fill('>Fixture: Hello');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Fixture: Hello' }).first()
    .waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: 'Hello from the launcher fixture' })
    .waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function main() {
  const testsOk = await testPhase();
  const uiOk = await uiPhase();
  process.exitCode = testsOk && uiOk ? 0 : 1;
}

main().catch((err) => {
  console.error(err && err.stack || err);
  process.exitCode = 1;
});
