// A tiny MCP server written with the published `fastmcp` framework, run as it is by the fault suite:
//   PORT=<port> node test/faults/servers/fastmcp-server.mjs
// It listens on 127.0.0.1 only and offers the same `add` tool as the SDK-based test servers.
import { FastMCP } from 'fastmcp';
import { z } from 'zod';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('Set PORT to a free port.');
  process.exit(2);
}

const server = new FastMCP({ name: 'fastmcp-fault-server', version: '1.0.0' });
server.addTool({
  name: 'add',
  description: 'Adds two numbers',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => String(a + b),
});
await server.start({ transportType: 'httpStream', httpStream: { host: '127.0.0.1', port, endpoint: '/mcp' } });
console.error(`fastmcp-fault-server listening on http://127.0.0.1:${port}/mcp`);
