import assert from 'node:assert/strict';
import type { Logger } from '../../src/common/logger';
import { createHeaderSource } from '../../src/config/headerValues';
import { ConnectCancelledError, Connection } from '../../src/connections/connection';
import { waitFor } from '../support/wait';
import { Cleanup, useCleanup } from '../support/cleanup';
import { FAULT_SETTINGS, callText, countingFetch, entry } from '../support/connections';
import { startServerFarm } from '../support/published';
import { assertNoUnhandledRejections, record, unhandledRejectionCount } from '../support/report';
import { activeResources, beyond, collector, describeCounts, processListeners, settleToBaseline } from '../support/resources';

const CYCLES = Number(process.env.MCP_FAULTS_CYCLES ?? 1000);
const TOGGLES = 300;

/** A logger that counts lines instead of keeping them (keeping them would look like a leak). */
function countingLogger(): Logger & { lines: number; errors: string[] } {
  const logger = { lines: 0, errors: [] as string[] } as Logger & { lines: number; errors: string[] };
  for (const level of ['trace', 'debug', 'info', 'warn'] as const) logger[level] = () => void logger.lines++;
  logger.error = (message) => {
    logger.lines++;
    logger.errors.push(message);
  };
  return logger;
}

/**
 * Connect/disconnect cycles and rapid toggling must leave nothing behind: no sockets, timers,
 * handles or process listeners beyond what was open before (process.getActiveResourcesInfo(),
 * counted by type, after every close has been awaited), and no growing heap.
 */
describe('faults: leaks over many connect/disconnect cycles', function () {
  this.timeout(180_000);
  const cleanup = useCleanup();

  it(`${CYCLES} connect/disconnect cycles against a POST-only server leave nothing open`, async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const farm = await startServerFarm(1, 'post-only'); // in a child process: only the client is measured here
    cleanup.add(() => farm.stop());
    const { connection, logger, counter } = cyclingConnection(cleanup, 'cycling', farm.urls[0]);

    // One warm-up cycle (modules load), then the baseline, once its keep-alive socket has closed.
    const beforeWarmUp = activeResources();
    await connection.connect();
    await connection.disconnect();
    await settleToBaseline(beforeWarmUp, 'warm-up');
    const gc = collector();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const baseline = activeResources();
    const listenersBefore = processListeners();
    const requestsBefore = counter.calls.length;

    const started = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      await connection.connect();
      assert.equal(connection.state.kind, 'connected');
      await connection.disconnect();
      assert.equal(connection.state.kind, 'disconnected');
    }
    const seconds = (Date.now() - started) / 1000;
    const requests = counter.calls.length - requestsBefore;
    const rightAfter = beyond(baseline, activeResources());
    const settledMs = await settleToBaseline(baseline, `after ${CYCLES} cycles`);
    gc();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / (1024 * 1024);
    const counts = describeCounts(activeResources());
    console.log(`      ${CYCLES} cycles in ${seconds.toFixed(1)} s (${(CYCLES / seconds).toFixed(0)} cycles/s, ${requests} requests)`);
    console.log(`      open right after the last disconnect, beyond the baseline: ${describeCounts(rightAfter)} (idle keep-alive sockets); back to the baseline ${settledMs} ms later`);
    console.log(`      baseline and end, by type: ${counts}; process listeners ${listenersBefore} → ${processListeners()}; heap after GC ${heapGrowthMb >= 0 ? '+' : ''}${heapGrowthMb.toFixed(2)} MB`);
    assert.deepEqual(beyond(baseline, activeResources()), {}, 'no socket, timer or handle beyond the baseline');
    assert.equal(processListeners(), listenersBefore, 'no process listener beyond the baseline');
    assert.ok(heapGrowthMb < 8, `the heap did not grow with the cycles (${heapGrowthMb.toFixed(2)} MB)`);
    assert.deepEqual(logger.errors, [], 'no cycle failed');
    assert.equal(requests, CYCLES * 8, 'per cycle: initialize, initialized, GET (405), the four lists (tools, resources, resource templates, prompts), DELETE');
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: `${CYCLES} connect/disconnect cycles`,
      outcome: `${seconds.toFixed(1)} s (${(CYCLES / seconds).toFixed(0)}/s); 0 sockets, timers, listeners beyond baseline; heap ${heapGrowthMb >= 0 ? '+' : ''}${heapGrowthMb.toFixed(1)} MB`,
      recoveredMs: settledMs,
      requests,
    });
  });

  it(`rapid toggling while a connect is in flight (${TOGGLES} times): every toggle settles, the last one wins, nothing is left open`, async () => {
    const rejectionsBefore = unhandledRejectionCount();
    const farm = await startServerFarm(1, 'post-only');
    cleanup.add(() => farm.stop());
    const { connection, logger, counter } = cyclingConnection(cleanup, 'toggling', farm.urls[0]);
    const beforeWarmUp = activeResources();
    await connection.connect();
    await connection.disconnect();
    await settleToBaseline(beforeWarmUp, 'warm-up');
    const baseline = activeResources();
    const listenersBefore = processListeners();

    const outcomes = { cancelled: 0, connected: 0, reconnected: 0 };
    const started = Date.now();
    for (let i = 0; i < TOGGLES; i++) {
      const requestsAtStart = counter.calls.length;
      const connecting = connection.connect().then(
        () => void outcomes.connected++,
        (error: unknown) => {
          assert.ok(error instanceof ConnectCancelledError, `a toggled connect ends cancelled, not failed: ${String(error)}`);
          outcomes.cancelled++;
        },
      );
      // Disconnect at a different point of the handshake each time: at once, a turn later, or
      // after the n-th request of the connect went out.
      // (A connect makes at least 6 requests: initialize, initialized and the four lists.)
      const point = i % 7;
      if (point === 1) await new Promise((resolve) => setImmediate(resolve));
      else if (point >= 2) await waitFor(() => counter.calls.length - requestsAtStart >= point - 1, `request ${point - 1} of the connect`, 5000);
      if (i % 10 === 9) {
        // Disconnect and at once connect again (without waiting): the connect wins and connects.
        void connection.disconnect();
        await connection.connect();
        assert.equal(connection.state.kind, 'connected', `toggle ${i}: a connect right after a disconnect connects`);
        outcomes.reconnected++;
      }
      await connection.disconnect();
      await connecting;
      assert.equal(connection.state.kind, 'disconnected', `toggle ${i}: disconnected after the last disconnect`);
    }
    // And the last toggle is a connect: it ends connected and works.
    await connection.connect();
    assert.equal(await callText(connection, 'add', { a: 2, b: 3 }), '5');
    await connection.disconnect();
    const seconds = (Date.now() - started) / 1000;
    assert.deepEqual(logger.errors, [], 'no toggle ended in an error');

    const rightAfter = beyond(baseline, activeResources());
    const settledMs = await settleToBaseline(baseline, `after ${TOGGLES} toggles`);
    assert.equal(processListeners(), listenersBefore, 'no process listener beyond the baseline');
    console.log(`      ${TOGGLES} toggles in ${seconds.toFixed(1)} s: ${outcomes.cancelled} connects cancelled, ${outcomes.connected} completed before the disconnect, ${outcomes.reconnected} connects right after a disconnect connected; right after: ${describeCounts(rightAfter)}; back to the baseline ${settledMs} ms later`);
    // How many toggles land mid-connect depends on the machine's speed; that the path was taken at all does not.
    assert.ok(outcomes.cancelled > 0, 'some toggles cancelled a connect in flight');
    await assertNoUnhandledRejections(rejectionsBefore);
    record({
      fault: `rapid toggling during connect (${TOGGLES}×)`,
      outcome: `${seconds.toFixed(1)} s: ${outcomes.cancelled} cancelled, ${outcomes.connected} completed, ${outcomes.reconnected} re-connects won; 0 left beyond baseline`,
      recoveredMs: settledMs,
      requests: counter.calls.length,
    });
  });
});

/** A connection that a cycling test drives: counted requests, counted log lines, no secrets. */
function cyclingConnection(cleanup: Cleanup, name: string, url: string) {
  const logger = countingLogger();
  const counter = countingFetch();
  const connection = new Connection(entry(name, { url, timeoutSeconds: 10 }), {
    logger,
    settings: FAULT_SETTINGS,
    headers: createHeaderSource(async () => undefined, {}),
    clientInfo: { name: 'fault-suite', version: '0.0.0' },
    transport: { fetch: counter.fetch },
  });
  cleanup.add(() => connection.dispose());
  return { connection, logger, counter };
}
