import { createServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import type { TestServer } from '../fixtures/mcpServer';
import type { Cleanup } from './cleanup';
import { readRequestBody as readBody } from './net';

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

export interface Proxy {
  readonly url: string;
  readonly port: number;
  /** Requests the `hold` option picked, waiting for `release()`, by JSON-RPC method. */
  readonly held: string[];
  /** Requests that reached the upstream and whose upstream answer has ended, by JSON-RPC method. */
  readonly answered: string[];
  /** Requests whose client went away (closed its connection) before the answer was written, by JSON-RPC method. */
  readonly clientGone: string[];
  /** Lets the held requests (and every later one) through. */
  release(): void;
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
 * A proxy in front of a real MCP server (the SDK-based test server). It injects one fault into the
 * requests `faultWhen` picks (setting `fault` back to `undefined` ends the fault), and holds back
 * the requests `hold` picks until `release()` — which lets a test stop a connect at a known point,
 * without timing. Everything else is forwarded untouched.
 */
export async function startProxy(cleanup: Cleanup, upstream: TestServer, options: { hold?: (rpcMethod: string) => boolean } = {}): Promise<Proxy> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held: string[] = [];
  const answered: string[] = [];
  const clientGone: string[] = [];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let faultBytesWritten = 0;
  let abandoned = 0;
  const proxy: Proxy = {
    url: '',
    port: 0,
    held,
    answered,
    clientGone,
    release: () => release(),
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

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const { rpc, id } = messageOf(body);
    const method = req.method ?? '';
    res.once('close', () => !res.writableFinished && clientGone.push(rpc || method));
    if (options.hold?.(rpc || method)) {
      held.push(rpc || method);
      await gate;
      held.splice(held.indexOf(rpc || method), 1);
    }
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
    if (!faulted) return forward(upstream, req, res, body, method === 'GET' ? cutGet : undefined, () => answered.push(rpc || method));
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
  }
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    release();
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

function forward(upstream: TestServer, req: IncomingMessage, res: ServerResponse, body: string, cutNow?: () => boolean, onAnswered?: () => void): void {
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
      upstreamRes.on('end', () => {
        onAnswered?.();
        if (!res.destroyed) res.end();
      });
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

function messageOf(body: string): { rpc: string; id: unknown } {
  try {
    const message = JSON.parse(body) as { method?: string; id?: unknown };
    return { rpc: message.method ?? 'response', id: message.id ?? null };
  } catch {
    return { rpc: '', id: null };
  }
}

