import assert from 'node:assert/strict';
import { EndpointRoutes, resolveEndpoint } from '../../../src/transport/endpoint';
import { legacyFetch } from '../../../src/transport/legacyFetch';
import { SessionFetch } from '../../../src/transport/sessionFetch';
import type { TransportEvent } from '../../../src/transport/types';
import { useCleanup } from '../../support/cleanup';
import { startPlainServer } from '../../support/connections';

const API_KEY = 'canary-route-key-1c9e';

describe('transport: fetch routing by endpoint', () => {
  const cleanup = useCleanup();

  /** A server that is the MCP endpoint's origin and also serves OAuth metadata there, and one on another origin. */
  async function servers() {
    const json = (body: unknown) => (_req: unknown, res: { writeHead(status: number, headers: Record<string, string>): { end(body: string): void } }) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const mcp = await startPlainServer(cleanup, (req, res) => {
      if (req.url?.startsWith('/.well-known/')) return json({ resource: 'x', authorization_servers: ['y'] })(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no GET here');
    });
    const other = await startPlainServer(cleanup, json({ issuer: 'other' }));
    return { mcp, other };
  }

  function sessionFetch(url: string) {
    const events: TransportEvent[] = [];
    const fetcher = new SessionFetch({
      server: 'routed',
      routes: new EndpointRoutes(resolveEndpoint(url)),
      baseFetch: fetch,
      headers: async () => ({ 'X-Api-Key': API_KEY }),
      getHeadersTimeoutMs: 5000,
      maxAnswerBytes: 1024 * 1024,
      guardAnswers: true,
      traceEnabled: () => true,
      emit: (event) => events.push(event),
      signal: () => undefined,
      remember: () => undefined,
    });
    return { fetcher, events };
  }

  it('a GET for /.well-known/… on the same origin and any request to another origin: no configured header, the real answer, no GET event', async () => {
    const { mcp, other } = await servers();
    const { fetcher, events } = sessionFetch(mcp.url);

    const metadata = await fetcher.fetch(`http://127.0.0.1:${mcp.port}/.well-known/oauth-protected-resource/mcp`, { method: 'GET', headers: { 'mcp-protocol-version': '2025-11-25' } });
    const foreign = await fetcher.fetch(`${other.url.replace('/mcp', '')}/token`, { method: 'POST', body: 'grant_type=x' });

    assert.equal(metadata.status, 200, 'the SDK sees the real answer, not a made-up "no stream" 405');
    assert.deepEqual(await metadata.json(), { resource: 'x', authorization_servers: ['y'] });
    assert.equal(foreign.status, 200);
    for (const request of [...mcp.requests, ...other.requests]) assert.equal(request.headers['x-api-key'], undefined, `${request.method} ${request.url} carried the configured header`);
    assert.deepEqual(events, [], 'no GET-fallback event, no wire trace: not an MCP request');
  });

  it('the endpoint itself gets the configured header (and its answer is the transport\'s business)', async () => {
    const { mcp } = await servers();
    const { fetcher } = sessionFetch(mcp.url);
    await fetcher.fetch(`${mcp.url}?x=1`, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    assert.equal(mcp.requests[0]?.headers['x-api-key'], API_KEY);
  });

  it('the legacy fetch: configured headers for the endpoint only', async () => {
    const { mcp, other } = await servers();
    const fetcher = legacyFetch(new EndpointRoutes(resolveEndpoint(mcp.url)), fetch, async () => ({ 'X-Api-Key': API_KEY }), { server: 'routing', remember: () => undefined });
    await fetcher(`http://127.0.0.1:${mcp.port}/.well-known/oauth-authorization-server`);
    await fetcher(other.url, { method: 'POST', body: '{}' });
    await fetcher(mcp.url, { method: 'POST', body: '{}' });
    assert.deepEqual(
      [...mcp.requests, ...other.requests].map((request) => [request.url, request.headers['x-api-key'] ?? null]),
      [
        ['/.well-known/oauth-authorization-server', null],
        ['/mcp', API_KEY],
        ['/mcp', null],
      ],
    );
  });
});
