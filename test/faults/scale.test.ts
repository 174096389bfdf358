import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHeaderSource } from '../../src/config/headerValues';
import type { ServerEntry } from '../../src/config/serverConfig';
import { ConnectionManager } from '../../src/connections/connectionManager';
import { waitFor } from '../support/wait';
import { assertSentenceNamingFix } from '../support/assertions';
import { useCleanup } from '../support/cleanup';
import { FAULT_SETTINGS, capturingLogger, countingFetch, entry, startPlainServer } from '../support/connections';
import { startSilentServer } from '../support/faultServers';
import { closedPort } from '../support/net';
import { startServerFarm } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';
import { activeResources, beyond, describeCounts, processListeners, settleToBaseline } from '../support/resources';

/**
 * 100 servers configured at once (one ConnectionManager.apply), half of them failing in different
 * ways. The healthy half connects, the event loop stays responsive throughout, each failing one
 * shows its own sentence, and dispose leaves nothing open.
 */
describe('faults: 100 servers at once, half of them failing', function () {
  this.timeout(90_000);
  const cleanup = useCleanup();

  it('the healthy 50 connect, the failing 50 each show a sentence, the event loop stays responsive, nothing leaks after dispose', async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const farm = await startServerFarm(50); // healthy: 25 streaming, 25 POST-only (GET 404)
    cleanup.add(() => farm.stop());
    const failingServer = await startPlainServer(cleanup, (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
    const silent = await startSilentServer(cleanup);
    const refusedPorts = await Promise.all(Array.from({ length: 20 }, () => closedPort()));

    const entries: ServerEntry[] = [
      ...farm.urls.map((url, i) => entry(`healthy-${i}`, { url, timeoutSeconds: 10 })),
      ...refusedPorts.map((port, i) => entry(`refused-${i}`, { url: `http://127.0.0.1:${port}/mcp`, timeoutSeconds: 10 })),
      ...Array.from({ length: 10 }, (_, i) => entry(`failing-500-${i}`, { url: `${failingServer.url}?n=${i}`, timeoutSeconds: 10 })),
      ...Array.from({ length: 10 }, (_, i) => entry(`silent-${i}`, { url: `${silent.url}?n=${i}`, timeoutSeconds: 2 })),
      ...Array.from({ length: 10 }, (_, i) => entry(`invalid-${i}`, { url: `ftp://127.0.0.1/${i}` })),
    ];
    assert.equal(entries.length, 100);

    const logger = capturingLogger();
    const counter = countingFetch();
    const manager = new ConnectionManager({
      logger,
      headers: createHeaderSource(async () => undefined, {}),
      clientInfo: { name: 'fault-suite', version: '0.0.0' },
      transport: { fetch: counter.fetch },
    });
    let disposed = false;
    cleanup.add(() => (disposed ? undefined : manager.dispose()));

    const baseline = activeResources();
    const listenersBefore = processListeners();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    await manager.apply(entries, FAULT_SETTINGS);
    const applyMs = Date.now() - started;

    const healthy = () => manager.all.filter((c) => c.name.startsWith('healthy-'));
    await waitFor(() => healthy().every((c) => c.state.kind === 'connected'), 'the healthy 50 to connect', 30_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${healthy().filter((c) => c.state.kind !== 'connected').map((c) => `${c.name} ${JSON.stringify(c.state)}`).slice(0, 5).join('; ')}`);
    });
    const allConnectedMs = Date.now() - started;
    await waitFor(() => manager.all.every((c) => c.state.kind === 'connected' || c.state.kind === 'error'), 'every connection to settle', 30_000);
    const settledMs = Date.now() - started;
    delay.disable();

    // Each failing kind shows its own sentence, naming the fix.
    const stateOf = (name: string) => manager.get(name)!.state;
    const reasonOf = (name: string) => {
      const state = stateOf(name);
      assert.equal(state.kind, 'error', `${name}: ${JSON.stringify(state)}`);
      return (state as { reason: string }).reason;
    };
    for (let i = 0; i < 20; i++) assertSentenceNamingFix(reasonOf(`refused-${i}`), /Connection refused by 127\.0\.0\.1:\d+ — is the server running\?/);
    for (let i = 0; i < 10; i++) assertSentenceNamingFix(reasonOf(`failing-500-${i}`), /HTTP 500 \(boom\) — check the server's logs/);
    for (let i = 0; i < 10; i++) assertSentenceNamingFix(reasonOf(`silent-${i}`), /within 2 s — check that the server is running, or raise "timeoutSeconds"/);
    for (let i = 0; i < 10; i++) assert.match(reasonOf(`invalid-${i}`), /http/);
    const modes = healthy().map((c) => (c.state.kind === 'connected' ? c.state.mode : c.state.kind));
    assert.equal(modes.filter((mode) => mode === 'post-only').length + modes.filter((mode) => mode === 'streaming').length, 50, modes.join(', '));

    const ms = (ns: number) => ns / 1e6;
    const p50 = ms(delay.percentile(50));
    const p99 = ms(delay.percentile(99));
    const max = ms(delay.max);
    console.log(`      apply returned in ${applyMs} ms; 50 connected after ${allConnectedMs} ms; all settled after ${settledMs} ms`);
    const mean = ms(delay.mean);
    console.log(`      event-loop delay while connecting (10 ms timer): mean ${mean.toFixed(1)} ms, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms; ${counter.calls.length} requests`);
    assert.ok(applyMs < 1000, `apply() returns without waiting for connects (${applyMs} ms)`);
    // 50 handshakes at once make bursts of ~50 answers to parse in one turn of the loop (SDK, undici
    // and zod work, about 3 ms per answer on this machine): stalls of a few hundred ms, never seconds.
    assert.ok(p99 < 500, `the event loop stayed responsive: p99 delay ${p99.toFixed(1)} ms`);
    assert.ok(max < 1000, `no stall near a second: max delay ${max.toFixed(1)} ms`);
    // The failing ones made no background retries: one connect each (a failed connect is not retried).
    const initializes = counter.calls.filter((call) => call.rpc === 'initialize').length;
    assert.ok(initializes <= 90, `${initializes} initialize requests for 90 servers with a URL`);

    // Dispose: every connection ends, and nothing stays open beyond the baseline.
    const disposeStarted = Date.now();
    await manager.dispose();
    disposed = true;
    const disposeMs = Date.now() - disposeStarted;
    assert.equal(manager.all.length, 0);
    const leftRightAfter = beyond(baseline, activeResources());
    const settleMs = await settleToBaseline(baseline, 'after dispose');
    assert.equal(processListeners(), listenersBefore, 'no process listeners left behind');
    console.log(`      dispose took ${disposeMs} ms; right after it, beyond the baseline: ${describeCounts(leftRightAfter)}; back to the baseline ${settleMs} ms later`);
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: '100 servers, 50 failing (apply)',
      outcome: `50 connected in ${(allConnectedMs / 1000).toFixed(1)} s; loop delay p99 ${p99.toFixed(0)} ms, max ${max.toFixed(0)} ms; 0 left after dispose`,
      detectedMs: settledMs,
      requests: counter.calls.length,
    });
  });
});
