// The loopback measurements of `npm run bench` (bench/run.mjs bundles this file and runs it with
// `node --expose-gc`). Every comparison is between variants interleaved round-robin in this one
// process, with the order rotated every round, so a noisy machine slows all variants alike.
// The MCP servers run in a child process (bench/servers.ts), so their work is not on this event loop.
//   node --expose-gc loopback.js main <out.json>           connect, overhead, scale, re-initialisation
//   node --expose-gc loopback.js memory <N> <out.json>     heap and RSS per idle connection (fresh process)
import { fork, ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { ChatProxy } from '../src/chat/chatProxy';
import { silentLogger } from '../src/common/logger';
import { DEFAULT_GLOBAL_SETTINGS, ServerEntry } from '../src/config/serverConfig';
import { validateServer } from '../src/config/validate';
import { Connection } from '../src/connections/connection';
import { CONCURRENT_CONNECTS, ConnectionManager } from '../src/connections/connectionManager';
import type { TestServerOptions } from '../test/fixtures/mcpServer';
import { createHeaderSource } from '../src/config/headerValues';
import { resolveEndpoint } from '../src/transport/endpoint';
import { TolerantTransport, TolerantTransportOptions } from '../src/transport/tolerantTransport';
import type { FetchLike } from '../src/transport/types';

const CLIENT_INFO = { name: 'mcp-connections-bench', version: '0.0.0' };
const SETTLE_LIMIT_MS = 5000;
const IDLE_MS = 6000;
const gc = (globalThis as { gc?: () => void }).gc;

// ---- the server process ---------------------------------------------------------------------------

interface Started {
  key: number;
  url: string;
  port: number;
}

class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Per set of servers, how many of their requests earlier takes have seen. */
  private readonly marks = new Map<string, number[]>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      const waiting = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id!);
      if (m.error) waiting.reject(new Error(m.error));
      else waiting.resolve(m.result);
    });
  }

  static async start(): Promise<ServerProcess> {
    const child = fork(path.join(__dirname, 'servers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
    });
    return new ServerProcess(child);
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, ...args });
    });
  }

  start(servers: TestServerOptions[]): Promise<Started[]> {
    return this.call('start', { servers });
  }

  /** Request methods each server received since the previous take. */
  async take(keys: number[]): Promise<string[][]> {
    const marks = this.marks.get(keys.join(',')) ?? keys.map(() => 0);
    const methods = await this.call<string[][]>('since', { keys, marks });
    this.marks.set(keys.join(','), marks.map((m, i) => m + methods[i].length));
    return methods;
  }

  async stop(): Promise<void> {
    await this.call('closeAll').catch(() => undefined);
    this.child.disconnect();
  }
}

// ---- statistics -----------------------------------------------------------------------------------

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return {
    n: sorted.length,
    median: median(sorted),
    p95: at(0.95),
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * median(a) / median(b), with a 95% bootstrap interval over rounds (a[i] and b[i] come from the same
 * round, so they are resampled together).
 */
function ratio(a: number[], b: number[]): { ratio: number; low: number; high: number } {
  const n = Math.min(a.length, b.length);
  let seed = 12345; // mulberry32: the same resamples every run
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const samples: number[] = [];
  for (let s = 0; s < 400; s++) {
    const ra: number[] = [];
    const rb: number[] = [];
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      ra.push(a[j]);
      rb.push(b[j]);
    }
    samples.push(median(ra) / median(rb));
  }
  samples.sort((x, y) => x - y);
  return { ratio: median(a) / median(b), low: samples[Math.floor(0.025 * samples.length)], high: samples[Math.ceil(0.975 * samples.length) - 1] };
}

/** Runs every task once per round, rotating the order each round; returns the samples of the kept rounds. */
async function interleave<K extends string>(tasks: Record<K, () => Promise<number>>, rounds: number, warmup: number): Promise<Record<K, number[]>> {
  const keys = Object.keys(tasks) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + round) % keys.length];
      const value = await tasks[key]();
      if (round >= warmup) samples[key].push(value);
    }
  }
  return samples;
}

function reinitialisationsOf(connection: Connection): number {
  return connection.state.kind === 'connected' ? connection.state.session.reinitialisations : 0;
}

function entry(name: string, url: string): ServerEntry {
  return validateServer(name, { url }, 'user');
}

function newConnection(name: string, url: string, fetch?: FetchLike): Connection {
  return new Connection(entry(name, url), {
    logger: silentLogger,
    settings: DEFAULT_GLOBAL_SETTINGS,
    headers: createHeaderSource(async () => undefined, {}),
    clientInfo: CLIENT_INFO,
    transport: { fetch },
  });
}

function settled(transport: TolerantTransport): Promise<void> {
  return transport.whenModeKnown(SETTLE_LIMIT_MS);
}

function tolerantTransport(server: string, url: string, options: Partial<TolerantTransportOptions> = {}): TolerantTransport {
  return new TolerantTransport({ server, endpoint: resolveEndpoint(url), ...options });
}

/** The stock SDK transport, with a fetch that says when its GET was answered (the SDK has no event for a 405). */
function stockTransport(url: string): { transport: StreamableHTTPClientTransport; getAnswered: Promise<void> } {
  let answered!: () => void;
  const getAnswered = new Promise<void>((resolve) => (answered = resolve));
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if ((init?.method ?? 'GET') === 'GET') answered();
      return response;
    },
  });
  return { transport, getAnswered };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collect(): void {
  gc?.();
  gc?.();
}

// ---- the server kinds -----------------------------------------------------------------------------

const KINDS: { id: string; label: string; options: TestServerOptions }[] = [
  { id: 'streaming', label: 'streaming (GET 200 SSE)', options: { name: 'bench-streaming', get: 'stream' } },
  {
    id: 'get405',
    label: 'POST-only, GET 405 (spec)',
    // With the JSON-RPC error body the SDK's own stateless servers send, so every fallback kind has a body to excerpt.
    options: { name: 'bench-405', get: { status: 405, statusText: 'Method Not Allowed', contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Method not allowed."},"id":null}' } },
  },
  {
    id: 'get404',
    label: 'POST-only, GET 404',
    options: { name: 'bench-404', get: { status: 404, statusText: 'Not Found', contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html>\n<html lang="en"><head><title>Error</title></head><body><pre>Cannot GET /mcp</pre></body></html>' } },
  },
  {
    id: 'get406',
    label: 'POST-only, GET 406',
    options: {
      name: 'bench-406',
      get: { status: 406, statusText: 'Not Acceptable', contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable: Client must accept text/event-stream"},"id":null}' },
    },
  },
  {
    id: 'get400',
    label: 'POST-only, GET 400',
    options: { name: 'bench-400', get: { status: 400, statusText: 'Bad Request', contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: unsupported method"},"id":null}' } },
  },
  { id: 'legacy', label: 'legacy HTTP+SSE (2024-11-05)', options: { name: 'bench-legacy', kind: 'legacy-sse' } },
];

// ---- 1. connect time by server kind -------------------------------------------------------------

async function connectTimes(servers: ServerProcess, rounds: number) {
  const started = await servers.start(KINDS.map((k) => k.options));
  const byKind = new Map(KINDS.map((k, i) => [k.id, started[i]]));
  const requests = new Map<string, string[][]>();
  const connectOnly = new Map<string, number[]>();
  const modes = new Map<string, Set<string>>();
  const record = <T>(map: Map<string, T[]>, key: string, value: T) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);

  const tasks: Record<string, () => Promise<number>> = {};
  for (const kind of KINDS) {
    const server = byKind.get(kind.id)!;
    tasks[`connection:${kind.id}`] = async () => {
      await servers.take([server.key]);
      const connection = newConnection(`bench-${kind.id}`, server.url);
      const t0 = performance.now();
      await connection.connect();
      const t1 = performance.now();
      await connection.whenModeKnown(SETTLE_LIMIT_MS);
      const t2 = performance.now();
      const [methods] = await servers.take([server.key]);
      const state = connection.state;
      const mode = state.kind === 'connected' ? `${state.mode}${state.getFallback ? ` (GET ${state.getFallback.status})` : ''}` : state.kind;
      await connection.dispose();
      record(requests, `connection:${kind.id}`, methods);
      record(connectOnly, `connection:${kind.id}`, t1 - t0);
      modes.set(`connection:${kind.id}`, (modes.get(`connection:${kind.id}`) ?? new Set()).add(mode));
      return t2 - t0;
    };
    tasks[`transport:${kind.id}`] = async () => {
      await servers.take([server.key]);
      const transport = tolerantTransport(`bench-${kind.id}`, server.url, { getFallbackStatuses: DEFAULT_GLOBAL_SETTINGS.getFallbackStatuses });
      const client = new Client(CLIENT_INFO, { capabilities: {} });
      const t0 = performance.now();
      await client.connect(transport);
      const t1 = performance.now();
      await settled(transport);
      const t2 = performance.now();
      const [methods] = await servers.take([server.key]);
      modes.set(`transport:${kind.id}`, (modes.get(`transport:${kind.id}`) ?? new Set()).add(transport.mode));
      await client.close();
      record(requests, `transport:${kind.id}`, methods);
      record(connectOnly, `transport:${kind.id}`, t1 - t0);
      return t2 - t0;
    };
    if (kind.id === 'streaming' || kind.id === 'get405') {
      // The stock SDK transport, for reference: the only two kinds it accepts without a transport error.
      tasks[`sdk:${kind.id}`] = async () => {
        await servers.take([server.key]);
        const { transport, getAnswered } = stockTransport(server.url);
        const client = new Client(CLIENT_INFO, { capabilities: {} });
        const t0 = performance.now();
        await client.connect(transport);
        const t1 = performance.now();
        await Promise.race([getAnswered, sleep(SETTLE_LIMIT_MS)]);
        const t2 = performance.now();
        const [methods] = await servers.take([server.key]);
        await transport.terminateSession().catch(() => undefined);
        await client.close();
        record(requests, `sdk:${kind.id}`, methods);
        record(connectOnly, `sdk:${kind.id}`, t1 - t0);
        return t2 - t0;
      };
    }
  }
  const samples = await interleave(tasks, rounds, 10);

  const rows = Object.entries(samples).map(([key, values]) => {
    const [level, kind] = key.split(':');
    const reference = samples[`${level}:get405`];
    const methods = requests.get(key)!.slice(-rounds);
    const counts = methods.map((m) => m.length);
    const gets = methods.map((m) => m.filter((x) => x === 'GET').length);
    return {
      level,
      kind,
      label: KINDS.find((k) => k.id === kind)!.label,
      ms: summarise(values),
      connectOnlyMs: summarise(connectOnly.get(key)!.slice(-rounds)),
      vs405: ratio(values, reference),
      requests: { min: Math.min(...counts), max: Math.max(...counts), methods: methods[methods.length - 1] },
      gets: { min: Math.min(...gets), max: Math.max(...gets) },
      modes: [...(modes.get(key) ?? [])],
    };
  });
  return { rounds, rows };
}

// ---- 2. overhead against the raw SDK ------------------------------------------------------------

interface Caller {
  call(): Promise<void>;
  close(): Promise<void>;
}

async function overhead(servers: ServerProcess, latencyRounds: number, throughputRounds: number, batch: number, concurrency: number) {
  const kinds = KINDS.filter((k) => k.id === 'streaming' || k.id === 'get405');
  const started = await servers.start(kinds.map((k) => k.options));
  const check = (result: unknown) => {
    const text = (result as { content?: { text?: string }[] }).content?.[0]?.text;
    if (text !== '5') throw new Error(`add answered ${JSON.stringify(result)}`);
  };
  const callers: Record<string, Caller> = {};
  for (const [i, kind] of kinds.entries()) {
    const url = started[i].url;
    const connection = newConnection(`bench-${kind.id}`, url);
    await connection.connect();
    await connection.whenModeKnown(SETTLE_LIMIT_MS);
    callers[`connection:${kind.id}`] = { call: async () => check(await connection.callTool('add', { a: 2, b: 3 })), close: () => connection.dispose() };

    // What VS Code chat's calls cost in proxy mode: an SDK client → our loopback proxy → the same connection.
    const proxy = new ChatProxy({ offered: (name) => (name === connection.name ? connection : undefined), note: () => undefined });
    await proxy.start();
    const chat = new Client(CLIENT_INFO, { capabilities: {} });
    await chat.connect(new StreamableHTTPClientTransport(new URL(proxy.urlFor(connection.name)), { requestInit: { headers: { Authorization: `Bearer ${proxy.token}` } } }));
    callers[`chat:${kind.id}`] = {
      call: async () => check(await chat.callTool({ name: 'add', arguments: { a: 2, b: 3 } })),
      close: async () => {
        await chat.close();
        await proxy.close();
      },
    };

    const transport = tolerantTransport(`bench-${kind.id}`, url);
    const tolerant = new Client(CLIENT_INFO, { capabilities: {} });
    await tolerant.connect(transport);
    await settled(transport);
    callers[`transport:${kind.id}`] = { call: async () => check(await tolerant.callTool({ name: 'add', arguments: { a: 2, b: 3 } })), close: () => tolerant.close() };

    const stock = stockTransport(url);
    const sdk = new Client(CLIENT_INFO, { capabilities: {} });
    await sdk.connect(stock.transport);
    await stock.getAnswered;
    callers[`sdk:${kind.id}`] = {
      call: async () => check(await sdk.callTool({ name: 'add', arguments: { a: 2, b: 3 } })),
      close: async () => {
        await stock.transport.terminateSession().catch(() => undefined);
        await sdk.close();
      },
    };
  }

  // Where the transport's per-call cost goes: the same transport with one feature switched off at a time,
  // against the 405 server, in the latency loop only. Patches SessionFetch internals for the duration of
  // one call (calls run one at a time there); skipped if those internals have changed.
  const ablations = await transportAblations(started[kinds.findIndex((k) => k.id === 'get405')].url, check);
  Object.assign(callers, ablations.callers);

  // Client CPU per call is paired with each latency sample: on a loaded machine it moves less than wall time.
  const cpu = new Map<string, number[]>();
  const latency = await interleave(
    Object.fromEntries(
      Object.entries(callers).map(([key, caller]) => [
        key,
        async () => {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await caller.call();
          const ms = performance.now() - t0;
          const c = process.cpuUsage(c0);
          if (!cpu.has(key)) cpu.set(key, []);
          cpu.get(key)!.push(c.user + c.system);
          return ms;
        },
      ]),
    ),
    latencyRounds,
    100,
  );
  for (const [key, values] of cpu) cpu.set(key, values.slice(-latencyRounds));
  const throughput = await interleave(
    Object.fromEntries(
      Object.entries(callers)
        .filter(([key]) => !(key in ablations.callers))
        .map(([key, caller]) => [
        key,
        async () => {
          let left = batch;
          const t0 = performance.now();
          await Promise.all(
            Array.from({ length: concurrency }, async () => {
              while (left-- > 0) await caller.call();
            }),
          );
          return batch / ((performance.now() - t0) / 1000);
        },
      ]),
    ),
    throughputRounds,
    2,
  );
  for (const caller of Object.values(callers)) await caller.close();

  const rows = Object.keys(callers).map((key) => {
    const [level, kind] = key.split(':');
    const measuredThroughput = throughput[key] !== undefined;
    return {
      level,
      kind,
      label: kinds.find((k) => k.id === kind)!.label,
      latencyMs: summarise(latency[key]),
      latencyVsSdk: ratio(latency[key], latency[`sdk:${kind}`]),
      cpuMicrosecondsPerCall: summarise(cpu.get(key)!),
      cpuVsSdk: ratio(cpu.get(key)!, cpu.get(`sdk:${kind}`)!),
      callsPerSecond: measuredThroughput ? summarise(throughput[key]) : null,
      throughputVsSdk: measuredThroughput ? ratio(throughput[key], throughput[`sdk:${kind}`]) : null,
    };
  });
  return { latencyRounds, throughputRounds, batch, concurrency, rows, ablations: ablations.note };
}

/** The tolerant transport with its answer guard, and then also its wire trace, switched off (public options). */
async function transportAblations(url: string, check: (result: unknown) => void): Promise<{ callers: Record<string, Caller>; note: string }> {
  const variants: Record<string, Partial<TolerantTransportOptions>> = {
    'transport-no-answer-guard': { guardAnswers: false },
    'transport-no-guard-no-trace': { guardAnswers: false, traceEnabled: () => false },
  };
  const callers: Record<string, Caller> = {};
  for (const [name, options] of Object.entries(variants)) {
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const transport = tolerantTransport(name, url, options);
    await client.connect(transport);
    await settled(transport);
    callers[`${name}:get405`] = {
      call: async () => check(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } })),
      close: () => client.close(),
    };
  }
  return { callers, note: 'the transport with guardAnswers: false (the POST-answer size/ending guard off), then also traceEnabled: () => false (no wire trace events)' };
}

// ---- 3. scale -------------------------------------------------------------------------------------

/**
 * How responsive the event loop stays: the longest gap between two turns (a 1 ms interval that
 * fires late shows the stall) and the 99th percentile of the event-loop delay.
 */
function watchEventLoop() {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let longest = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 1);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      return { longestStallMs: Math.max(longest, performance.now() - last - 1), loopDelayP99Ms: histogram.percentile(99) / 1e6 };
    },
  };
}

const SCALE_MIX = ['streaming', 'get404', 'get405', 'get406'];

function scaleServerOptions(count: number): TestServerOptions[] {
  return Array.from({ length: count }, (_, i) => KINDS.find((k) => k.id === SCALE_MIX[i % SCALE_MIX.length])!.options);
}

/** Applies `entries` to a fresh manager and times: all connected, all GET outcomes known, all disconnected. */
async function connectMany(entries: ServerEntry[], servers?: ServerProcess, concurrentConnects = CONCURRENT_CONNECTS) {
  const manager = new ConnectionManager({ logger: silentLogger, headers: createHeaderSource(async () => undefined, {}), clientInfo: CLIENT_INFO, concurrentConnects });
  const isSettled = (c: Connection) => c.state.kind === 'connected' && (c.state.mode === 'streaming' || c.state.getFallback !== undefined);
  const serverCpu0 = servers ? await servers.call<number>('cpu') : 0;
  const cpu0 = process.cpuUsage();
  const loop = watchEventLoop();
  const t0 = performance.now();
  let connectedAt = 0;
  const failed = new Set<string>();
  const connected = new Set<string>();
  const settledNames = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not all ${entries.length} servers connected within 60 s`)), 60_000);
    // Counted per event, so the bench adds O(1) work per change however many servers there are.
    const watch = manager.onDidChange((c) => {
      if (c.state.kind === 'error') failed.add(`${c.name}: ${c.state.reason}`);
      if (c.state.kind === 'connected') connected.add(c.name);
      else connected.delete(c.name);
      if (isSettled(c)) settledNames.add(c.name);
      else settledNames.delete(c.name);
      if (!connectedAt && connected.size === entries.length) connectedAt = performance.now();
      if (settledNames.size === entries.length) {
        clearTimeout(timer);
        watch.dispose();
        resolve();
      }
    });
    void manager.apply(entries, DEFAULT_GLOBAL_SETTINGS);
  }).catch((error) => {
    throw new Error(`${error.message}; failures: ${[...failed].slice(0, 3).join(' | ')}`);
  });
  const settledAt = performance.now();
  const { longestStallMs, loopDelayP99Ms } = loop.stop();
  const cpu = process.cpuUsage(cpu0);
  const serverCpu = servers ? (await servers.call<number>('cpu')) - serverCpu0 : 0;
  return {
    manager,
    connectedMs: connectedAt - t0,
    settledMs: settledAt - t0,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: serverCpu,
    longestStallMs,
    loopDelayP99Ms,
    async dispose() {
      const d0 = performance.now();
      await manager.dispose();
      return performance.now() - d0;
    },
  };
}

async function scale(servers: ServerProcess, sizes: number[], repeats: Record<number, number>, rounds: number) {
  const max = Math.max(...sizes);
  const started = await servers.start(scaleServerOptions(max));
  const entriesFor = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) => entry(`server-${i}`, started[(offset + i) % max].url));
  const samples = new Map<number, { connectedMs: number; settledMs: number; clientCpuMs: number; serverCpuMs: number; disconnectMs: number; longestStallMs: number; loopDelayP99Ms: number }[]>();
  let single = 0;
  // Warm-up: one of each size's code paths.
  for (const count of [1, 10]) await (await connectMany(entriesFor(count, 0), servers)).dispose();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sizes.length; i++) {
      const count = sizes[(i + round) % sizes.length];
      for (let r = 0; r < repeats[count]; r++) {
        collect();
        await sleep(20);
        // A single server cycles through the mix's kinds, so 1 and N measure the same mix.
        const run = await connectMany(entriesFor(count, count === 1 ? single++ % SCALE_MIX.length : 0), servers);
        const disconnectMs = await run.dispose();
        (samples.get(count) ?? samples.set(count, []).get(count)!).push({
          connectedMs: run.connectedMs,
          settledMs: run.settledMs,
          clientCpuMs: run.clientCpuMs,
          serverCpuMs: run.serverCpuMs,
          disconnectMs,
          longestStallMs: run.longestStallMs,
          loopDelayP99Ms: run.loopDelayP99Ms,
        });
      }
    }
  }
  // The same sizes with every connect started at once (as before connects were scheduled), interleaved.
  const unlimited = new Map<number, { connectedMs: number; longestStallMs: number }[]>();
  const scheduled = new Map<number, { connectedMs: number; longestStallMs: number }[]>();
  for (let round = 0; round < rounds * 2; round++) {
    for (const count of [10, 100]) {
      for (const [map, concurrency] of round % 2 ? [[unlimited, Infinity], [scheduled, CONCURRENT_CONNECTS]] as const : [[scheduled, CONCURRENT_CONNECTS], [unlimited, Infinity]] as const) {
        collect();
        await sleep(20);
        const run = await connectMany(entriesFor(count, 0), servers, concurrency);
        await run.dispose();
        (map.get(count) ?? map.set(count, []).get(count)!).push({ connectedMs: run.connectedMs, longestStallMs: run.longestStallMs });
      }
    }
  }
  const scheduling = [10, 100].map((count) => {
    const a = scheduled.get(count)!;
    const b = unlimited.get(count)!;
    return {
      servers: count,
      scheduled: { connectedMs: summarise(a.map((x) => x.connectedMs)), longestStallMs: summarise(a.map((x) => x.longestStallMs)) },
      allAtOnce: { connectedMs: summarise(b.map((x) => x.connectedMs)), longestStallMs: summarise(b.map((x) => x.longestStallMs)) },
      connectedVsAllAtOnce: ratio(a.map((x) => x.connectedMs), b.map((x) => x.connectedMs)),
    };
  });
  const base = samples.get(1)!;
  const rows = sizes.map((count) => {
    const s = samples.get(count)!;
    const connected = s.map((x) => x.connectedMs);
    return {
      servers: count,
      connectedMs: summarise(connected),
      settledMs: summarise(s.map((x) => x.settledMs)),
      vsSingle: median(connected) / median(base.map((x) => x.connectedMs)),
      perServerMs: median(connected) / count,
      clientCpuMsPerConnect: median(s.map((x) => x.clientCpuMs)) / count,
      serverCpuMsPerConnect: median(s.map((x) => x.serverCpuMs)) / count,
      disconnectAllMs: summarise(s.map((x) => x.disconnectMs)),
      longestStallMs: summarise(s.map((x) => x.longestStallMs)),
      loopDelayP99Ms: summarise(s.map((x) => x.loopDelayP99Ms)),
    };
  });
  return { mix: SCALE_MIX, serverPerConnection: true, concurrentConnects: CONCURRENT_CONNECTS, rounds, repeats, rows, scheduling };
}

// ---- 5. re-initialisation after a server restart --------------------------------------------------

async function reinitialisation(servers: ServerProcess, rounds: number) {
  const kinds = KINDS.filter((k) => k.id === 'get405' || k.id === 'streaming');
  const started = await servers.start(kinds.map((k) => k.options));
  const cases = [];
  for (const [i, kind] of kinds.entries()) {
    let failedAnswerAt: number | undefined;
    const timedFetch: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      if (response.status === 404 && init?.method === 'POST') failedAnswerAt = performance.now();
      return response;
    };
    const connection = newConnection(`bench-${kind.id}`, started[i].url, timedFetch);
    await connection.connect();
    await connection.whenModeKnown(SETTLE_LIMIT_MS);
    cases.push({ kind, key: started[i].key, connection, failedAnswerAt: () => failedAnswerAt, reset: () => (failedAnswerAt = undefined) });
  }
  const normal = new Map<string, number[]>();
  const reinit = new Map<string, number[]>();
  const afterFailure = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => (map.get(key) ?? map.set(key, []).get(key)!).push(value);
  for (let round = 0; round < rounds + 3; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length];
      let t0 = performance.now();
      await c.connection.callTool('add', { a: 2, b: 3 });
      const normalMs = performance.now() - t0;
      await servers.call('forget', { keys: [c.key] });
      const before = reinitialisationsOf(c.connection);
      c.reset();
      t0 = performance.now();
      const result = await c.connection.callTool('add', { a: 2, b: 3 });
      const t1 = performance.now();
      if ((result.content as { text?: string }[])[0]?.text !== '5') throw new Error('the retried call gave a wrong answer');
      if (reinitialisationsOf(c.connection) !== before + 1) throw new Error(`expected one re-initialisation, saw ${reinitialisationsOf(c.connection) - before}`);
      if (round < 3) continue;
      push(normal, c.kind.id, normalMs);
      push(reinit, c.kind.id, t1 - t0);
      const failedAt = c.failedAnswerAt();
      if (failedAt !== undefined) push(afterFailure, c.kind.id, t1 - failedAt);
    }
  }
  for (const c of cases) await c.connection.dispose();
  return {
    rounds,
    rows: cases.map((c) => ({
      kind: c.kind.id,
      label: c.kind.label,
      normalCallMs: summarise(normal.get(c.kind.id)!),
      reinitCallMs: summarise(reinit.get(c.kind.id)!),
      failedAnswerToRetriedAnswerMs: afterFailure.get(c.kind.id) ? summarise(afterFailure.get(c.kind.id)!) : null,
      ratio: ratio(reinit.get(c.kind.id)!, normal.get(c.kind.id)!),
    })),
  };
}

// ---- memory per idle connection (run in a fresh process) -----------------------------------------

async function memory(servers: ServerProcess, count: number) {
  const started = await servers.start(scaleServerOptions(count));
  const entries = started.map((s, i) => entry(`server-${i}`, s.url));
  // Warm-up: load and compile every code path once, then measure from a collected heap.
  await (await connectMany(entries.slice(0, SCALE_MIX.length), servers)).dispose();
  await sleep(100);
  collect();
  const before = process.memoryUsage();
  const run = await connectMany(entries, servers);
  await sleep(500);
  collect();
  const justConnected = process.memoryUsage();
  // Idle: the HTTP client's pooled keep-alive sockets (several per server after the parallel list
  // requests) are closed by the servers after their 5 s keep-alive timeout; what stays is the
  // connection itself, plus the GET stream of a streaming server.
  await sleep(IDLE_MS);
  collect();
  const idle = process.memoryUsage();
  const openGets = await servers.call<number>('openGets', { keys: started.map((s) => s.key) });
  await run.dispose();
  await sleep(IDLE_MS);
  collect();
  const after = process.memoryUsage();

  // What each Client would also hold with the SDK's default validator (cut from the extension bundle).
  collect();
  const ajv0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const validators = Array.from({ length: 100 }, () => new AjvJsonSchemaValidator());
  const ajvMs = (performance.now() - t0) / validators.length;
  collect();
  const ajvBytes = (process.memoryUsage().heapUsed - ajv0) / validators.length;
  return {
    connections: count,
    openGetStreams: openGets,
    justConnected: perConnection(before, justConnected, count),
    idle: perConnection(before, idle, count),
    idleAfterMs: IDLE_MS,
    // Not freed by dispose: Node's fetch (undici) keeps a connection pool per origin (one per server
    // here), bounded by the number of servers, not growing with reconnects.
    heapLeftAfterDisposeKiB: (after.heapUsed - before.heapUsed) / 1024,
    baseline: { heapMiB: before.heapUsed / 2 ** 20, rssMiB: before.rss / 2 ** 20 },
    ajvValidatorPerClient: { heapKiB: ajvBytes / 1024, constructMs: ajvMs, retained: validators.length },
  };
}

function perConnection(before: NodeJS.MemoryUsage, now: NodeJS.MemoryUsage, count: number) {
  return {
    heapKiB: (now.heapUsed - before.heapUsed) / count / 1024,
    rssKiB: (now.rss - before.rss) / count / 1024,
    externalKiB: (now.external - before.external) / count / 1024,
  };
}

// ---- main -----------------------------------------------------------------------------------------

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (!gc) throw new Error('run with node --expose-gc');
  const servers = await ServerProcess.start();
  const quick = process.env.MCP_BENCH_QUICK === '1';
  try {
    let result: unknown;
    if (mode === 'memory') {
      result = await memory(servers, Number(args[0]));
    } else {
      const out: Record<string, unknown> = {};
      const phase = async (name: string, run: () => Promise<unknown>) => {
        const t0 = Date.now();
        process.stderr.write(`  ${name}… `);
        out[name] = await run();
        process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      };
      await phase('connect', () => connectTimes(servers, quick ? 20 : 150));
      await phase('overhead', () => overhead(servers, quick ? 100 : 1500, quick ? 3 : 12, 400, 8));
      await phase('scale', () => scale(servers, [1, 10, 100, 500], { 1: 10, 10: 5, 100: 2, 500: 1 }, quick ? 1 : 4));
      await phase('reinit', () => reinitialisation(servers, quick ? 20 : 150));
      result = out;
    }
    writeFileSync(args[args.length - 1], JSON.stringify(result, null, 2));
  } finally {
    await servers.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
