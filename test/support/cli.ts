import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './published';

/** The command line as a user runs it: the built bundle (`node esbuild.mjs`), through bin/. */
export const CLI_BIN = join(REPO_ROOT, 'bin', 'mcp-connections.js');
/** A run that takes longer than this is stuck (a handle left open keeps the process alive). */
const CLI_LIMIT_MS = 25_000;

let scratchHome: string | undefined;

/** Where a run keeps sign-ins unless the test says: a directory of this test process, never the user's ~/.config. */
function defaultHome(): string {
  if (!scratchHome) {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-cli-tests-'));
    scratchHome = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratchHome;
}

/** A sign-in a test did not arrange must not open the machine's real browser: this `$BROWSER` cannot be started. */
const NO_BROWSER = '/nonexistent/mcp-connections-tests-open-no-browser';

function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, MCP_CONNECTIONS_HOME: defaultHome(), BROWSER: NO_BROWSER, ...env };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process with only PATH, a scratch MCP_CONNECTIONS_HOME and `env` in its environment; rejects if it does not exit in time. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { cwd: REPO_ROOT, env: cliEnv(env), timeout: CLI_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && error.killed) return reject(new Error(`the CLI did not exit within ${CLI_LIMIT_MS} ms: ${args.join(' ')}\n${stdout}\n${stderr}`));
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A CLI run still going: what it has written to stderr so far, and its end. */
export interface RunningCli {
  stderr(): string;
  done: Promise<CliRun>;
}

/** Like `runCli`, but the test can read stderr while the CLI runs (e.g. the sign-in URL --no-browser prints). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${CLI_LIMIT_MS} ms: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, CLI_LIMIT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { stderr: () => stderr, done };
}

/** The --json output, or a failure that shows what was printed instead. */
export function parseJson<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    assert.fail(`--json printed something that is not JSON:\n${run.stdout}\n${run.stderr}`);
  }
}

/** A usage error as the user sees it: exit 2, nothing on stdout, one sentence then the usage on stderr. Returns the usage lines. */
export function assertUsageError(run: CliRun, args: string[], says: RegExp): string[] {
  assert.equal(run.code, 2, `exit code for ${args.join(' ')}\n${run.stdout}${run.stderr}`);
  assert.equal(run.stdout, '');
  const [first, ...rest] = run.stderr.split('\n');
  assert.match(first, /^mcp-connections: /);
  assert.match(first, says);
  assert.equal(rest[0], 'Usage:');
  return rest;
}
