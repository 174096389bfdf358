import assert from 'node:assert/strict';

/**
 * The fault suite's report and its suite-wide guarantees. Importing this module registers root
 * hooks (once): an `unhandledRejection` listener that records every rejection nobody handled, and
 * an `after` hook that prints the table of faults and fails the run if any rejection went unhandled.
 */

export interface FaultRow {
  fault: string;
  outcome: string;
  /** How long until the fault was noticed and shown (error state / failed call), ms. */
  detectedMs?: number;
  /** How long from the fault ending until things were normal again, ms. */
  recoveredMs?: number;
  /** HTTP requests the client made during the fault (and the recovery), or TCP connections where said. */
  requests: number | string;
}

const rows: FaultRow[] = [];
const rejections: { reason: unknown; during: string }[] = [];
let currentTitle = '(between tests)';

export function record(row: FaultRow): void {
  rows.push(row);
}

/** Rejections seen so far; a test compares the count before and after itself. */
export function unhandledRejectionCount(): number {
  return rejections.length;
}

/**
 * Fails if a promise was rejected without a handler since `before` (a count from
 * `unhandledRejectionCount`). Node reports such rejections after the microtask queue drains, so
 * two turns of the event loop pass first.
 */
export async function assertNoUnhandledRejections(before: number): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    rejections.slice(before).map(({ reason }) => String((reason as Error)?.stack ?? reason)),
    [],
    'no promise may be rejected without a handler',
  );
}

function onUnhandledRejection(reason: unknown): void {
  rejections.push({ reason, during: currentTitle });
}

let registered = false;
export function registerRootHooks(): void {
  if (registered) return;
  registered = true;
  before(() => {
    process.on('unhandledRejection', onUnhandledRejection);
  });
  beforeEach(function () {
    currentTitle = this.currentTest?.fullTitle() ?? '(unknown test)';
  });
  afterEach(() => {
    currentTitle = '(between tests)';
  });
  after(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandledRejection);
    printTable();
    if (rejections.length) {
      const list = rejections.map(({ reason, during }) => `  during "${during}": ${String((reason as Error)?.stack ?? reason)}`).join('\n');
      throw new Error(`${rejections.length} promise rejection(s) went unhandled:\n${list}`);
    }
    console.log('  unhandled promise rejections during the whole suite: 0');
  });
}

function printTable(): void {
  const header = ['fault', 'outcome', 'detected in', 'recovered in', 'requests'];
  const body = rows.map((row) => [row.fault, row.outcome, ms(row.detectedMs), ms(row.recoveredMs), String(row.requests)]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
  const line = (cells: string[]) => `  | ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  console.log('\n  Fault report');
  console.log(line(header));
  console.log(`  |${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cells of body) console.log(line(cells));
  console.log('');
}

function ms(value: number | undefined): string {
  if (value === undefined) return '—';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

registerRootHooks();
