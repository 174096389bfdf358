'use strict';
// Test entry point called by the extension host (`extensionTestsPath`): runs every *.test.js file in
// this folder with mocha and writes { passed, failed, failures: [{ title, error }] } as JSON to
// $MCP_TEST_RESULTS, which the launcher waits for. Same run() contract as @vscode/test-electron.
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '../../../..');

async function run() {
  const results = { passed: 0, failed: 0, failures: [] };
  try {
    await runMocha(results);
  } catch (err) {
    // A suite that cannot even load must still produce a result, or the launcher only sees a timeout.
    results.failed++;
    results.failures.push({ title: 'loading the test suite', error: errorText(err) });
  }
  writeResults(results);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
}

function runMocha(results) {
  // mocha 12 is an ES module; require() of it yields the namespace, hence `.default`.
  const mochaModule = require(require.resolve('mocha', { paths: [repoRoot] }));
  const Mocha = mochaModule.default || mochaModule;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20000 });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve) => {
    mocha
      .run(() => resolve())
      .on('pass', () => results.passed++)
      .on('fail', (test, err) => {
        results.failed++;
        results.failures.push({ title: test.fullTitle(), error: errorText(err) });
      });
  });
}

function errorText(err) {
  return String((err && err.stack) || err);
}

function writeResults(results) {
  const target = process.env.MCP_TEST_RESULTS;
  if (!target) return;
  // Write then rename, so the launcher never reads half a file.
  fs.writeFileSync(`${target}.tmp`, JSON.stringify(results, null, 2));
  fs.renameSync(`${target}.tmp`, target);
}

module.exports = { run };
