// Runs an extension in a real VS Code extension host: the VS Code server build shipped in the npm
// package code-server (started with Node 24), with its workbench opened in headless Chromium through
// playwright-core. See /work/shared/docs/real-vscode.md for why it is done this way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SERVER_START_TIMEOUT_MS = 60_000;
const PAGE_LOAD_TIMEOUT_MS = 60_000;
const BROWSER_CLOSE_TIMEOUT_MS = 10_000;
const SERVER_STOP_GRACE_MS = 5_000;
const POLL_MS = 200;

/** Locates Node 24 and the VS Code server build; throws with the install command if missing. */
export function findTools() {
  const toolsDir = process.env.MCP_TOOLS_DIR || path.join(os.homedir(), '.cache', 'mcp-connections-tools');
  const node24 = path.join(toolsDir, 'node24', 'node_modules', 'node', 'bin', 'node');
  const codeServer = path.join(toolsDir, 'code-server', 'node_modules', 'code-server');
  const serverMain = path.join(codeServer, 'lib', 'vscode', 'out', 'server-main.js');
  const missing = [node24, serverMain, CHROMIUM].filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `VS Code test tools are missing (${missing.join(', ')}); run bash scripts/install-tools.sh vscode`,
    );
  }
  return { toolsDir, node24, codeServer, serverMain, chromium: CHROMIUM };
}

/**
 * Starts a VS Code server (no browser) with the extension under development, for a person to open.
 * Returns { url, port, tmpDir, serverLog, serverExited(), stop() }; `url` opens the workbench with
 * the extension loaded (and its tests run, if `extensionTestsPath` is given).
 */
export async function startVsCodeServer({ extensionDevelopmentPath, extensionTestsPath, userSettings = {}, workspaceDir, env = {}, tmpDir, port }) {
  const tools = findTools();
  const session = { tmpDir: tmpDir ?? makeTmpDir(), server: undefined, browser: undefined };
  liveSessions.add(session);
  const stop = once(() => stopSession(session));
  try {
    const dirs = prepareDirs(session.tmpDir, userSettings, workspaceDir);
    const chosenPort = port ?? (await freePort());
    session.server = startServer(tools, dirs, chosenPort, env);
    await waitForHttp(`http://127.0.0.1:${chosenPort}/`, session.server);
    return {
      url: workbenchUrl(chosenPort, dirs.workspace, extensionDevelopmentPath, extensionTestsPath),
      port: chosenPort,
      tmpDir: session.tmpDir,
      serverLog: dirs.serverLog,
      serverExited: () => session.server.exited,
      session,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts a VS Code server plus a headless browser showing its workbench with the extension loaded.
 * `tmpDir` (optional) is the scratch folder for all state; it is created if absent and always
 * removed by stop(). `prepareContext(context)` (optional) runs on the browser context before the page
 * opens. Returns { page, browser, url, port, tmpDir, serverLog, consoleErrors, serverExited(), stop() }.
 */
export async function startWorkbench(options) {
  const server = await startVsCodeServer(options);
  try {
    const browser = await chromium.launch({ executablePath: findTools().chromium, args: CHROMIUM_ARGS });
    server.session.browser = browser;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Routes and listeners that must be in place before the workbench loads (e.g. what code-server's wrapper serves).
    await options.prepareContext?.(context);
    const page = await context.newPage();
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(server.url, { waitUntil: 'domcontentloaded', timeout: PAGE_LOAD_TIMEOUT_MS });
    const { session, ...rest } = server;
    return { ...rest, page, browser, consoleErrors };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function stopSession(session) {
  await closeBrowser(session.browser);
  if (session.server) await killGroup(session.server.pid);
  fs.rmSync(session.tmpDir, { recursive: true, force: true, maxRetries: 3 });
  liveSessions.delete(session);
}

/**
 * Runs the mocha suite at extensionTestsPath (a module exporting run(), see
 * fixture-extension/tests/index.js) inside the extension host and returns
 * { passed, failed, failures: [{ title, error }] }.
 */
export async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  userSettings,
  timeoutMs = 120_000,
  env = {},
  afterSuite,
}) {
  const deadline = Date.now() + timeoutMs;
  findTools();
  const tmpDir = makeTmpDir();
  const resultsFile = path.join(tmpDir, 'results.json');
  const workbench = await startWorkbench({
    extensionDevelopmentPath,
    extensionTestsPath,
    userSettings,
    env: { ...env, MCP_TEST_RESULTS: resultsFile },
    tmpDir,
  });
  try {
    const results = await waitForResults(resultsFile, workbench, deadline);
    if (!results) throw new Error(failureReport(workbench, timeoutMs));
    // Checks of what the suite left behind (e.g. in the workbench's storage), counted as tests of their own.
    if (afterSuite) {
      const extra = await afterSuite(workbench);
      return { passed: results.passed + extra.passed, failed: results.failed + extra.failed, failures: [...results.failures, ...extra.failures] };
    }
    return results;
  } finally {
    await workbench.stop();
  }
}

/**
 * Resolves once the workbench has reached its Restored lifecycle phase, through the smoke-test
 * driver (window.driver) that --enable-smoke-test-driver installs in the page.
 */
export async function waitForWorkbench(page, timeoutMs = PAGE_LOAD_TIMEOUT_MS) {
  await page.waitForFunction(() => globalThis.driver, undefined, { timeout: timeoutMs });
  const restored = page.evaluate(() => globalThis.driver.whenWorkbenchRestored());
  await withTimeout(restored, timeoutMs, 'workbench restore');
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
}

function makeTmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-vscode-launch-'));
}

function prepareDirs(tmpDir, userSettings, workspaceDir) {
  const dirs = {
    serverData: path.join(tmpDir, 'server-data'),
    userData: path.join(tmpDir, 'user-data'),
    extensions: path.join(tmpDir, 'extensions'),
    workspace: workspaceDir || path.join(tmpDir, 'workspace'),
    serverTmp: path.join(tmpDir, 'tmp'),
    serverLog: path.join(tmpDir, 'server.log'),
  };
  // code-server keeps the browser workbench's user settings on the server under --user-data-dir;
  // <server-data-dir>/data/User/settings.json is never read (checked: trust and theme ignored there).
  const userDir = path.join(dirs.userData, 'User');
  for (const dir of [userDir, dirs.serverData, dirs.extensions, dirs.workspace, dirs.serverTmp]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const settings = { 'security.workspace.trust.enabled': false, ...userSettings };
  fs.writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  return dirs;
}

/** A port on 127.0.0.1 that nothing listens on right now (it was just released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Spawns the server detached (own process group) with stdout/stderr going to dirs.serverLog. */
function startServer(tools, dirs, port, env) {
  const args = [
    tools.serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--server-data-dir', dirs.serverData,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
  ];
  const logFd = fs.openSync(dirs.serverLog, 'a');
  const child = spawn(tools.node24, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // The server leaves its vscode-ipc-*.sock files in XDG_RUNTIME_DIR or TMPDIR; keep them in tmpDir.
    env: { ...inheritedEnv(), TMPDIR: dirs.serverTmp, XDG_RUNTIME_DIR: dirs.serverTmp, ...env },
  });
  fs.closeSync(logFd);
  const server = { pid: child.pid, exited: false };
  child.once('exit', () => (server.exited = true));
  child.once('error', () => (server.exited = true));
  return server;
}

// When the launcher itself runs inside VS Code (a terminal, a debug session), its VSCODE_* and
// ELECTRON_RUN_AS_NODE variables would leak into the server and confuse it; drop them.
function inheritedEnv() {
  const leaks = (name) => name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE';
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !leaks(name)));
}

async function waitForHttp(url, server) {
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exited) throw new Error(`VS Code server exited during start-up; see its log`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await delay(POLL_MS);
    }
  }
  throw new Error(`VS Code server did not answer ${url} within ${SERVER_START_TIMEOUT_MS} ms`);
}

function workbenchUrl(port, workspaceDir, extensionDevelopmentPath, extensionTestsPath) {
  const remote = (file) => `vscode-remote://127.0.0.1:${port}${path.resolve(file)}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(extensionTestsPath.replace(/\.js$/, ''))]);
  }
  const query = `folder=${encodeURIComponent(path.resolve(workspaceDir))}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `http://127.0.0.1:${port}/?${query}`;
}

function collectConsoleErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err && err.stack || err)));
  return errors;
}

/** Polls for the results file; returns the parsed results, or undefined at the deadline. */
async function waitForResults(resultsFile, workbench, deadline) {
  while (Date.now() < deadline) {
    const results = readJson(resultsFile);
    if (results) return results;
    if (workbench.serverExited()) return undefined;
    await delay(POLL_MS);
  }
  return undefined;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not there yet
  }
}

function failureReport(workbench, timeoutMs) {
  const reason = workbench.serverExited()
    ? 'the VS Code server exited before the tests reported results'
    : `no test results within ${timeoutMs} ms`;
  const sections = [`Extension tests failed: ${reason}.`];
  sections.push(`--- server log (last lines) ---\n${tail(workbench.serverLog, 40)}`);
  for (const log of extensionHostLogs(workbench.tmpDir)) {
    sections.push(`--- ${path.relative(workbench.tmpDir, log)} (last lines) ---\n${tail(log, 40)}`);
  }
  const consoleErrors = workbench.consoleErrors.slice(-20).join('\n') || '(none)';
  sections.push(`--- browser console errors ---\n${consoleErrors}`);
  return sections.join('\n');
}

// The extension host writes its own log (activation errors, run() failures) under
// user-data/logs/<timestamp>/exthost<N>/remoteexthost.log.
function extensionHostLogs(tmpDir) {
  const logsDir = path.join(tmpDir, 'user-data', 'logs');
  return listFiles(logsDir).filter((file) => path.basename(file) === 'remoteexthost.log');
}

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function closeBrowser(browser) {
  if (!browser) return;
  await Promise.race([browser.close().catch(() => {}), delay(BROWSER_CLOSE_TIMEOUT_MS)]);
}

/** SIGTERM the whole process group, then SIGKILL whatever is left after the grace period. */
async function killGroup(pgid) {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await groupGone(pgid, Date.now() + SERVER_STOP_GRACE_MS)) return;
  signalGroup(pgid, 'SIGKILL');
  await groupGone(pgid, Date.now() + SERVER_STOP_GRACE_MS);
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

async function groupGone(pgid, deadline) {
  while (Date.now() < deadline) {
    if (!signalGroup(pgid, 0)) return true;
    await delay(POLL_MS);
  }
  return false;
}

// The server runs detached, so it would outlive this process if that ended early (an uncaught
// error, Ctrl-C); kill whatever is still running and remove its files on the way out.
const liveSessions = new Set();
process.once('exit', () => {
  for (const session of liveSessions) {
    if (session.server) signalGroup(session.server.pid, 'SIGKILL');
    fs.rmSync(session.tmpDir, { recursive: true, force: true });
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function once(fn) {
  let promise;
  return () => (promise ??= fn());
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
