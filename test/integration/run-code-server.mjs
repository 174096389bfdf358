#!/usr/bin/env node
// Runs the integration suite (test/integration/suite) inside a real VS Code extension host: the VS Code
// server build from the npm package code-server, driven by Debian's Chromium. This is what CI uses.
// Needs `npm run build` + `tsc -p tsconfig.test.json` first (npm run test:integration does both) and
// the tools from scripts/install-tools.sh. Optional: MCP_TEST_GREP=<pattern> runs only matching tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionTests } from '../vscode/launch.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = Date.now();
const results = await runExtensionTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'out/test/integration/index.js'),
  userSettings: { 'mcpConnections.servers': {} },
  timeoutMs: 300_000,
});
for (const failure of results.failures) console.log(`✗ ${failure.title}\n${failure.error}\n`);
console.log(`Integration suite in VS Code (code-server) finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exitCode = results.failed === 0 && results.passed > 0 ? 0 : 1;
