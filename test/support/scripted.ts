import type { IncomingHttpHeaders } from 'node:http';
import type { Cleanup } from './cleanup';
import { PlainServer, startPlainServer } from './connections';

export type Answer =
  | { result: unknown }
  | { error: { code: number; message: string; data?: unknown } }
  /** An HTTP answer instead of a JSON-RPC one. */
  | { http: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  /** The connection is dropped without an answer. */
  | 'reset';

/**
 * A minimal MCP server whose every answer the test writes: POST-only, JSON answers, no session. For
 * servers that misbehave in ways the SDK's server classes never would (paging forever, hostile text).
 * `answers[method]` gets the request's params and headers (for a server that echoes them); a method
 * without an answer gets "method not found" (initialize answers itself unless scripted, or when its
 * script returns undefined).
 */
export async function startScriptedServer(
  cleanup: Cleanup,
  options: { name?: string; capabilities: Record<string, unknown>; answers: Record<string, (params: Record<string, unknown> | undefined, headers: IncomingHttpHeaders) => Answer | undefined> },
): Promise<PlainServer & { calls: string[] }> {
  const calls: string[] = [];
  const server = await startPlainServer(cleanup, (req, res, body) => {
    if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
    const message = JSON.parse(body) as { id?: number | string; method?: string; params?: Record<string, unknown> };
    if (message.id === undefined) return void res.writeHead(202).end(); // a notification
    calls.push(message.method ?? '');
    const initialized = { result: { protocolVersion: '2025-11-25', capabilities: options.capabilities, serverInfo: { name: options.name ?? 'scripted', version: '1.0.0' } } };
    const scripted = options.answers[message.method ?? '']?.(message.params, req.headers);
    const answer: Answer = scripted ?? (message.method === 'initialize' ? initialized : { error: { code: -32601, message: `Method not found: ${message.method}` } });
    if (answer === 'hang') return;
    if (answer === 'reset') return void req.socket.destroy();
    if ('http' in answer) return void res.writeHead(answer.http, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, ...answer }));
  });
  return Object.assign(server, { calls });
}
