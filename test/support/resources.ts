import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { waitFor } from './wait';

/** What keeps the event loop alive, counted by type (sockets, servers, timers, pipes…). */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Listeners on `process` (signal, exit and rejection handlers a leak would pile up). */
export function processListeners(): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0);
}

/** The types whose count is above `baseline`, and by how much. */
export function beyond(baseline: Record<string, number>, now: Record<string, number>): Record<string, number> {
  const extra: Record<string, number> = {};
  for (const [type, count] of Object.entries(now)) {
    if (count > (baseline[type] ?? 0)) extra[type] = count - (baseline[type] ?? 0);
  }
  return extra;
}

export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([type, count]) => `${type} ${count}`).join(', ') : 'none';
}

/**
 * Waits (polling, with a deadline) until nothing is open beyond the baseline. Idle keep-alive
 * sockets close on their own after the HTTP client's keep-alive timeout (about 4 s), so the
 * deadline is generous. Returns how long it took, ms; throws with what is left over otherwise.
 */
export async function settleToBaseline(baseline: Record<string, number>, what: string, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  await waitFor(() => Object.keys(beyond(baseline, activeResources())).length === 0, `${what}: resources back to the baseline`, timeoutMs).catch(() => {
    throw new Error(`${what}: still open beyond the baseline after ${timeoutMs} ms: ${describeCounts(beyond(baseline, activeResources()))}`);
  });
  return Date.now() - started;
}

/** The garbage collector, made reachable for a heap measurement (the suite runs without --expose-gc). */
export function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
