#!/usr/bin/env node
// FormPanel and askWithForm in a real VS Code (the VS Code server build from code-server, its workbench in
// headless Chromium): a small test extension (panelExtension.ts, bundled here into a temporary extension
// folder with a copy of dist/) opens them from commands; the test runs those commands from the command
// palette, fills the form inside the real webview, and reads what the extension got back from its log.
// Checks the real webview: resources through asWebviewUri and localResourceRoots, the CSP with the real
// cspSource, theme variables, the ready/init/status round trip, restore after hide/show, remembered
// arguments, and every way an elicitation ends. Screenshot: test-results/form-panel.png.
// Needs `node esbuild.mjs` first and the tools from scripts/install-tools.sh vscode.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { startWorkbench, waitForWorkbench } from '../vscode/launch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const TIMEOUT_MS = 30_000;

// ── the test extension ───────────────────────────────────────────────────────────────────────────────
const extensionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-form-panel-ext-'));
const logFile = path.join(extensionDir, 'events.jsonl');
fs.mkdirSync(path.join(extensionDir, 'dist'));
fs.mkdirSync(path.join(extensionDir, 'media'));
for (const file of ['form.js', 'form.css', 'codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(root, 'dist', file), path.join(extensionDir, 'dist', file));
fs.copyFileSync(path.join(root, 'media/mcp-connections.svg'), path.join(extensionDir, 'media/mcp-connections.svg'));
fs.writeFileSync(
  path.join(extensionDir, 'package.json'),
  JSON.stringify({
    name: 'form-panel-test',
    publisher: 'mcp-connections',
    version: '0.0.0',
    engines: { vscode: '^1.100.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
    contributes: {
      commands: [
        { command: 'formTest.openTool', title: 'Open Tool Form', category: 'Form Test' },
        { command: 'formTest.ask', title: 'Ask With Form', category: 'Form Test' },
        { command: 'formTest.abort', title: 'Abort Ask', category: 'Form Test' },
      ],
    },
  }),
);
await esbuild.build({
  entryPoints: [path.join(root, 'test/form/panelExtension.ts')],
  outfile: path.join(extensionDir, 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'warning',
});

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────
function events() {
  try {
    return fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}
async function waitForEvent(predicate, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const found = events().filter(predicate);
    if (found.length) return found.at(-1);
    if (Date.now() > deadline) throw new Error(`no ${what} in the extension's log; it has: ${JSON.stringify(events())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const count = (predicate) => events().filter(predicate).length;

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT_MS });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
}

/** The frame holding our form document whose heading is `title`. */
async function formFrame(page, title) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    for (const frame of page.frames()) {
      const heading = await frame.evaluate(() => document.querySelector('h1.title')?.textContent ?? null).catch(() => null);
      if (heading === title && (await frame.locator('.buttons vscode-button').count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview showing "${title}"`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
async function noFormFrame(page, title) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    let seen = false;
    for (const frame of page.frames()) {
      if ((await frame.evaluate(() => document.querySelector('h1.title')?.textContent ?? null).catch(() => null)) === title) seen = true;
    }
    if (!seen) return;
    if (Date.now() > deadline) throw new Error(`the webview "${title}" is still open`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const statusOf = (frame) => frame.locator('#status').evaluate((el) => el.textContent.trim());
async function waitForStatus(frame, pattern) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = await statusOf(frame);
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`status line "${last}" never matched ${pattern}`);
}

// ── the scenario ─────────────────────────────────────────────────────────────────────────────────────
let passed = 0;
let failed = 0;
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
    passed++;
  } catch (error) {
    console.log(`  ✗ ${name}\n    ${String(error?.stack ?? error).split('\n').slice(0, 10).join('\n    ')}`);
    failed++;
  }
}

const workbench = await startWorkbench({
  extensionDevelopmentPath: extensionDir,
  env: { MCP_FORM_TEST_LOG: logFile },
  userSettings: { 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
});
const cspProblems = [];
workbench.page.on('console', (m) => {
  if (/Content Security Policy|Refused to/.test(m.text())) cspProblems.push(m.text());
});
try {
  const { page } = workbench;
  await waitForWorkbench(page);
  await waitForEvent((e) => e.event === 'activated', 'activation');
  let frame;

  await step('Call Tool form: opens in a webview, renders from the schema, theme and codicons from dist/', async () => {
    await runCommand(page, 'Form Test: Open Tool Form');
    frame = await formFrame(page, 'get_forecast');
    assert.equal(await frame.locator('.subtitle').textContent(), 'weather-server');
    assert.equal(await frame.locator('#f0').evaluate((el) => el.value), '');
    assert.equal(await frame.locator('#f1').evaluate((el) => el.value), '"metric"');
    assert.equal(await frame.locator('[data-field="/city"] .description').textContent(), 'Where to look. <img src=x onerror="window.__xss=1">');
    const look = await frame.evaluate(() => ({
      themeBackground: getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim(),
      bodyBackground: getComputedStyle(document.body).backgroundColor,
      codicons: [...document.fonts].some((f) => f.family.includes('codicon') && f.status === 'loaded'),
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
      scripts: [...document.scripts].map((s) => ({ src: s.src, nonce: s.nonce, text: s.textContent.slice(0, 80) })),
    }));
    assert.ok(look.themeBackground, 'VS Code set --vscode-editor-background');
    const probe = await frame.evaluate((c) => {
      const el = document.createElement('div');
      el.style.color = c;
      document.body.append(el);
      const rgb = getComputedStyle(el).color;
      el.remove();
      return rgb;
    }, look.themeBackground);
    assert.equal(look.bodyBackground, probe, 'the page background is the theme editor background');
    await frame.evaluate(() => document.fonts.ready);
    assert.ok(await frame.evaluate(() => [...document.fonts].some((f) => f.family.includes('codicon') && f.status === 'loaded')), 'codicon font loaded');
    // webview.cspSource is "'self' https://*.vscode-cdn.net" here
    assert.match(look.csp, /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/]+'; style-src [^;']*'self'[^;]*; font-src [^;]+; img-src [^;]+ data:;/);
    assert.doesNotMatch(look.csp, /unsafe/);
    // VS Code puts its own acquireVsCodeApi script first; the only other one is ours, with the nonce
    const ours = look.scripts.filter((x) => !x.text.includes('globalThis.acquireVsCodeApi'));
    assert.equal(ours.length, 1, JSON.stringify(look.scripts));
    assert.match(ours[0].src, /\/dist\/form\.js$/);
    assert.ok(ours[0].nonce && look.csp.includes(`'nonce-${ours[0].nonce}'`));
  });

  await step('Call: the arguments reach onSubmit, the status line says "Calling…" then "Done in N ms"', async () => {
    await frame.locator('#f0 input').fill('Oslo');
    await frame.locator('#f2 input').fill('5');
    await frame.locator('#call').click();
    const submit = await waitForEvent((e) => e.event === 'submit', 'submit');
    assert.deepEqual(submit.args, { city: 'Oslo', units: 'metric', days: 5, alerts: true });
    assert.equal(await statusOf(frame), 'Calling…');
    assert.equal(await frame.locator('#call').evaluate((el) => el.disabled), true, 'no second call while one runs');
    const done = await waitForStatus(frame, /^Done in \d+ ms$/);
    assert.ok(Number(/\d+/.exec(done)[0]) >= 1000, done);
    assert.equal(await frame.locator('#call').evaluate((el) => el.disabled), false);
  });

  await step('a failed call shows the sentence onSubmit gave', async () => {
    await frame.locator('#f0 input').fill('Nowhere');
    await frame.locator('#call').click();
    assert.equal(await waitForStatus(frame, /Nowhere\.$/), 'weather-server: no city called Nowhere.');
    assert.equal(await frame.locator('#status.error').count(), 1);
  });

  await step('a required field left empty is caught in the webview: nothing reaches the extension', async () => {
    const before = count((e) => e.event === 'submit');
    await frame.locator('#f0 input').fill('');
    await frame.locator('#call').click();
    await frame.locator('[data-field="/city"] .error').waitFor({ timeout: TIMEOUT_MS });
    await page.waitForTimeout(500);
    assert.equal(count((e) => e.event === 'submit'), before);
    await frame.locator('#f0 input').fill('Bergen'); // typed, not sent
    await page.screenshot({ path: path.join(results, 'form-panel.png') });
  });

  await step('opening the same tool again reveals that panel', async () => {
    await runCommand(page, 'Form Test: Open Tool Form');
    const open = await waitForEvent((e) => e.event === 'open' && e.revealedExisting !== undefined && count((x) => x.event === 'open') >= 2, 'second open');
    assert.deepEqual([open.revealedExisting, open.sameAsLast], [true, true]);
    const forms = [];
    for (const f of page.frames()) if ((await f.evaluate(() => document.querySelector('h1.title')?.textContent).catch(() => null)) === 'get_forecast') forms.push(f);
    assert.equal(forms.length, 1, 'one panel');
  });

  await step('hidden and shown again (retainContextWhenHidden off: the page reloads), the typed values are kept', async () => {
    await frame.evaluate(() => (window.__beforeHide = true));
    await runCommand(page, 'File: New Untitled Text File');
    await page.waitForTimeout(500);
    await runCommand(page, 'View: Open Previous Editor');
    frame = await formFrame(page, 'get_forecast');
    assert.equal(await frame.evaluate(() => window.__beforeHide), undefined, 'the page was reloaded');
    assert.equal(await frame.locator('#f0').evaluate((el) => el.value), 'Bergen');
    assert.equal(await frame.locator('#f2').evaluate((el) => el.value), '5');
    assert.equal(await waitForStatus(frame, /Nowhere\.$/), 'weather-server: no city called Nowhere.', 'the host re-sends the last call\'s status');
  });

  await step('closed and opened again, the form starts from the remembered arguments of the last successful call', async () => {
    await runCommand(page, 'View: Close Editor');
    await waitForEvent((e) => e.event === 'closed', 'closed');
    await noFormFrame(page, 'get_forecast');
    await runCommand(page, 'Form Test: Open Tool Form');
    frame = await formFrame(page, 'get_forecast');
    assert.equal(await frame.locator('#f0').evaluate((el) => el.value), 'Oslo');
    assert.equal(await frame.locator('#f2').evaluate((el) => el.value), '5');
    await runCommand(page, 'View: Close Editor');
    await noFormFrame(page, 'get_forecast');
  });

  const elicitations = () => count((e) => e.event === 'elicitation');
  async function ask() {
    await runCommand(page, 'Form Test: Ask With Form');
    return formFrame(page, 'weather-server asks');
  }

  await step('elicitation Accept: the content after the schema check, and the panel closes', async () => {
    const f = await ask();
    assert.deepEqual(await f.$$eval('.buttons vscode-button', (bs) => bs.map((b) => b.textContent.trim())), ['Accept', 'Decline', 'Cancel']);
    assert.equal(await f.locator('.head .description').textContent(), 'Which pizza would you like?');
    await f.locator('#accept').click();
    await f.locator('[data-field="/name"] .error').waitFor({ timeout: TIMEOUT_MS });
    assert.equal(elicitations(), 0);
    await f.locator('#f0 input').fill('Ada');
    await f.locator('#f2 vscode-checkbox', { hasText: 'ham' }).click();
    await f.locator('#accept').click();
    const result = await waitForEvent((e) => e.event === 'elicitation', 'elicitation outcome');
    assert.deepEqual(result.outcome, { action: 'accept', content: { name: 'Ada', color: '#f00', toppings: ['ham'] } });
    await noFormFrame(page, 'weather-server asks');
  });

  await step('elicitation Decline and Cancel', async () => {
    let f = await ask();
    await f.locator('#decline').click();
    await waitForEvent((e) => e.event === 'elicitation' && e.outcome.action === 'decline', 'decline');
    await noFormFrame(page, 'weather-server asks');
    f = await ask();
    await f.locator('#cancel').click();
    await waitForEvent((e) => e.event === 'elicitation' && e.outcome.action === 'cancel', 'cancel');
    await noFormFrame(page, 'weather-server asks');
  });

  await step('elicitation: closing the panel is cancel, and so is the request going away (abort)', async () => {
    await ask();
    const before = elicitations();
    await runCommand(page, 'View: Close Editor');
    await waitForEvent(() => elicitations() > before, 'cancel on close');
    assert.deepEqual(events().filter((e) => e.event === 'elicitation').at(-1).outcome, { action: 'cancel' });
    await noFormFrame(page, 'weather-server asks');
    await ask();
    await runCommand(page, 'Form Test: Abort Ask');
    await waitForEvent(() => elicitations() > before + 1, 'cancel on abort');
    assert.deepEqual(events().filter((e) => e.event === 'elicitation').at(-1).outcome, { action: 'cancel' });
    await noFormFrame(page, 'weather-server asks');
  });

  await step('no Content-Security-Policy complaints from the form (the real cspSource allows everything it loads)', async () => {
    assert.deepEqual(cspProblems, []);
  });
} catch (error) {
  console.log(`  ✗ ${error.message}`);
  failed++;
} finally {
  await workbench.stop();
  fs.rmSync(extensionDir, { recursive: true, force: true });
}
console.log('Screenshot: test-results/form-panel.png');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
