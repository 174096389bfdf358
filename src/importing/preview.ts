import { validateServer } from '../config/validate';
import type { ImportPlan, PlannedServer } from './plan';
import type { ImportSource } from './sources';

/** One line of the import preview. Only `add` rows can be chosen; the others say what happens instead. */
export type PreviewRow =
  | { kind: 'add'; server: PlannedServer; name: string; description: string; detail: string }
  | { kind: 'same' | 'skipped'; name: string; description: string; detail: string };

/** The rows of one config file, under its label. */
export interface PreviewGroup {
  source: ImportSource;
  rows: PreviewRow[];
}

/**
 * What "Import Servers…" shows before it writes anything, per file in discovery order: the servers it
 * would add (new, or renamed because the name is taken), the ones already configured, and the entries
 * it skips with the reason. Never shows a header value, nor URL credentials or secret-looking query values.
 */
export function previewGroups(plan: ImportPlan): PreviewGroup[] {
  const groups = new Map<string, PreviewGroup>();
  const groupOf = (source: ImportSource): PreviewGroup => {
    let group = groups.get(source.id);
    if (!group) groups.set(source.id, (group = { source, rows: [] }));
    return group;
  };
  for (const server of plan.servers) {
    const url = shownUrl(server.entry.url);
    const detail = [...server.notes, ...server.skippedFields.map((field) => `Not imported: ${field}.`)].join(' ');
    if (server.status === 'same') {
      groupOf(server.source).rows.push({ kind: 'same', name: server.originalName, description: `already configured as "${server.name}"`, detail: url });
    } else {
      const renamed = server.status === 'clash' ? `renamed from "${server.originalName}" · ` : '';
      groupOf(server.source).rows.push({ kind: 'add', server, name: server.name, description: `${renamed}${url}`, detail });
    }
  }
  for (const skipped of plan.skipped) {
    groupOf(skipped.source).rows.push({ kind: 'skipped', name: skipped.name, description: 'skipped', detail: skipped.reason });
  }
  return [...groups.values()];
}

/** What one import did, as the sentence of its closing notification. */
export interface ImportOutcome {
  added: number;
  secretsMoved: number;
  skipped: number;
  /** Secrets the imported entries reference that have no value yet (from `${input:…}` and the like). */
  needValues: string[];
  target: 'user' | 'workspace';
}

export function summarise(outcome: ImportOutcome): string {
  const where = outcome.target === 'user' ? 'your user settings' : 'the workspace settings';
  const parts = [`Imported ${count(outcome.added, 'MCP server')} into ${where}`];
  parts.push(`${count(outcome.secretsMoved, 'secret value')} moved to Secret Storage`);
  parts.push(`${count(outcome.skipped, 'entry', 'entries')} skipped`);
  let text = `${parts.join('; ')}.`;
  if (outcome.needValues.length) {
    const names = outcome.needValues.slice(0, 5).map((name) => `"${name}"`).join(', ');
    const more = outcome.needValues.length > 5 ? ` and ${outcome.needValues.length - 5} more` : '';
    text += ` Set ${outcome.needValues.length === 1 ? 'a value' : 'values'} with "MCP Connections: Set Secret…" for ${names}${more}.`;
  }
  return text;
}

/** The URL as it may be shown (no credentials, secret-looking query values masked). */
function shownUrl(url: string): string {
  return validateServer('shown', { url }, 'user').config?.endpoint.displayUrl ?? '(URL not valid)';
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
