#!/usr/bin/env node
// `npm start`: the product on a built-in demo. Builds the extension, starts four demo MCP servers on
// loopback (streaming, POST-only answering GET 404, POST-only answering GET 406, legacy HTTP+SSE),
// starts a real VS Code (the server build from code-server) with the extension loaded and those
// servers configured, and prints the URL to open. Ctrl-C stops everything.
//   MCP_START_PORT=<port>  fixed port for VS Code (default: a free one)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
execFileSync('bash', ['scripts/install-tools.sh', 'vscode'], { cwd: root, stdio: 'inherit' });

const { startVsCodeServer } = await import('../test/vscode/launch.mjs');
const { startDemoServers } = createRequire(import.meta.url)(path.join(root, 'dist/demo.js'));

const demo = await startDemoServers();
const vscode = await startVsCodeServer({
  extensionDevelopmentPath: root,
  port: process.env.MCP_START_PORT ? Number(process.env.MCP_START_PORT) : undefined,
  userSettings: {
    'mcpConnections.servers': Object.fromEntries(demo.map((d) => [d.name, { url: d.server.url }])),
    'workbench.startupEditor': 'none',
  },
});

console.log('\nDemo MCP servers on loopback:');
for (const d of demo) console.log(`  ${d.name.padEnd(18)} ${d.server.url.padEnd(30)} ${d.what}`);
console.log(`\nVS Code with MCP Connections loaded — open this URL in a browser on this machine:\n\n  ${vscode.url}\n`);
console.log('Click the MCP Connections icon in the activity bar. The output channel "MCP Connections" has the log.');
console.log('Try it without a browser: npx mcp-connections probe ' + demo[1].server.url);
console.log('Ctrl-C stops everything.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await vscode.stop();
  await Promise.all(demo.map((d) => d.server.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
