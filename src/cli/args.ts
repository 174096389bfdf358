import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  mcp-connections probe <url> [--header "Name: value"]… [--transport auto|streamable-http|sse] [--timeout <s>] [--json] [--verbose]
  mcp-connections call <url> <tool> [--args <json>] [--header "Name: value"]… [--transport …] [--timeout <s>] [--json] [--verbose]`;

export interface CliCommand {
  command: 'probe' | 'call';
  url: string;
  tool?: string;
  toolArgs: Record<string, unknown>;
  headers: Record<string, string>;
  transport: string;
  timeoutSeconds: number;
  json: boolean;
  verbose: boolean;
}

export class UsageError extends Error {}

/** Parses argv (without node and script); throws UsageError with a sentence naming the fix. */
export function parseCommandLine(argv: string[]): CliCommand | 'help' {
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
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  const [command, url, tool, ...extra] = positionals;
  if (command !== 'probe' && command !== 'call') {
    throw new UsageError(command ? `Unknown command "${command}" — use probe or call.` : 'Name a command: probe or call.');
  }
  if (!url) throw new UsageError(`"${command}" needs the server's URL.`);
  if (command === 'call' && !tool) throw new UsageError('"call" needs the name of the tool to call.');
  const unexpected = command === 'probe' ? [tool, ...extra] : extra;
  if (unexpected.some((x) => x !== undefined)) throw new UsageError(`Unexpected argument "${unexpected.find((x) => x !== undefined)}".`);
  if (command === 'probe' && values.args !== undefined) throw new UsageError('--args belongs to "call", not "probe".');

  const timeoutSeconds = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) {
    throw new UsageError('--timeout must be a number of seconds between 1 and 600.');
  }
  const transport = values.transport ?? 'auto';
  if (!['auto', 'streamable-http', 'sse'].includes(transport)) {
    throw new UsageError('--transport must be auto, streamable-http or sse.');
  }
  return {
    command,
    url,
    tool,
    toolArgs: parseToolArgs(values.args),
    headers: parseHeaders(values.header ?? []),
    transport,
    timeoutSeconds,
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
