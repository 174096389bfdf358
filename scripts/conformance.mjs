#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, client mode) against
// test/conformance/client.ts — our TolerantTransport under the SDK Client, in strict mode (any error
// that reaches client.onerror exits the client non-zero, which fails the scenario).
//
//   npm run test:conformance                      installs the tools, then runs this script
//   node scripts/conformance.mjs [scenario…]      only the named scenarios (default: all of them)
//
// Each client scenario runs ONE AT A TIME (`conformance client --scenario <name>`), because `--suite`
// ignores the client's exit code. The auth/* scenarios of the auth, backcompat and draft groups count;
// those tagged [extension] (client credentials, cross-app access: grants this client does not offer)
// are run and listed with their status, and do not count.
// Results land in test-results/conformance/<scenario>/<scenario>-<timestamp>/{checks.json,stdout.txt,stderr.txt}.
//
// The same run with the stock SDK transport (shows that strict mode does fail; not part of npm test):
//
//   MCP_CONFORMANCE_STOCK=1 node scripts/conformance.mjs
//
// Environment: MCP_TOOLS_DIR (as scripts/install-tools.sh), MCP_CONFORMANCE_TIMEOUT_MS (per scenario,
// default 45000; the client's own global timeout is 30000, MCP_CONFORMANCE_CLIENT_TIMEOUT_MS),
// MCP_CONFORMANCE_CLIENT_NODE (Node that runs the client; default: the Node running this script).
//
// The last line is exactly "N passed, N failed"; the exit code is non-zero if any scenario failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = process.env.MCP_TOOLS_DIR || path.join(os.homedir(), '.cache', 'mcp-connections-tools');
const node24 = path.join(toolsDir, 'node24', 'node_modules', 'node', 'bin', 'node');
const conformanceBin = path.join(toolsDir, 'conformance', 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const clientSource = path.join(root, 'test', 'conformance', 'client.ts');
const clientJs = path.join(root, 'out', 'test', 'conformance', 'client.js');
const resultsDir = path.join(root, 'test-results', 'conformance');
const scenarioTimeoutMs = Number(process.env.MCP_CONFORMANCE_TIMEOUT_MS || 45_000);
const clientNode = process.env.MCP_CONFORMANCE_CLIENT_NODE || process.execPath;
const stock = process.env.MCP_CONFORMANCE_STOCK === '1';

function die(message) {
  console.error(`conformance: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

for (const [what, file] of [
  ['Node 24', node24],
  ['the conformance package', conformanceBin],
]) {
  if (!existsSync(file)) die(`${what} is missing (${file}); run: bash scripts/install-tools.sh conformance`);
}

// The runner needs Node >= 22; Node 24 goes first on PATH for the runner only, not for this script
// or the client.
const runnerEnv = { ...process.env, PATH: `${path.dirname(realpathSync(node24))}${path.delimiter}${process.env.PATH ?? ''}` };

/** Runs a command to completion (bounded), collecting its output. */
function run(command, args, { env = process.env, timeoutMs } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL'); // its own process group: the runner and the client it started
          } catch {
            child.kill('SIGKILL');
          }
        }, timeoutMs)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}\n${error.message}`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), signal, stdout, stderr, timedOut });
    });
  });
}

// ---- compile the client ------------------------------------------------------------------------------
// Only client.ts and what it imports, with the project's tsconfig.json settings (emits to out/):
// the conformance run must not depend on unrelated files that other work may have half-finished.
function compileClient() {
  const require = createRequire(import.meta.url);
  const ts = require('typescript');
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) die('cannot read tsconfig.json');
  const program = ts.createProgram([clientSource], { ...parsed.options, noEmit: false });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
  if (diagnostics.length > 0) {
    console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
    die(`compiling ${path.relative(root, clientSource)} failed`);
  }
  if (!existsSync(clientJs)) die(`${path.relative(root, clientJs)} was not emitted`);
}

// ---- scenarios ---------------------------------------------------------------------------------------

async function listClientScenarios() {
  const result = await run(node24, [conformanceBin, 'list', '--client'], { env: runnerEnv, timeoutMs: 30_000 });
  if (result.code !== 0) die(`conformance list --client failed (exit ${result.code}):\n${result.stderr}`);
  const names = [];
  const tags = new Map();
  let inClient = false;
  for (const line of result.stdout.split('\n')) {
    if (/^Client scenarios/i.test(line)) inClient = true;
    else if (/^\S/.test(line)) inClient = false;
    const match = inClient && /^\s+-\s+(\S+)(?:\s+\[([^\]]*)\])?/.exec(line);
    if (match) {
      names.push(match[1]);
      tags.set(match[1], (match[2] ?? '').split(',').map((tag) => tag.trim()));
    }
  }
  if (names.length === 0) die(`conformance list --client listed no scenarios:\n${result.stdout}`);
  return { names, tags };
}

/** The newest checks.json under `outDir` (the runner nests an auth/… scenario's results one folder deeper). */
function readChecks(outDir) {
  if (!existsSync(outDir)) return undefined;
  const found = [];
  const walk = (dir, depth) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const sub = path.join(dir, entry.name);
      if (existsSync(path.join(sub, 'checks.json'))) found.push(sub);
      else if (depth < 2) walk(sub, depth + 1);
    }
  };
  walk(outDir, 0);
  const last = found.sort((a, b) => path.basename(a).localeCompare(path.basename(b))).at(-1);
  if (!last) return undefined;
  try {
    return { dir: last, checks: JSON.parse(readFileSync(path.join(last, 'checks.json'), 'utf8')) };
  } catch {
    return undefined;
  }
}

async function runScenario(name) {
  const outDir = path.join(resultsDir, name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const quote = (s) => (/^[\w./:@+-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`);
  const command = `${quote(clientNode)} ${quote(clientJs)}`;
  const started = Date.now();
  const result = await run(
    node24,
    [conformanceBin, 'client', '--command', command, '--scenario', name, '-o', outDir, '--timeout', String(scenarioTimeoutMs)],
    { env: { ...runnerEnv, MCP_CONFORMANCE_STOCK: stock ? '1' : '0' }, timeoutMs: scenarioTimeoutMs + 30_000 },
  );
  const ms = Date.now() - started;
  const console_ = `${result.stdout}\n${result.stderr}`;
  const overall = /OVERALL: (PASSED|FAILED)/.exec(console_)?.[1];
  const clientExit = /Client exited with code (-?\d+)/.exec(console_)?.[1];
  const clientTimedOut = /Client timed out after/.test(console_);
  const saved = readChecks(outDir);
  const checks = saved?.checks ?? [];
  const count = (status) => checks.filter((c) => c.status === status).length;
  const failures = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
  const passed = !result.timedOut && result.code === 0 && overall === 'PASSED' && saved !== undefined && failures.length === 0;

  const notes = [];
  if (result.timedOut) notes.push(`runner killed after ${scenarioTimeoutMs + 30_000} ms`);
  if (clientTimedOut) notes.push(`client timed out after ${scenarioTimeoutMs} ms`);
  if (clientExit) notes.push(`client exit ${clientExit}`);
  if (!overall && !result.timedOut) notes.push(`no OVERALL line (runner exit ${result.code})`);
  if (!saved) notes.push('no checks.json');
  for (const c of failures) notes.push(`${c.status} ${c.id}: ${c.errorMessage ?? c.description}`);
  if (clientExit) {
    const stderrFile = saved && path.join(saved.dir, 'stderr.txt');
    const stderr = stderrFile && existsSync(stderrFile) ? readFileSync(stderrFile, 'utf8') : '';
    const error = stderr.split('\n').find((l) => / error: /.test(l));
    if (error) notes.push(error.replace(/^\[conformance-client\]\s+\d+ ms error: /, ''));
  }
  return {
    name,
    passed,
    ms,
    checks: `${count('SUCCESS')}/${count('SUCCESS') + count('FAILURE')}${count('WARNING') ? ` (${count('WARNING')} warn)` : ''}`,
    notes,
    dir: saved?.dir ?? outDir,
    console: console_,
  };
}

// ---- main --------------------------------------------------------------------------------------------

const totalStarted = Date.now();
compileClient();
const { names: all, tags } = await listClientScenarios();
const requested = process.argv.slice(2);
for (const name of requested) if (!all.includes(name)) die(`unknown client scenario "${name}" (known: ${all.join(', ')})`);
/** The suite's `extensions` group: listed with their status, not counted. */
const isExtension = (name) => tags.get(name)?.includes('extension') ?? false;
const toRun = requested.length > 0 ? requested : all;

console.log(`MCP conformance (client mode), ${all.length} client scenarios; running ${toRun.length} one at a time with the ${stock ? 'STOCK SDK transport' : 'TolerantTransport'} in strict mode (auth/*: our Connection, an in-memory token store, a headless browser)`);
console.log(`client: ${clientNode} (${process.version}) ${path.relative(root, clientJs)}; runner: Node 24; per-scenario timeout ${scenarioTimeoutMs} ms\n`);

const results = [];
for (const name of toRun) {
  process.stdout.write(`  ${name} … `);
  const result = await runScenario(name);
  results.push(result);
  console.log(`${result.passed ? 'passed' : 'FAILED'} (${(result.ms / 1000).toFixed(1)} s)`);
  if (!result.passed && process.env.MCP_CONFORMANCE_VERBOSE === '1') console.log(result.console);
}

const width = Math.max(...all.map((name) => name.length), 'scenario'.length);
const row = (name, status, checks, time, notes) => `${name.padEnd(width)}  ${status.padEnd(30)}  ${checks.padEnd(12)}  ${time.padStart(7)}  ${notes}`;
console.log(`\n${row('scenario', 'result', 'checks', 'time', 'notes / results')}`);
console.log('-'.repeat(width + 70));
for (const r of results) {
  const status = `${r.passed ? 'PASSED' : 'FAILED'}${isExtension(r.name) ? ' (extension, not counted)' : ''}`;
  console.log(row(r.name, status, r.checks, `${(r.ms / 1000).toFixed(1)} s`, r.passed ? path.relative(root, r.dir) : r.notes.join('; ')));
}

const counted = results.filter((r) => !isExtension(r.name));
const passed = counted.filter((r) => r.passed).length;
const failed = counted.length - passed;
const extensions = results.filter((r) => isExtension(r.name));
const extensionNote = extensions.length ? `Extensions (not counted): ${extensions.map((r) => `${r.name} ${r.passed ? 'passed' : 'failed'}`).join(', ')}. ` : '';
console.log(`\n${extensionNote}Total time ${((Date.now() - totalStarted) / 1000).toFixed(1)} s.`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
