#!/usr/bin/env node
// Starts the demo MCP servers on fixed loopback ports and keeps them running (F5 in VS Code uses this).
// With --write-settings it also writes them to .vscode/settings.json's mcpConnections.servers, so the
// Extension Development Host (which opens this folder) lists them. Ctrl-C stops them.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startDemoServers } = createRequire(import.meta.url)(path.join(root, 'dist/demo.js'));
console.log('Starting demo MCP servers…');
const demo = await startDemoServers();
for (const d of demo) console.log(`  ${d.name.padEnd(18)} ${d.server.url}  ${d.what}`);
if (process.argv.includes('--write-settings')) {
  const file = path.join(root, '.vscode', 'settings.json');
  const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  settings['mcpConnections.servers'] = Object.fromEntries(demo.map((d) => [d.name, { url: d.server.url }]));
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  console.log(`Wrote them to ${path.relative(root, file)}`);
}
console.log('Demo servers ready');
const stop = async () => {
  await Promise.all(demo.map((d) => d.server.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
