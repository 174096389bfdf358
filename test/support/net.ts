import { createServer, get as httpGet, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (port 0: a free one); rejects if the port is taken. */
export function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The whole body of a request, as text. */
export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A port on 127.0.0.1 that nothing listens on (it was just released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * One unrelated HTTP round trip on loopback: by the time it is answered, the client has processed
 * the socket events that arrived before it (closed keep-alive connections, say). An I/O barrier,
 * not a timed wait.
 */
export async function ioBarrier(): Promise<void> {
  const probe = createServer((_req, res) => res.end('ok'));
  const port = await listen(probe);
  try {
    await new Promise<void>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve).on('error', reject)).on('error', reject);
    });
  } finally {
    await closeServer(probe);
  }
}
