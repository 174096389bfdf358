// Bundles the extension, the form's webview, the command line and the demo servers, each into one file.
//   node esbuild.mjs             minified bundles (what ships)
//   node esbuild.mjs --dev       readable, with source maps
//   node esbuild.mjs --watch     rebuild on change, and type-check with tsc --watch (the F5 loop; implies --dev)
//   node esbuild.mjs --extension only what the extension ships (what `vsce package` needs)
// Importing this module builds nothing: bench/ reuses `extensionBuild` to weigh the bundle.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const dev = watch || process.argv.includes('--dev');
export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  sourcemap: dev,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * The SDK `Client` validates tool *output* against each tool's outputSchema, compiling every listed
 * schema with ajv at `tools/list`. The extension calls tools with a plain `tools/call` request (it
 * shows what the server sent, valid or not), so in the extension that validator only costs: ajv, ajv-formats, fast-uri and friends are 134 KB of the 372 KB bundle,
 * each Client builds its own Ajv instance, each listed output schema is compiled (≈1 ms each), and a
 * schema ajv cannot compile (an unresolvable $ref, say) makes `listTools`, and so the connect, fail.
 * The extension bundle therefore gets a validator that accepts any structured output (the SDK still
 * requires structured content from a tool that declares an output schema). The CLI calls tools and
 * keeps the SDK's ajv validator. If the extension ever calls tools through `Client.callTool`, drop this plugin.
 * Measured by `npm run bench` (bench/results.json, "bundle").
 */
export const withoutToolOutputValidation = {
  name: 'mcp-client-without-ajv',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/validation\/ajv-provider\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}@modelcontextprotocol${path.sep}sdk${path.sep}`) ? { path: 'ajv-provider', namespace: 'no-ajv' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-ajv' }, () => ({
      loader: 'js',
      contents: `export class AjvJsonSchemaValidator {
  getValidator() { return (input) => ({ valid: true, data: input, errorMessage: undefined }); }
}`,
    }));
  },
};

export const extensionBuild = {
  ...common,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
  plugins: [withoutToolOutputValidation],
};

/**
 * The Call Tool form's webview (browser code: lit and @vscode-elements go only in here, never in
 * dist/extension.js), and the codicon font its icons use.
 */
export const formBuild = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  entryPoints: ['src/form/webview/main.mts'],
  outfile: 'dist/form.js',
  plugins: [
    {
      name: 'codicons',
      setup(build) {
        build.onEnd(() => {
          for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join('node_modules/@vscode/codicons/dist', file), path.join('dist', file));
        });
      },
    },
  ],
};

const shipped = [extensionBuild, formBuild];
const builds = [
  ...shipped,
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  // The demo servers for `npm start` and the UI test; not part of the extension.
  { ...common, minify: false, entryPoints: ['src/demo/demoServers.ts'], outfile: 'dist/demo.js' },
];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.includes('--extension') ? shipped : builds;
  if (watch) {
    for (const options of wanted) await (await esbuild.context({ ...options, logLevel: 'info' })).watch();
    spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' });
  } else {
    await Promise.all(wanted.map((options) => esbuild.build(options)));
  }
}
