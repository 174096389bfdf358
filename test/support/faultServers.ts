import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';

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

