import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import { connect as netConnect, createServer as createNetServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRequestBody as readBody, type TestServer } from '../../../src/demo/mcpTestServer';
import type { Cleanup } from '../../unit/connections/support';

/** What the fault proxy answers instead of forwarding a request. */
export type Fault =
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** 200 with this body: HTML, plain text, JSON that is not JSON-RPC… */
  | { kind: 'answer'; contentType: string; body: string }
  /** 200 text/event-stream; the answer event is cut off in the middle and the connection dropped. */
  | { kind: 'cut-sse' }
  /** 200 with a valid JSON-RPC answer whose text is `bytes` long (JSON or one SSE event). */
  | { kind: 'huge'; bytes: number; contentType: 'application/json' | 'text/event-stream' }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Forwards the GET stream, but cuts it in the middle of the first event that carries a message. */
  | { kind: 'cut-get-event' };

export interface ProxiedRequest {
  method: string;
  /** The JSON-RPC method of a POST ("response" for a response, "" when not JSON). */
  rpc: string;
  faulted: boolean;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** The fault in force, and which requests it applies to; `undefined` forwards everything. */
  fault: Fault | undefined;
  faultWhen: (request: { method: string; rpc: string }) => boolean;
  readonly requests: ProxiedRequest[];
  /** TCP connections the proxy accepted. */
  readonly connections: number;
  /** Bytes of faulted answers written (for `huge`: how much the client let through before stopping). */
  readonly faultBytesWritten: number;
  /** Faulted answers whose connection the client closed before the answer ended. */
  readonly abandoned: number;
  close(): Promise<void>;
}

/**
 * A proxy in front of a real MCP server (the SDK-based test server) that injects one fault into the
 * requests `faultWhen` picks, and forwards everything else untouched. Setting `fault` back to
 * `undefined` ends the fault.
 */
export async function startFaultProxy(cleanup: Cleanup, upstream: TestServer): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let faultBytesWritten = 0;
  let abandoned = 0;
  const proxy: FaultProxy = {
    url: '',
    port: 0,
    fault: undefined,
    faultWhen: () => true,
    requests,
    get connections() {
      return connections;
    },
    get faultBytesWritten() {
      return faultBytesWritten;
    },
    get abandoned() {
      return abandoned;
    },
    close: async () => undefined,
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const { rpc, id } = rpcOf(body);
    const method = req.method ?? '';
    const fault = proxy.fault;
    const faulted = fault !== undefined && proxy.faultWhen({ method, rpc }) && appliesTo(fault, method);
    const entry: ProxiedRequest = { method, rpc, faulted };
    requests.push(entry);
    // A GET stream is cut when the fault is set while it is open, at its next event.
    const cutGet = () => {
      if (proxy.fault?.kind !== 'cut-get-event') return false;
      proxy.fault = undefined; // one cut, then the proxy forwards again (the resumed stream too)
      entry.faulted = true;
      return true;
    };
    if (!faulted) return forward(upstream, req, res, body, method === 'GET' ? cutGet : undefined);
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/plain' }).end(fault.body ?? '');
        return;
      case 'answer':
        res.writeHead(200, { 'content-type': fault.contentType }).end(fault.body);
        return;
      case 'hang':
        return;
      case 'cut-sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        // Half an event reaches the client, then the connection drops.
        res.write(`event: message\ndata: {"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"te`, () => req.socket.destroy());
        return;
      }
      case 'huge': {
        const written = await writeHuge(res, id, fault.bytes, fault.contentType === 'text/event-stream');
        faultBytesWritten += written.bytes;
        if (!written.complete) abandoned++;
        return;
      }
      case 'cut-get-event':
        return forward(upstream, req, res, body, cutGet);
    }
  });
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  Object.assign(proxy, { url: `http://127.0.0.1:${port}/mcp`, port, close });
  cleanup.add(close);
  return proxy;
}

function appliesTo(fault: Fault, method: string): boolean {
  return fault.kind === 'cut-get-event' ? method === 'GET' : method === 'POST';
}

function forward(upstream: TestServer, req: IncomingMessage, res: ServerResponse, body: string, cutNow?: () => boolean): void {
  const forwarded = httpRequest(
    { host: '127.0.0.1', port: upstream.port, path: req.url, method: req.method, headers: req.headers },
    (upstreamRes) => {
      if (res.destroyed) return void upstreamRes.destroy();
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.headers);
      res.flushHeaders();
      upstreamRes.on('data', (chunk: Buffer) => {
        if (res.destroyed) return;
        const text = chunk.toString('utf8');
        if (cutNow && text.includes('"method"') && cutNow()) {
          // Half of the event, then the connection drops: the client must not act on the half.
          upstreamRes.destroy();
          res.write(text.slice(0, text.indexOf('"method"') + 10), () => req.socket.destroy());
          return;
        }
        res.write(chunk);
      });
      upstreamRes.on('end', () => !res.destroyed && res.end());
      res.on('close', () => upstreamRes.destroy());
    },
  );
  forwarded.on('error', () => !res.destroyed && res.destroy());
  forwarded.end(body);
}

/** Writes a valid JSON-RPC answer with a text of `bytes` bytes, honouring backpressure; stops when the client goes. */
async function writeHuge(res: ServerResponse, id: unknown, bytes: number, sse: boolean): Promise<{ bytes: number; complete: boolean }> {
  res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
  const head = `${sse ? 'event: message\ndata: ' : ''}{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"text","text":"`;
  const tail = `"}]}}${sse ? '\n\n' : ''}`;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  let closed = false;
  res.once('close', () => (closed = true));
  res.write(head);
  while (written < bytes && !closed) {
    const piece = bytes - written >= chunk.length ? chunk : chunk.subarray(0, bytes - written);
    written += piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (closed) return { bytes: written, complete: false };
  res.end(tail);
  return { bytes: written, complete: true };
}

export interface SilentServer {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Connections open right now. */
  readonly open: number;
  close(): Promise<void>;
}

/** Accepts TCP connections (the kernel completes the handshake) and never writes a byte. */
export async function startSilentServer(cleanup: Cleanup, port = 0): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    socket.resume(); // read and drop whatever the client sends
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanup.add(close);
  return {
    url: `http://127.0.0.1:${actual}/mcp`,
    port: actual,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    close,
  };
}

/** A self-signed certificate for 127.0.0.1, made now with openssl (a temporary directory, removed at once). */
export function selfSignedCertificate(): { key: string; cert: string; certPath: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-faults-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function rpcOf(body: string): { rpc: string; id: unknown } {
  try {
    const message = JSON.parse(body) as { method?: string; id?: unknown };
    return { rpc: message.method ?? 'response', id: message.id ?? null };
  } catch {
    return { rpc: '', id: null };
  }
}

export interface HeldPort {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted (on the held port). */
  readonly connections: number;
  /** From now on, new connections wait (accepted, not answered) instead of reaching the server. */
  hold(): void;
  /** Connections that waited now reach the server, as do new ones. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A port that stays open while the server behind it restarts, as with systemd socket activation or
 * a reverse proxy: a connection made during the restart waits and then reaches the new server,
 * instead of being refused. Open connections end when the server's end of them does.
 */
export async function startHeldPort(cleanup: Cleanup, targetPort: number, path = '/mcp'): Promise<HeldPort> {
  let holding = false;
  let connections = 0;
  const waiting: Socket[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const pipeToServer = (client: Socket) => {
    if (client.destroyed) return;
    const upstream = netConnect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
    client.resume();
  };
  const server = createNetServer((client) => {
    connections++;
    track(client);
    if (!holding) return pipeToServer(client);
    client.pause();
    waiting.push(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanup.add(close);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    get connections() {
      return connections;
    },
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      for (const client of waiting.splice(0)) pipeToServer(client);
    },
    close,
  };
}

/**
 * One HTTP round trip to a throwaway server: by the time it completes, the client has processed
 * the closes that were already on the wire (its keep-alive connections to a server that just
 * stopped). An I/O barrier, not a timed wait (as in test/support/mcpHarness.ts's restartServer).
 */
export async function ioBarrier(): Promise<void> {
  const probe = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = probe.address() as AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } finally {
    probe.closeAllConnections();
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}
