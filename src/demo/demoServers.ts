import { startTestServer, TestServer } from './mcpTestServer';

export interface DemoServer {
  name: string;
  what: string;
  server: TestServer;
}

/** The built-in demo: one server of each kind the extension has to cope with, on loopback. */
export async function startDemoServers(): Promise<DemoServer[]> {
  const specs = [
    { name: 'docs-streaming', what: 'streaming server (GET opens an SSE stream)', options: { name: 'docs-streaming' } },
    {
      name: 'search-post-only',
      what: 'POST-only server that answers GET with 404 (plain app.post route)',
      options: { name: 'search-post-only', get: { status: 404, contentType: 'text/html', body: '<!DOCTYPE html><h1>Cannot GET /mcp</h1>' } },
    },
    {
      name: 'strict-accept',
      what: 'POST-only server that answers GET with 406 (insists on both Accept types)',
      options: {
        name: 'strict-accept',
        get: { status: 406, contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable: Client must accept both application/json and text/event-stream"},"id":null}' },
      },
    },
    { name: 'legacy-sse', what: 'legacy 2024-11-05 HTTP+SSE server', options: { name: 'legacy-sse', kind: 'legacy-sse' as const } },
  ];
  return Promise.all(specs.map(async (spec) => ({ name: spec.name, what: spec.what, server: await startTestServer(spec.options) })));
}

export { startTestServer };
