import { LIST_LABELS, ListName } from '../connections/catalog';
import { Connection, ConnectionError } from '../connections/connection';
import { ConnectedState, ConnectionState, lastErrorOf } from '../connections/state';
import type { CliCommand, CommandName } from './args';
import type { CatalogReport, CliReport } from './report';
import { binaryPartsOfContent, binaryPartsOfContents, fileBase, saveBlobs } from './saveContent';

/** A request of the command failed: one sentence naming what was asked. */
export class CommandFailure extends Error {}

/** The lists each list command shows. */
const LISTS: Partial<Record<CommandName, ListName[]>> = {
  tools: ['tools'],
  resources: ['resources', 'resourceTemplates'],
  prompts: ['prompts'],
};

/** Does the work of a connected command and fills `report` with it; a failed request throws a CommandFailure. */
export async function performCommand(command: CliCommand, connection: Connection, report: CliReport): Promise<void> {
  if (command.command === 'probe') {
    report.ok = true; // being connected is all it asks
    return;
  }
  const state = connection.state;
  // Connected a moment ago; the server may have gone since (while the GET was awaited).
  if (state.kind !== 'connected') throw new CommandFailure(lastErrorOf(state) ?? 'The server is not connected.');
  const lists = LISTS[command.command];
  if (lists) return reportLists(report, state, lists);
  const target = command.target!;
  switch (command.command) {
    case 'call': {
      const result = await timed(report, `call the tool "${target}"`, () => connection.callTool(target, command.args));
      report.result = result;
      report.ok = !result.isError;
      if (result.isError) report.error = `The tool "${target}" reported an error.`;
      if (command.outDir !== undefined) report.saved = await saveBlobs(binaryPartsOfContent(result.content ?? []), command.outDir, fileBase(target, 'result'));
      return;
    }
    case 'read': {
      const result = await timed(report, `read the resource "${target}"`, () => connection.readResource(target));
      report.result = result;
      report.ok = true;
      if (command.outDir !== undefined) report.saved = await saveBlobs(binaryPartsOfContents(result.contents), command.outDir, 'resource');
      return;
    }
    case 'prompt': {
      report.result = await timed(report, `get the prompt "${target}"`, () => connection.getPrompt(target, command.args as Record<string, string>));
      report.ok = true;
      return;
    }
  }
}

function reportLists(report: CliReport, state: ConnectedState, names: ListName[]): void {
  const catalog: CatalogReport = {};
  for (const name of names) {
    const { items, cut, error } = state.catalog[name];
    Object.assign(catalog, { [name]: { items, cut: cut ?? null, error: error ?? null } });
  }
  report.catalog = catalog;
  const failed = names.find((name) => state.catalog[name].error);
  report.ok = failed === undefined;
  if (failed) report.error = `Could not list the ${LIST_LABELS[failed]}: ${state.catalog[failed].error}`;
}

/** The command's one request, timed (`timingsMs.call`); a failure becomes a sentence naming what was asked. */
async function timed<T>(report: CliReport, what: string, request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await request();
  } catch (error) {
    if (error instanceof ConnectionError) throw new CommandFailure(`Could not ${what}: ${error.reason}`);
    throw error;
  } finally {
    report.timingsMs.call = Math.round(performance.now() - started);
  }
}

/** What call, read and prompt name, and the list that has such names. */
const NAMED: Partial<Record<CommandName, { list: 'tools' | 'resources' | 'prompts'; what: string }>> = {
  call: { list: 'tools', what: 'tool' },
  read: { list: 'resources', what: 'resource' },
  prompt: { list: 'prompts', what: 'prompt' },
};

/**
 * For a command that failed: whether it named something the server does not list (a typo, most
 * likely), as a line pointing to the command that lists them. Nothing when the list is incomplete.
 */
export function unlistedHint(command: CliCommand, state: ConnectionState): string | undefined {
  const named = NAMED[command.command];
  if (!named || state.kind !== 'connected') return undefined;
  const list = state.catalog[named.list];
  if (list.cut || list.error) return undefined;
  const key = (item: { name: string; uri?: string }) => (named.list === 'resources' ? item.uri : item.name);
  if ((list.items as { name: string; uri?: string }[]).some((item) => key(item) === command.target)) return undefined;
  return `The server lists no ${named.what} "${command.target}" — "mcp-connections ${named.list} <url>" shows the ones it has.`;
}
