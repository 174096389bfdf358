// The OAuth sign-in suite (test/integration/signin) in a VS Code of its own: this launcher serves an authorization
// server that approves every request and an MCP server it protects (test/fixtures/authServer), answers what
// code-server's wrapper would (wrapperRoutes.mjs), and reloads the window once the suite has signed in — a signed-in
// server must then connect without a browser. Afterwards, no token the authorization server issued may be found in
// VS Code's plain storage or logs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorkbench } from '../vscode/launch.mjs';
import { serveWrapperRoutes } from '../vscode/wrapperRoutes.mjs';
import { checkStorageForCanaries } from './storageCanaries.mjs';

const PHASE_TIMEOUT_MS = 180_000;

export async function runSignInSuite({ root, testsEntry }) {
  const { startOAuthFixture } = await import(pathToFileURL(path.join(root, 'out/test/fixtures/authServer/index.js')).href);
  // `whoami` needs a scope the first sign-in does not ask for: a step-up, which the tool call must offer Sign In for.
  const fixture = await startOAuthFixture({ stepUp: { 'tools/call:whoami': ['mcp:admin'] } });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-signin-'));
  const results = path.join(scratch, 'results.json');
  const tabs = [];
  let workbench;
  try {
    workbench = await startWorkbench({
      extensionDevelopmentPath: root,
      extensionTestsPath: testsEntry,
      userSettings: { 'mcpConnections.servers': { 'signed-in': { url: fixture.mcpUrl.href } }, 'chat.disableAIFeatures': true },
      env: { MCP_TEST_RESULTS: results, MCP_TEST_SUITE: 'signin', MCP_TEST_SIGNIN_PHASE: path.join(scratch, 'phase') },
      prepareContext: async (context) => {
        await serveWrapperRoutes(context);
        context.on('page', (page) => {
          const tab = { page, requested: undefined };
          page.on('request', (request) => {
            if (!tab.requested && request.isNavigationRequest()) tab.requested = request.url();
          });
          tabs.push(tab);
        });
      },
    });
    const beforeReload = await resultsOf(results, workbench, 'before the reload');
    const tabsOpenedToSignIn = openedTabs(tabs, workbench.page);
    fs.rmSync(results, { force: true });
    await workbench.page.reload({ waitUntil: 'domcontentloaded' });
    const afterReload = await resultsOf(results, workbench, 'after the reload');
    const browserChecks = checkTabs(tabsOpenedToSignIn, openedTabs(tabs, workbench.page), fixture.issuer);
    const canaries = path.join(scratch, 'canaries.txt');
    fs.writeFileSync(canaries, fixture.provider.issuedSecrets().join('\n'));
    const storage = await checkStorageForCanaries(workbench, canaries);
    return merge(beforeReload, afterReload, browserChecks, storage);
  } catch (error) {
    return { passed: 0, failed: 1, failures: [{ title: 'OAuth sign-in suite', error: String(error?.stack ?? error) }] };
  } finally {
    await workbench?.stop();
    await fixture.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The tabs opened besides the workbench, each with the first URL it asked for. */
function openedTabs(tabs, workbenchPage) {
  return tabs.filter((tab) => tab.page !== workbenchPage).map((tab) => tab.requested ?? tab.page.url());
}

/** Sign In opened exactly one tab, on the authorization server; the reload opened none. */
function checkTabs(signInTabs, allTabs, issuer) {
  const title = 'Sign In opened one browser tab, on the authorization server; after the reload no tab opened';
  const issuerPort = new URL(issuer).port;
  const onIssuer = (url) => url.includes(`/proxy/${issuerPort}/authorize`) || url.startsWith(`${issuer}/authorize`) || url.includes('/callback?');
  const ok = signInTabs.length === 1 && allTabs.length === 1 && onIssuer(signInTabs[0]);
  if (!ok) return { passed: 0, failed: 1, failures: [{ title, error: `tabs before the reload: ${JSON.stringify(signInTabs)}; in all: ${JSON.stringify(allTabs)}` }] };
  console.log(`  ✔ ${title}`);
  return { passed: 1, failed: 0, failures: [] };
}

async function resultsOf(file, workbench, when) {
  const deadline = Date.now() + PHASE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
    if (workbench.serverExited()) break;
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling a file with a deadline
  }
  throw new Error(`the sign-in suite reported no results ${when} within ${PHASE_TIMEOUT_MS} ms; server log: ${workbench.serverLog}`);
}

function merge(...all) {
  return { passed: all.reduce((n, r) => n + r.passed, 0), failed: all.reduce((n, r) => n + r.failed, 0), failures: all.flatMap((r) => r.failures) };
}
