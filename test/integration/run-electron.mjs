#!/usr/bin/env node
// The same integration suite through @vscode/test-electron, for machines that can download VS Code
// (CI here cannot; it uses run-code-server.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
await runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'out/test/integration/index.js'),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
});
