import { demoContent } from './demoContent';
import { DemoServerOptions, RunningDemoServer, serveDemo } from './demoServer';

export interface DemoServer {
  name: string;
  what: string;
  server: RunningDemoServer;
}

/** The built-in demo: one server of each kind the extension has to cope with, on loopback. */
export async function startDemoServers(): Promise<DemoServer[]> {
  const specs: { name: string; what: string; options: Omit<DemoServerOptions, 'createServer'> }[] = [
    { name: 'docs-streaming', what: 'streaming server (GET opens an SSE stream)', options: { kind: 'streamable-http' } },
    {
      name: 'search-post-only',
      what: 'POST-only server that answers GET with 404 (plain app.post route)',
      options: { kind: 'streamable-http', get: { status: 404, contentType: 'text/html', body: '<!DOCTYPE html><h1>Cannot GET /mcp</h1>' } },
    },
    {
      name: 'strict-accept',
      what: 'POST-only server that answers GET with 406 (insists on both Accept types)',
      options: {
        kind: 'streamable-http',
        get: { status: 406, contentType: 'application/json', body: '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Not Acceptable: Client must accept both application/json and text/event-stream"},"id":null}' },
      },
    },
    { name: 'legacy-sse', what: 'legacy 2024-11-05 HTTP+SSE server', options: { kind: 'legacy-sse' } },
  ];
  return Promise.all(specs.map(async (spec) => ({ name: spec.name, what: spec.what, server: await serveDemo({ ...spec.options, createServer: demoContent(spec.name) }) })));
}
