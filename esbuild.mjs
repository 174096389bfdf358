// Bundles the extension and the command line, each into one file.
// `node esbuild.mjs` builds minified bundles (what ships); `--dev` keeps them readable with source maps.
import * as esbuild from 'esbuild';

const dev = process.argv.includes('--dev');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  sourcemap: dev,
  logLevel: 'warning',
  legalComments: 'none',
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' }),
  // The demo servers for `npm start` and the UI test; not part of the extension.
  esbuild.build({ ...common, minify: false, entryPoints: ['src/demo/demoServers.ts'], outfile: 'dist/demo.js' }),
]);
