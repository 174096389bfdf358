// Entry point the extension host calls (`extensionTestsPath`), for both launchers: runs every
// suite/*.test.js (or $MCP_TEST_SUITE/*.test.js) with mocha and writes { passed, failed, failures } to $MCP_TEST_RESULTS, which the
// code-server launcher waits for. Same run() contract as @vscode/test-electron.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Results {
  passed: number;
  failed: number;
  failures: { title: string; error: string }[];
}

export async function run(): Promise<void> {
  const results: Results = { passed: 0, failed: 0, failures: [] };
  try {
    await runMocha(results);
  } catch (error) {
    // A suite that cannot even load must still report, or the launcher only sees a timeout.
    results.failed++;
    results.failures.push({ title: 'loading the test suite', error: String((error as Error)?.stack ?? error) });
  }
  writeResults(results);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
}

function runMocha(results: Results): Promise<void> {
  // mocha 12 is an ES module; require() of it yields the namespace.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mochaModule = require('mocha');
  const Mocha = mochaModule.default ?? mochaModule;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  // MCP_TEST_SUITE picks another folder of tests (the trust suite needs its own VS Code instance).
  const suiteDir = path.join(__dirname, process.env.MCP_TEST_SUITE ?? 'suite');
  const only = process.env.MCP_TEST_GREP;
  if (only) mocha.grep(only);
  for (const file of fs.readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(suiteDir, file));
  return new Promise((resolve) => {
    mocha
      .run(() => resolve())
      .on('pass', (test: { fullTitle(): string }) => {
        results.passed++;
        console.log(`  ✔ ${test.fullTitle()}`);
      })
      .on('fail', (test: { fullTitle(): string }, error: Error) => {
        results.failed++;
        results.failures.push({ title: test.fullTitle(), error: String(error?.stack ?? error) });
        console.log(`  ✗ ${test.fullTitle()}: ${error?.message}`);
      });
  });
}

function writeResults(results: Results): void {
  const target = process.env.MCP_TEST_RESULTS;
  if (!target) return;
  fs.writeFileSync(`${target}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${target}.tmp`, target); // the launcher never reads half a file
}
