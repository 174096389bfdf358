// Builds the minified bundle and packs the .vsix with @vscode/vsce, then prints what it weighs.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

const out = 'mcp-connections.vsix';
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '-o', out], { stdio: 'inherit' });
const kib = (path) => `${(statSync(path).size / 1024).toFixed(1)} KiB`;
console.log(`${out}: ${kib(out)} (bundle dist/extension.js: ${kib('dist/extension.js')})`);
