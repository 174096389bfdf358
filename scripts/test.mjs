#!/usr/bin/env node
// `npm test`: every suite, in order, from a fresh clone after `npm ci`. Installs the heavy tools it
// needs (cached outside the repo), streams each suite's output, then prints a summary and one closing
// line "Total: N passed, N failed". Exit code non-zero if anything failed.
//   node scripts/test.mjs [lint|unit|faults|conformance|integration|ui …]   runs only the named stages
import { spawn } from 'node:child_process';

const STAGES = {
  build: { title: 'build', command: 'node esbuild.mjs && npx tsc -p .', counts: false },
  lint: { title: 'lint (typescript-eslint)', command: 'npx eslint .', counts: false },
  unit: { title: 'unit (transport, connections, config, CLI)', command: 'npx mocha --reporter spec', counts: true },
  faults: { title: 'faults (real servers on loopback: restarts, outages, bad answers, scale, leaks)', command: "npx mocha --no-config --timeout 60000 'out/test/faults/**/*.test.js'", counts: true },
  conformance: { title: 'official MCP conformance suite', command: 'bash scripts/install-tools.sh conformance && node scripts/conformance.mjs', counts: true },
  integration: { title: 'integration in a real VS Code', command: 'bash scripts/install-tools.sh vscode && node test/integration/run-code-server.mjs', counts: true },
  form: { title: 'the Call Tool form in Chromium (its page alone, then its panel in a real VS Code)', command: 'bash scripts/install-tools.sh vscode && node scripts/run-all.mjs test/form/form.ui.mjs test/form/panel.ui.mjs', counts: true },
  ui: { title: 'UI in the real workbench', command: 'bash scripts/install-tools.sh vscode && node test/ui/sidebar.ui.mjs', counts: true },
};

const wanted = process.argv.slice(2);
const names = ['build', ...(wanted.length ? wanted : Object.keys(STAGES).filter((n) => n !== 'build'))];
const summary = [];
for (const name of names) {
  const stage = STAGES[name];
  if (!stage) throw new Error(`Unknown stage "${name}" (known: ${Object.keys(STAGES).join(', ')})`);
  console.log(`\n━━ ${stage.title} ━━`);
  const started = Date.now();
  const { code, output } = await run(stage.command);
  const counts = stage.counts ? countsIn(output) : undefined;
  const ok = code === 0 && (!stage.counts || (counts !== undefined && counts.failed === 0 && counts.passed > 0));
  summary.push({ name, ok, counts, seconds: (Date.now() - started) / 1000, code });
  if (name === 'build' && !ok) break;
}

console.log('\n━━ summary ━━');
for (const s of summary) {
  const figures = s.counts ? `${s.counts.passed} passed, ${s.counts.failed} failed` : s.ok ? 'ok' : `exit ${s.code}`;
  console.log(`${s.ok ? '✓' : '✗'} ${s.name.padEnd(12)} ${figures.padEnd(24)} ${s.seconds.toFixed(1)} s`);
}
const passed = summary.reduce((n, s) => n + (s.counts?.passed ?? 0), 0);
const failed = summary.reduce((n, s) => n + (s.counts?.failed ?? 0) + (s.ok || s.counts?.failed ? 0 : 1), 0);
console.log(`Total: ${passed} passed, ${failed} failed`);
process.exitCode = summary.every((s) => s.ok) ? 0 : 1;

/** Mocha's "N passing / N failing", or a plain "N passed, N failed" line. */
function countsIn(output) {
  const plain = [...output.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].at(-1);
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  const passing = output.match(/^\s*(\d+) passing/m);
  if (!passing) return undefined;
  const failing = output.match(/^\s*(\d+) failing/m);
  return { passed: Number(passing[1]), failed: failing ? Number(failing[1]) : 0 };
}

function run(command) {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
