// Runs N MCP test servers (the SDK-based ones) in one process, on 127.0.0.1 and random ports, and
// prints their URLs as one JSON line: {"urls": [...]}.
//   node manyServers.js N mixed        half stream on GET, half are POST-only (GET answered 404)
//   node manyServers.js N post-only    POST-only (GET answered 405), answers as JSON: the fastest kind
// Used by the fault suite so that the servers' work does not run on the event loop (and in the
// process) the suite measures. Ends when its parent does (stdin closes) or on SIGTERM.
import { startTestServer, TestServer } from '../../fixtures/mcpServer';

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '50');
  const kind = process.argv[3] ?? 'mixed';
  const servers: TestServer[] = [];
  for (let i = 0; i < count; i++) {
    servers.push(
      kind === 'post-only'
        ? await startTestServer({ name: `post-only-${i}`, get: { status: 405, statusText: 'Method Not Allowed' }, jsonResponses: true })
        : await startTestServer({ name: `many-${i}`, get: i % 2 === 0 ? 'stream' : { status: 404, statusText: 'Not Found' } }),
    );
  }
  process.stdout.write(`${JSON.stringify({ urls: servers.map((server) => server.url) })}\n`);
  const stop = () => void Promise.all(servers.map((server) => server.close())).finally(() => process.exit(0));
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
