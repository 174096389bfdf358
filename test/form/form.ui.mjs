#!/usr/bin/env node
// The Call Tool form webview (dist/form.js) in a real browser: Debian's Chromium driven by playwright-core,
// the page being exactly the document FormPanel builds (formHtml, with its Content-Security-Policy),
// served from loopback, with VS Code's webview API stubbed to record what the form posts (harness.mjs).
// Saves screenshots to test-results/form-harness.png and form-elicitation.png (Dark Modern colours).
// Needs `node esbuild.mjs && npx tsc -p .` first. Last line: "N passed, N failed".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startHarness, theme, webviewStub } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
for (const file of ['form.js', 'form.css', 'codicon.css', 'codicon.ttf']) {
  if (!fs.existsSync(path.join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run node esbuild.mjs first`);
}
const { formCsp } = await import(path.join(root, 'out/src/form/formHtml.js'));

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT_MS = 10_000;

/** A tool schema with one of each kind of field. Element ids follow schema order: city f0, units f1, … */
const RICH = {
  type: 'object',
  properties: {
    city: { type: 'string', title: 'City', description: 'Where to look.', minLength: 2 },
    units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric', description: 'Unit system' },
    days: { type: 'integer', minimum: 1, maximum: 14, default: 3 },
    threshold: { type: 'number', exclusiveMinimum: 0 },
    alerts: { type: 'boolean', default: true, description: 'Include severe weather alerts' },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    email: { type: 'string', format: 'email' },
    when: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    colors: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue'] } },
    options: {
      type: 'object',
      title: 'Options',
      description: 'Advanced settings',
      properties: { verbose: { type: 'boolean' }, depth: { type: 'integer' }, label: { type: 'string', default: 'x' } },
      required: ['verbose'],
    },
  },
  required: ['city', 'days'],
  additionalProperties: false,
};
const ID = { city: 'f0', units: 'f1', days: 'f2', threshold: 'f3', alerts: 'f4', tags: 'f5', email: 'f6', when: 'f7', at: 'f8', colors: 'f9', options: 'f10', verbose: 'f11', depth: 'f12', label: 'f13' };

const INIT = { type: 'init', title: 'get_forecast', subtitle: 'weather-server', description: 'Gets the forecast for a city.', schema: RICH, mode: 'tool' };

const ELICIT = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Your name', minLength: 1 },
    size: { type: 'string', enum: ['s', 'm', 'l'], enumNames: ['Small', 'Medium', 'Large'], default: 'm' },
    color: { type: 'string', title: 'Colour', oneOf: [{ const: '#f00', title: 'Red' }, { const: '#00f', title: 'Blue' }] },
    toppings: { type: 'array', title: 'Toppings', items: { type: 'string', enum: ['cheese', 'ham', 'olives'] }, minItems: 1, maxItems: 2 },
    agree: { type: 'boolean', title: 'I agree to the terms' },
  },
  required: ['name', 'color', 'toppings'],
};

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────
async function open(page, init = INIT) {
  await page.goto(harness.url);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), null, { timeout: TIMEOUT_MS });
  await send(page, init);
  await page.locator('.buttons vscode-button').first().waitFor({ timeout: TIMEOUT_MS });
  await page.evaluate(() => document.fonts.ready);
}
const send = (page, message) => page.evaluate((m) => window.postMessage(m, '*'), message);
const posted = (page) => page.evaluate(() => window.__posted);
const submits = async (page) => (await posted(page)).filter((m) => m.type === 'submit');
const waitForPosted = (page, type, count = 1) =>
  page.waitForFunction(([t, n]) => window.__posted.filter((m) => m.type === t).length >= n, [type, count], { timeout: TIMEOUT_MS });
const input = (page, id) => page.locator(`#${id} input`);
const text = (page, selector) => page.locator(selector).first().evaluate((el) => el.textContent.replace(/\s+/g, ' ').trim());
const errorOf = (page, pointer) => text(page, `[data-field="${pointer}"] .error`);
const violations = (page) => page.evaluate(() => window.__violations);
/** The value the element itself holds (vscode-textfield, -single-select, -textarea, -checkbox). */
const prop = (page, id, name) => page.locator(`#${id}`).evaluate((el, n) => el[n], name);
/** Elements with this tag anywhere, shadow roots included. */
const countDeep = (page, tag) =>
  page.evaluate((t) => {
    let n = 0;
    const walk = (node) => {
      for (const el of node.querySelectorAll('*')) {
        if (el.localName === t) n++;
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return n;
  }, tag);
async function chooseByKeyboard(page, id, steps) {
  await page.locator(`#${id}`).focus();
  await page.keyboard.press('ArrowDown'); // opens the list on the current choice
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}
async function setJson(page, value) {
  await page.locator('#json-text textarea').fill(typeof value === 'string' ? value : JSON.stringify(value));
}
const quiet = (page) => page.waitForTimeout(300); // for asserting that nothing was posted

// ── tests ────────────────────────────────────────────────────────────────────────────────────────────
test('renders every field of a rich schema: labels, required marks, defaults, descriptions, hints', async (page) => {
  await open(page);
  const fields = await page.$$eval('[data-field]', (els) =>
    els.map((el) => ({
      field: el.dataset.field,
      label: (el.querySelector(':scope > vscode-label, :scope > vscode-checkbox, :scope > legend')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      required: el.querySelector(':scope > vscode-label')?.hasAttribute('required') || !!el.querySelector(':scope > legend .required, :scope > vscode-checkbox .required'),
      description: el.querySelector(':scope > .description')?.textContent ?? null,
      hint: el.querySelector(':scope > .hint')?.textContent ?? null,
    })),
  );
  assert.deepEqual(
    fields.map((f) => [f.field, f.label, f.required]),
    [
      ['/city', 'City', true],
      ['/units', 'units', false],
      ['/days', 'days', true],
      ['/threshold', 'threshold', false],
      ['/alerts', 'alerts', false],
      ['/tags', 'tags', false],
      ['/email', 'email', false],
      ['/when', 'when', false],
      ['/at', 'at', false],
      ['/colors', 'colors', false],
      ['/options', 'Options', false],
      ['/options/verbose', 'verbose*', true],
      ['/options/depth', 'depth', false],
      ['/options/label', 'label', false],
    ],
  );
  const by = Object.fromEntries(fields.map((f) => [f.field, f]));
  assert.equal(by['/city'].description, 'Where to look.');
  assert.equal(by['/alerts'].description, 'Include severe weather alerts');
  assert.equal(by['/days'].hint, 'A whole number from 1 to 14');
  assert.equal(by['/options/label'].hint, 'Default: "x"');
  assert.equal(await text(page, 'h1.title'), 'get_forecast');
  assert.equal(await text(page, '.subtitle'), 'weather-server');
  assert.equal(await page.title(), 'get_forecast');
  // defaults filled, types and placeholders as the formats say
  assert.equal(await prop(page, ID.units, 'value'), '"metric"');
  assert.equal(await prop(page, ID.days, 'value'), '3');
  assert.equal(await prop(page, ID.alerts, 'checked'), true);
  assert.equal(await input(page, ID.email).getAttribute('type'), 'email');
  assert.equal(await input(page, ID.when).getAttribute('type'), 'date');
  assert.equal(await input(page, ID.at).getAttribute('placeholder'), 'e.g. 2025-01-31T14:30:00Z');
  assert.equal(await page.locator(`#${ID.units} vscode-option`).count(), 3); // (not set), metric, imperial
  assert.equal(await page.locator(`#${ID.colors} vscode-checkbox`).count(), 3);
  // the first field has the focus
  assert.equal(await page.evaluate(() => document.activeElement?.id), ID.city);
  // codicons come from the shipped font
  assert.ok(await page.evaluate(() => [...document.fonts].some((f) => f.family.includes('codicon') && f.status === 'loaded')), 'codicon font loaded');
});

test('typing and choosing values, then Call, posts the arguments; the status line shows what the host says', async (page) => {
  await open(page);
  await input(page, ID.city).fill('Oslo');
  await chooseByKeyboard(page, ID.units, 1); // metric → imperial
  await input(page, ID.days).fill('7');
  await input(page, ID.threshold).fill('2.5');
  await page.locator(`#${ID.alerts}`).click(); // default true → false
  await page.locator(`#${ID.tags} vscode-button.add`).click();
  await page.keyboard.type('first'); // the new item has the focus
  await page.locator(`#${ID.tags} vscode-button.add`).click();
  await input(page, `${ID.tags}-1`).fill('second');
  await input(page, ID.email).fill('ada@example.com');
  await input(page, ID.when).fill('2025-02-03');
  await page.locator(`#${ID.colors} vscode-checkbox`, { hasText: 'green' }).click();
  await page.locator(`#${ID.verbose}`).click();
  await input(page, ID.depth).fill('2');
  await page.locator('#call').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, {
    city: 'Oslo',
    units: 'imperial',
    days: 7,
    threshold: 2.5,
    alerts: false,
    tags: ['first', 'second'],
    email: 'ada@example.com',
    when: '2025-02-03',
    colors: ['green'],
    options: { verbose: true, depth: 2 },
  });
  assert.equal(await text(page, '#status'), 'Calling…');
  assert.equal(await prop(page, 'call', 'disabled'), true);
  await page.locator('#call').click({ force: true });
  await quiet(page);
  assert.equal((await submits(page)).length, 1, 'no second submit while busy');
  await send(page, { type: 'status', state: 'busy', message: 'Calling…' });
  await send(page, { type: 'status', state: 'ok', message: 'Done in 182 ms' });
  await page.waitForFunction(() => document.querySelector('#status')?.textContent.includes('Done in 182 ms'));
  assert.equal(await prop(page, 'call', 'disabled'), false);
  await send(page, { type: 'status', state: 'error', message: 'weather-server answered: city not found.' });
  await page.waitForFunction(() => document.querySelector('#status.error')?.textContent.includes('city not found'));
  assert.equal(await violations(page).then((v) => v.length), 0);
});

test('a required empty field blocks Call with a message, and the focus goes to it', async (page) => {
  await open(page);
  await page.locator('#call').click();
  await quiet(page);
  assert.equal((await submits(page)).length, 0);
  assert.equal(await errorOf(page, '/city'), 'Required.');
  assert.equal(await text(page, '#status'), 'One value needs fixing.');
  assert.equal(await page.evaluate(() => document.activeElement?.id), ID.city);
  assert.equal(await prop(page, ID.city, 'invalid'), true);
  await input(page, ID.city).fill('X');
  assert.equal(await page.locator('[data-field="/city"] .error').count(), 0, 'typing clears the message');
  await input(page, ID.days).fill('99');
  await page.locator('#call').click();
  await quiet(page);
  assert.equal((await submits(page)).length, 0);
  assert.equal(await errorOf(page, '/city'), 'Must be at least 2 characters.');
  assert.equal(await errorOf(page, '/days'), 'Must be at most 14.');
  assert.equal(await text(page, '#status'), '2 values need fixing.');
  await input(page, ID.city).fill('Xi');
  await input(page, ID.days).fill('14');
  await page.locator('#call').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { city: 'Xi', units: 'metric', days: 14, alerts: true });
  await page.screenshot({ path: path.join(results, 'form-harness-sent.png'), fullPage: true });
});

test('keyboard: Tab goes through the controls in order; Enter in a text field and Ctrl+Enter submit', async (page) => {
  await open(page);
  await page.keyboard.type('Bergen'); // the city field has the focus
  const order = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id));
  }
  assert.deepEqual(order, [ID.units, ID.days, ID.threshold, ID.alerts]);
  await page.keyboard.press('Space'); // unchecks alerts
  await input(page, ID.city).press('Enter');
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { city: 'Bergen', units: 'metric', days: 3, alerts: false });
  await send(page, { type: 'status', state: 'ok', message: 'Done in 5 ms' });
  await page.waitForFunction(() => document.querySelector('#status')?.textContent.includes('Done'));
  await input(page, ID.at).focus();
  await page.keyboard.press('Control+Enter');
  await waitForPosted(page, 'submit', 2);
});

test('Edit as JSON: shows the current values; invalid JSON says where; switching back fills the form', async (page) => {
  await open(page);
  await input(page, ID.city).fill('Oslo');
  await page.locator('#json-toggle').click();
  const shown = JSON.parse(await prop(page, 'json-text', 'value'));
  assert.deepEqual(shown, { city: 'Oslo', units: 'metric', days: 3, alerts: true });
  await setJson(page, '{\n  "city": "Bergen",\n  "days": 5,\n}');
  await page.locator('#json-toggle').click();
  assert.match(await text(page, '#json-problems'), /^Not valid JSON at line 4, column 1: .+\.$/);
  assert.equal(await page.locator('#json-text').count(), 1, 'still in JSON mode');
  await setJson(page, { city: 'Bergen', days: 5, nope: 1 });
  await page.locator('#json-toggle').click();
  assert.match(await text(page, '#json-problems'), /The form cannot show nope \(not a field of this form\)/);
  await setJson(page, { city: 'Bergen', days: 5, tags: ['x'], options: { verbose: true } });
  await page.locator('#json-toggle').click();
  await page.locator(`#${ID.city}`).waitFor();
  assert.equal(await prop(page, ID.city, 'value'), 'Bergen');
  assert.equal(await prop(page, ID.days, 'value'), '5');
  assert.equal(await prop(page, ID.units, 'value'), '', 'not in the JSON, so not set');
  assert.equal(await prop(page, `${ID.tags}-0`, 'value'), 'x');
  assert.equal(await prop(page, ID.verbose, 'checked'), true);
  // Call from JSON mode: checked against the schema, the problems listed
  await page.locator('#json-toggle').click();
  await setJson(page, { city: 'Bergen', days: 99, extra: true });
  await page.locator('#call').click();
  await quiet(page);
  assert.equal((await submits(page)).length, 0);
  assert.deepEqual(await page.$$eval('#json-problems li', (lis) => lis.map((li) => li.textContent.trim())), [
    'days: must be at most 14.',
    'extra: not allowed here: the schema has no such field.',
  ]);
  await setJson(page, { city: 'Bergen', days: 9 });
  await page.keyboard.press('Control+Enter');
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { city: 'Bergen', days: 9 });
});

test('a schema the form cannot show opens in JSON mode, naming what it cannot show', async (page) => {
  const schema = {
    type: 'object',
    properties: {
      filter: { anyOf: [{ type: 'string' }, { type: 'object', properties: { q: { type: 'string' } } }] },
      rows: { type: 'array', items: { type: 'object', properties: { a: { type: 'integer' } } } },
      limit: { type: 'integer', default: 10, maximum: 50 },
    },
    required: ['rows'],
  };
  await open(page, { ...INIT, schema });
  assert.equal(await page.locator('#json-text').count(), 1);
  assert.equal(await prop(page, 'json-toggle', 'disabled'), true);
  assert.equal(await prop(page, 'json-toggle', 'checked'), true);
  const note = await text(page, '#unsupported-note');
  assert.ok(note.includes('anyOf at filter') && note.includes('array of objects at rows'), note);
  assert.deepEqual(JSON.parse(await prop(page, 'json-text', 'value')), { limit: 10 }, 'starts from the defaults');
  assert.ok((await text(page, 'details.schema pre')).includes('"anyOf"'));
  await page.locator('#call').click();
  await quiet(page);
  assert.deepEqual(await page.$$eval('#json-problems li', (lis) => lis.map((li) => li.textContent.trim())), ['rows: required.']);
  await setJson(page, { filter: { q: 'x' }, rows: [{ a: 1 }], limit: 20 });
  await page.locator('#call').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { filter: { q: 'x' }, rows: [{ a: 1 }], limit: 20 });
});

test('titles, descriptions, names and choices from the server are shown as literal text, never as markup', async (page) => {
  const evil = '<img src=x onerror="window.__xss=1"> [link](command:foo) <b>bold</b> <script>window.__xss=2</script>';
  const schema = {
    type: 'object',
    properties: {
      '<img src=x onerror="window.__xss=3">': { type: 'string', description: evil },
      pick: { type: 'string', title: '<a href="command:foo">Pick</a>', enum: ['<img src=x onerror="window.__xss=4">'], enumNames: ['<b>choice</b>'] },
      grp: { type: 'object', title: '<i>group</i>', properties: { x: { type: 'boolean', title: '<u>u</u>' } } },
    },
  };
  const dialogs = [];
  page.on('dialog', (d) => (dialogs.push(d.message()), d.dismiss()));
  await open(page, { ...INIT, title: '<img src=x onerror="window.__xss=5">Title', subtitle: '<b>srv</b>', description: evil, schema });
  assert.equal(await text(page, '[data-field="/<img src=x onerror=\\"window.__xss=3\\">"] .description'), evil);
  assert.equal(await text(page, '.head .description'), evil);
  assert.equal(await text(page, 'h1.title'), '<img src=x onerror="window.__xss=5">Title');
  assert.equal(await text(page, '[data-field="/<img src=x onerror=\\"window.__xss=3\\">"] vscode-label'), '<img src=x onerror="window.__xss=3">');
  assert.equal(await text(page, '[data-field="/pick"] vscode-label'), '<a href="command:foo">Pick</a>');
  assert.equal(await text(page, '[data-field="/pick"] vscode-option:nth-of-type(2)'), '<b>choice</b>');
  assert.equal(await text(page, '[data-field="/grp"] legend'), '<i>group</i>');
  for (const tag of ['img', 'a', 'b', 'i', 'u']) assert.equal(await countDeep(page, tag), 0, `no <${tag}> element`);
  assert.equal(await countDeep(page, 'script'), 1, 'only the form script');
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(dialogs, []);
  // …and in JSON mode, the schema shown as text too
  await page.locator('#json-toggle').click();
  assert.ok((await text(page, 'details.schema pre')).includes('<img src=x'));
  assert.equal(await countDeep(page, 'img'), 0);
});

test("the page's CSP (FormPanel's HTML builder) blocks inline scripts, inline handlers and scripts without the nonce; the form itself needs none", async (page) => {
  await open(page);
  await input(page, ID.city).fill('Oslo');
  await page.locator(`#${ID.tags} vscode-button.add`).click();
  await page.locator('#json-toggle').click();
  await page.locator('#json-toggle').click();
  await page.locator('#call').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual(await violations(page), [], 'rendering and using the form broke no rule');
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const nonce = /'nonce-([^']+)'/.exec(meta)?.[1];
  assert.equal(meta, formCsp(harness.origin, nonce));
  assert.doesNotMatch(meta, /unsafe/);
  // Scripts and handlers added by the driver through the DevTools protocol are still subject to the CSP:
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.head.append(s);
    const holder = document.createElement('div');
    holder.innerHTML = '<img src="/dist/missing.png" onerror="window.__handler = true">';
    document.body.append(holder);
  });
  await page.waitForFunction(() => window.__violations.length >= 2, null, { timeout: TIMEOUT_MS });
  assert.equal(await page.evaluate(() => window.__inline), undefined, 'inline script did not run');
  assert.equal(await page.evaluate(() => window.__handler), undefined, 'inline handler did not run');
  const directives = (await violations(page)).map((v) => v.directive);
  assert.ok(directives.includes('script-src-elem'), directives.join());
  assert.ok(directives.includes('script-src-attr'), directives.join());
  // a script from elsewhere, even same-origin, without the nonce: blocked
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.src = '/dist/form.js?again';
    document.head.append(s);
  });
  await page.waitForFunction(() => window.__violations.some((v) => v.blocked.includes('again')), null, { timeout: TIMEOUT_MS });
});

test('the CSP, tried from page code at load (csp-probe.js): no eval, no new Function, no string timers, no inline script or handler', async (page) => {
  await page.goto(`${harness.url}?probe`);
  await page.waitForFunction(() => window.__probe && window.__violations.length >= 4, null, { timeout: TIMEOUT_MS });
  await page.waitForTimeout(100);
  assert.deepEqual(await page.evaluate(() => window.__probe), { eval: 'EvalError', function: 'EvalError', inlineRan: false, handlerRan: false, timerRan: false });
  const directives = (await violations(page)).map((v) => v.directive).sort();
  assert.deepEqual([...new Set(directives)], ['script-src', 'script-src-attr', 'script-src-elem'], directives.join());
  // the form still works next to it
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await send(page, INIT);
  await page.locator('#call').waitFor();
});

test('a hidden and shown panel (the page reloads) keeps its values, also before the host answers', async (page) => {
  await open(page);
  await input(page, ID.city).fill('Tromsø');
  await input(page, ID.days).fill('9');
  await page.locator(`#${ID.colors} vscode-checkbox`, { hasText: 'blue' }).click();
  await page.reload();
  await page.locator(`#${ID.city}`).waitFor({ timeout: TIMEOUT_MS }); // restored from setState, no init yet
  assert.equal(await prop(page, ID.city, 'value'), 'Tromsø');
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await send(page, INIT); // the host answers ready with the same init
  await page.waitForTimeout(100);
  assert.equal(await prop(page, ID.city, 'value'), 'Tromsø');
  assert.equal(await prop(page, ID.days, 'value'), '9');
  await page.locator('#call').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { city: 'Tromsø', units: 'metric', days: 9, alerts: true, colors: ['blue'] });
  // another schema (the tool changed): start over from it
  await send(page, { ...INIT, schema: { type: 'object', properties: { q: { type: 'string', default: 'new' } } }, values: {} });
  await page.waitForFunction(() => document.querySelector('#f0')?.value === 'new');
});

test('remembered arguments (init values) go over the defaults', async (page) => {
  await open(page, { ...INIT, values: { city: 'Paris', units: 'imperial', tags: ['a'], options: { verbose: true } } });
  assert.equal(await prop(page, ID.city, 'value'), 'Paris');
  assert.equal(await prop(page, ID.units, 'value'), '"imperial"');
  assert.equal(await prop(page, ID.days, 'value'), '3');
  assert.equal(await prop(page, `${ID.tags}-0`, 'value'), 'a');
  assert.equal(await prop(page, ID.verbose, 'checked'), true);
});

test('elicitation: Accept posts the content after the schema check; Decline and Cancel post their answers', async (page) => {
  const init = { type: 'init', title: 'weather-server asks', subtitle: 'Elicitation', description: 'Tell us about your order.', schema: ELICIT, mode: 'elicitation' };
  await open(page, init);
  assert.deepEqual(await page.$$eval('.buttons vscode-button', (bs) => bs.map((b) => b.textContent.trim())), ['Accept', 'Decline', 'Cancel']);
  assert.equal(await page.locator('#call').count(), 0);
  await page.locator('#accept').click();
  await quiet(page);
  assert.equal((await submits(page)).length, 0);
  assert.equal(await errorOf(page, '/name'), 'Required.');
  assert.equal(await errorOf(page, '/toppings'), 'Needs at least 1 item.');
  await input(page, 'f0').fill('Ada');
  await chooseByKeyboard(page, 'f2', 2); // the titled single-select (oneOf const/title): Choose… → Red → Blue
  for (const t of ['cheese', 'ham', 'olives']) await page.locator('#f3 vscode-checkbox', { hasText: t }).click();
  assert.equal(await page.locator('.field .error').count(), 0);
  assert.equal(await text(page, '#status'), '', 'the "values need fixing" line goes once every message is gone');
  await page.screenshot({ path: path.join(results, 'form-elicitation.png'), fullPage: true });
  await page.locator('#accept').click();
  await quiet(page);
  assert.equal(await errorOf(page, '/toppings'), 'Takes at most 2 items.');
  await page.locator('#f3 vscode-checkbox', { hasText: 'olives' }).click();
  await page.locator('#accept').click();
  await waitForPosted(page, 'submit');
  assert.deepEqual((await submits(page))[0].arguments, { name: 'Ada', size: 'm', color: '#00f', toppings: ['cheese', 'ham'] });
  await send(page, { type: 'status', state: 'idle', message: '' });
  await page.locator('#decline').click();
  await waitForPosted(page, 'decline');
  await page.locator('#cancel').click();
  await waitForPosted(page, 'cancel');
});

test('screenshot: the rich form with values and a message, Dark Modern colours', async (page) => {
  await page.setViewportSize({ width: 760, height: 900 });
  await open(page, { ...INIT, description: 'Gets the forecast for a city. Descriptions are plain text: <b>not bold</b>, [not a link](command:foo).' });
  await input(page, ID.city).fill('Oslo');
  await input(page, ID.days).fill('21');
  await page.locator(`#${ID.tags} vscode-button.add`).click();
  await page.keyboard.type('coast');
  await page.locator(`#${ID.colors} vscode-checkbox`, { hasText: 'green' }).click();
  await page.locator('#call').click();
  await page.locator('[data-field="/days"] .error').waitFor();
  await page.locator('body').click({ position: { x: 700, y: 5 } }); // no focus ring in the picture
  await page.screenshot({ path: path.join(results, 'form-harness.png'), fullPage: true });
  // The colours follow the theme's variables (VS Code changes them on <html> when the theme changes).
  const colours = () =>
    page.evaluate(() => ({
      page: getComputedStyle(document.body).backgroundColor,
      button: getComputedStyle(document.querySelector('#call').shadowRoot.querySelector('.base')).backgroundColor,
      error: getComputedStyle(document.querySelector('.error')).color,
    }));
  assert.deepEqual(await colours(), { page: 'rgb(31, 31, 31)', button: 'rgb(0, 120, 212)', error: 'rgb(248, 81, 73)' });
  await page.evaluate(() => {
    const style = document.documentElement.style;
    style.setProperty('--vscode-editor-background', '#fffffe');
    style.setProperty('--vscode-button-background', '#005fb8');
    style.setProperty('--vscode-errorForeground', '#a1260d');
  });
  assert.deepEqual(await colours(), { page: 'rgb(255, 255, 254)', button: 'rgb(0, 95, 184)', error: 'rgb(161, 38, 13)' });
});

// ── runner ───────────────────────────────────────────────────────────────────────────────────────────
const harness = await startHarness();
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-form-ui-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
  viewport: { width: 800, height: 1000 },
});
context.setDefaultTimeout(TIMEOUT_MS);
await context.addInitScript(webviewStub, theme);
const grep = process.env.MCP_TEST_GREP ? new RegExp(process.env.MCP_TEST_GREP) : undefined;
let passed = 0;
let failed = 0;
try {
  for (const { name, fn } of tests) {
    if (grep && !grep.test(name)) continue;
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Content Security Policy|Refused to|Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
    const started = Date.now();
    try {
      await fn(page);
      assert.deepEqual(problems, [], 'no errors on the page');
      console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
      passed++;
    } catch (error) {
      console.log(`  ✗ ${name}\n    ${String(error?.stack ?? error).split('\n').slice(0, 12).join('\n    ')}`);
      failed++;
    } finally {
      await page.close();
    }
  }
} finally {
  await context.close();
  await harness.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`Screenshots: test-results/form-harness.png, test-results/form-elicitation.png`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
