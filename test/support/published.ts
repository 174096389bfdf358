import { ChildProcess, spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { resolve } from 'node:path';
import { closedPort } from './net';

/** The repository root, from out/test/support. */
export const REPO_ROOT = resolve(__dirname, '../../..');
const LOOPBACK_ONLY = resolve(REPO_ROOT, 'test/faults/servers/loopback-only.cjs');
const SERVER_EVERYTHING = resolve(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** A published MCP server package, run as it is, and how to call one of its tools. */
export interface PublishedKind {
  /** The npm package (pinned in package.json's devDependencies). */
  package: string;
  /** How the package is started for a port; everything listens on 127.0.0.1 only. */
  command(port: number): { args: string[]; env: Record<string, string> };
  tool: { name: string; args: Record<string, unknown>; expected: string };
}

export const PUBLISHED: Record<string, PublishedKind> = {
  'server-everything': {
    package: '@modelcontextprotocol/server-everything',
    // `index.js streamableHttp` takes its port from PORT and listens on every interface: the
    // preload pins it to 127.0.0.1 (the package's code is not changed).
    command: (port) => ({ args: ['--require', LOOPBACK_ONLY, SERVER_EVERYTHING, 'streamableHttp'], env: { PORT: String(port) } }),
    tool: { name: 'get-sum', args: { a: 2, b: 3 }, expected: 'The sum of 2 and 3 is 5.' },
  },
  fastmcp: {
    package: 'fastmcp',
    command: (port) => ({ args: [resolve(REPO_ROOT, 'test/faults/servers/fastmcp-server.mjs')], env: { PORT: String(port) } }),
    tool: { name: 'add', args: { a: 2, b: 3 }, expected: '5' },
  },
  'mcp-proxy': {
    package: 'mcp-proxy',
    // mcp-proxy serves a stdio server over Streamable HTTP: here server-everything's stdio mode.
    command: (port) => ({
      args: [
        resolve(REPO_ROOT, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs'),
        '--host', '127.0.0.1', '--port', String(port), '--server', 'stream', '--',
        process.execPath, SERVER_EVERYTHING, 'stdio',
      ],
      env: {},
    }),
    tool: { name: 'get-sum', args: { a: 2, b: 3 }, expected: 'The sum of 2 and 3 is 5.' },
  },
};

export interface ChildServer {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  /** How long the last start took until the port accepted connections, ms. */
  readonly startupMs: number;
  /** The last few KB the process wrote, for failure messages. */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 3 s) and waits until the port is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT to the whole process group: the kernel still accepts connections, nothing answers. */
  freeze(): void;
  thaw(): void;
}

const running = new Set<ChildProcess>();
// A safety net: whatever happens to the test run, no server outlives it.
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/**
 * Runs `node <args>` as its own process group on a free port of 127.0.0.1 and waits (polling, with
 * a deadline) until the port accepts connections.
 */
export async function startChildServer(name: string, command: (port: number) => { args: string[]; env: Record<string, string> }, path = '/mcp'): Promise<ChildServer> {
  const port = await closedPort();
  let child: ChildProcess | undefined;
  let output = '';
  let startupMs = 0;

  const start = async () => {
    const { args, env } = command(port);
    const started = Date.now();
    output = '';
    const spawned = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a kill reaches the servers it starts too
    });
    child = spawned;
    running.add(spawned);
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
    spawned.stdout?.on('data', keep);
    spawned.stderr?.on('data', keep);
    spawned.once('exit', () => running.delete(spawned));
    const deadline = started + 30_000;
    while (!(await accepts(port))) {
      if (spawned.exitCode !== null || spawned.signalCode !== null) throw new Error(`${name} exited before listening:\n${output}`);
      if (Date.now() > deadline) {
        killGroup(spawned, 'SIGKILL');
        throw new Error(`${name} did not listen on port ${port} within 30 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    startupMs = Date.now() - started;
  };

  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    killGroup(current, 'SIGCONT');
    killGroup(current, 'SIGTERM');
    const timer = setTimeout(() => killGroup(current, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(current, 'SIGKILL'); // whatever it started and left behind in its group
    const deadline = Date.now() + 10_000;
    while (await accepts(port)) {
      if (Date.now() > deadline) throw new Error(`port ${port} still accepts after ${name} stopped`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  await start();
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}${path}`,
    get startupMs() {
      return startupMs;
    },
    output: () => output,
    stop,
    start,
    freeze: () => child && killGroup(child, 'SIGSTOP'),
    thaw: () => child && killGroup(child, 'SIGCONT'),
  };
}

export function startPublished(name: keyof typeof PUBLISHED): Promise<ChildServer> {
  return startChildServer(name, PUBLISHED[name].command);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServerFarm {
  readonly urls: string[];
  stop(): Promise<void>;
}

/**
 * `count` SDK-based test servers in a child process (its own process group), so their work stays
 * off the event loop the tests measure. `mixed`: half stream, half answer GET with 404;
 * `post-only`: GET answered 405, answers as JSON.
 */
export async function startServerFarm(count: number, kind: 'mixed' | 'post-only' = 'mixed'): Promise<ServerFarm> {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'out/test/faults/servers/manyServers.js'), String(count), kind], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const urls = await new Promise<string[]>((done, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the server farm did not start within 30 s: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((text) => text.startsWith('{'));
      if (line && output.includes('\n')) {
        clearTimeout(timer);
        done((JSON.parse(line) as { urls: string[] }).urls);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server farm exited (${code}): ${output}`));
    });
  });
  return {
    urls,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      child.stdin?.destroy();
      child.stdout?.destroy();
    },
  };
}
