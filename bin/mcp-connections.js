#!/usr/bin/env node
try {
  require.resolve('../dist/cli.js');
} catch {
  process.stderr.write('mcp-connections: the command line is not built yet — run "npm run build" in the package folder.\n');
  process.exit(2);
}
require('../dist/cli.js');
