#!/usr/bin/env node
// Runs test scripts one after another (each prints "N passed, N failed" last) and prints their sum in
// the same form, so a test stage may hold several scripts. Exit code non-zero if any failed.
import { spawn } from 'node:child_process';

let passed = 0;
let failed = 0;
for (const script of process.argv.slice(2)) {
  const { code, output } = await run(script);
  const counts = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
  }
  if (code !== 0 && !(counts && Number(counts[2]) > 0)) failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;

function run(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}
