import { parseArgs } from 'node:util';
import type { ValidEntry } from '../config/serverConfig';
import { COMMAND_LINE_SUBJECTS, listOf, validateServer } from '../config/validate';
import { TRANSPORT_KINDS } from '../transport/defaults';

export const USAGE = `Usage:
  mcp-connections --version
  mcp-connections probe <url> [--header "Name: value"]… [--transport ${TRANSPORT_KINDS.join('|')}] [--timeout <s>] [--json] [--verbose]
  mcp-connections call <url> <tool> [--args <json>] [--header "Name: value"]… [--transport …] [--timeout <s>] [--json] [--verbose]`;

export interface CliCommand {
  command: 'probe' | 'call';
  /** The server as the extension would hold it after validating its settings. */
  entry: ValidEntry;
  tool?: string;
  toolArgs: Record<string, unknown>;
  json: boolean;
  verbose: boolean;
}

export class UsageError extends Error {}

/** Parses argv (without node and script); throws UsageError with a sentence naming the fix. */
export function parseCommandLine(argv: string[]): CliCommand | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        transport: { type: 'string' },
        timeout: { type: 'string' },
        args: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  if (values.version) return 'version';
  const [command, url, tool, ...extra] = positionals;
  if (command !== 'probe' && command !== 'call') {
    throw new UsageError(command ? `Unknown command "${command}" — use probe or call.` : 'Name a command: probe or call.');
  }
  if (!url) throw new UsageError(`"${command}" needs the server's URL.`);
  if (command === 'call' && !tool) throw new UsageError('"call" needs the name of the tool to call.');
  const unexpected = command === 'probe' ? [tool, ...extra] : extra;
  if (unexpected.some((x) => x !== undefined)) throw new UsageError(`Unexpected argument "${unexpected.find((x) => x !== undefined)}".`);
  if (command === 'probe' && values.args !== undefined) throw new UsageError('--args belongs to "call", not "probe".');

  const transport = values.transport ?? 'auto';
  if (!(TRANSPORT_KINDS as readonly string[]).includes(transport)) throw new UsageError(`--transport must be ${listOf(TRANSPORT_KINDS)}.`);
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  const raw = { url, headers: parseHeaders(values.header ?? []), transport, timeoutSeconds };
  const entry = validateServer('cli', raw, 'user', COMMAND_LINE_SUBJECTS);
  if (entry.problem !== undefined) throw new UsageError(entry.problem);
  return {
    command,
    entry,
    tool,
    toolArgs: parseToolArgs(values.args),
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must look like "Name: value" (got a header without a colon).`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function parseToolArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError('--args must be a JSON object, e.g. --args \'{"a": 5, "b": 3}\'.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--args must be a JSON object, e.g. --args \'{"a": 5, "b": 3}\'.');
  }
  return value as Record<string, unknown>;
}
