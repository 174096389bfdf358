// The use side in the real workbench, as a user works it: Call Tool… from a tool's inline action,
// the form in its webview (fields filled, Call pressed), the result document beside it; a tool whose
// parameters the form cannot show opens in JSON mode. Saves docs/call-tool-form.png and
// docs/tool-result.png (the README's pictures) and copies in test-results/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const TIMEOUT_MS = 15_000;

/** Runs each check; returns how many passed and failed (each printed as ✔/✗ with what the user saw). */
export async function checkUseSide(page, { results, docs }) {
  let passed = 0;
  let failed = 0;
  const check = async (title, body) => {
    try {
      const seen = await body();
      console.log(`  ✔ ${title}${seen ? `: ${seen}` : ''}`);
      passed++;
    } catch (error) {
      console.log(`  ✗ ${title}: ${error.message.split('\n')[0]}`);
      await page.screenshot({ path: path.join(results, `failed-${title.replace(/\W+/g, '-').slice(0, 40)}.png`) }).catch(() => undefined);
      failed++;
    }
  };

  await check('Call Tool… on a tool opens its form; Call shows the result beside it', async () => {
    await revealTool(page, 'docs-streaming', 'Search the docs');
    await clickInline(page, 'Search the docs', 'Call Tool…');
    const form = webview(page);
    await form.locator('#f0 input').fill('sess', { timeout: TIMEOUT_MS });
    await form.locator('#f2 input').fill('3');
    await page.screenshot({ path: path.join(results, 'call-tool-form.png') });
    await form.locator('#call').click();
    const text = await editorText(page, 'search — result.md');
    assert.match(text, /# search on docs-streaming — ok in \d+ ms/, JSON.stringify(text));
    assert.ok(text.includes('sessions (all) — demo://notes/sessions'), text);
    await form.locator('.status', { hasText: /Done in \d+ ms/ }).first().waitFor({ timeout: TIMEOUT_MS });
    await page.screenshot({ path: path.join(results, 'tool-result.png') });
    return 'search — result.md opened';
  });

  await check('a tool the form cannot show opens in JSON mode, and calls with the JSON', async () => {
    await revealTool(page, 'docs-streaming', 'tag-items');
    await clickInline(page, 'tag-items', 'Call Tool…');
    const form = webview(page);
    const json = form.locator('#json-text textarea');
    await json.fill(JSON.stringify({ items: [{ name: 'guide', tags: ['docs', 'new'] }] }), { timeout: TIMEOUT_MS });
    await form.locator('#call').click();
    const text = await editorText(page, 'tag-items — result.md');
    assert.ok(text.includes('guide: docs, new'), text);
    return 'the JSON went through';
  });

  for (const file of ['call-tool-form.png', 'tool-result.png']) {
    if (fs.existsSync(path.join(results, file))) fs.copyFileSync(path.join(results, file), path.join(docs, file));
  }
  return { passed, failed };
}

/** Expands a server and its Tools group until the tool's row shows. */
async function revealTool(page, server, tool) {
  const row = (label) => page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }).first();
  if (!(await row(tool).isVisible().catch(() => false))) {
    for (const label of [server, 'Tools']) {
      const node = row(label);
      await node.waitFor({ timeout: TIMEOUT_MS });
      if ((await node.getAttribute('aria-expanded')) === 'false') await node.click();
    }
  }
  await row(tool).waitFor({ timeout: TIMEOUT_MS });
}

async function clickInline(page, label, action) {
  const row = page.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }).first();
  await row.hover();
  await row.locator(`.action-label[aria-label="${action}"]`).click({ timeout: TIMEOUT_MS });
}

/** The form's document, inside the webview's two frames. */
function webview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Waits for an editor tab with this label and returns the text its editor shows. */
async function editorText(page, label) {
  const tab = page.locator('.tabs-container .tab', { hasText: label }).first();
  await tab.waitFor({ timeout: TIMEOUT_MS });
  await tab.click();
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await lines.waitFor({ timeout: TIMEOUT_MS });
  // Lines are placed by their `top`, not by document order.
  return lines.evaluate((el) =>
    [...el.querySelectorAll('.view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => line.textContent.replace(/\u00a0/g, ' '))
      .join('\n'),
  );
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
