import { parseArgs } from 'node:util';
import type { ValidEntry } from '../config/serverConfig';
import { TIMEOUT_SECONDS } from '../config/limits';
import { COMMAND_LINE_SUBJECTS, listOf, validateServer } from '../config/validate';
import { TRANSPORT_KINDS } from '../transport/defaults';

export const USAGE = `Usage:
  mcp-connections --version
  mcp-connections probe <url> [options]                   connect; report mode, protocol, tools, timings
  mcp-connections tools <url> [options]                   the tools, with their parameters
  mcp-connections resources <url> [options]               the resources and resource templates
  mcp-connections prompts <url> [options]                 the prompts, with their arguments
  mcp-connections call <url> <tool> [--args <json>] [--out <dir>] [options]
  mcp-connections read <url> <uri> [--out <dir>] [options]
  mcp-connections prompt <url> <name> [--args <json>] [options]

Options:
  --header, -H "Name: value"   a request header (repeatable); \${env:NAME} takes a value from the environment
  --transport ${TRANSPORT_KINDS.join('|')}
  --timeout <s>                seconds to wait for each answer (${TIMEOUT_SECONDS.minimum}–${TIMEOUT_SECONDS.maximum}, default ${TIMEOUT_SECONDS.default})
  --json                       one JSON object: what the server sent, exactly (header values as ***)
  --verbose, -v                the log, with wire trace, on stderr
  --args <json>                call, prompt: the arguments as a JSON object (a prompt's values are strings)
  --out <dir>                  call, read: save images, audio and blobs as files in <dir> (created if
                               missing; an existing file is never overwritten — the next free number is used)

Exit codes: 0 ok, 1 failed (a tool that reported an error too), 2 usage error.`;

export const COMMANDS = ['probe', 'tools', 'resources', 'prompts', 'call', 'read', 'prompt'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** What each command takes after the URL, and which of the request options belong to it. */
const SHAPES: Record<CommandName, { target?: string; args?: boolean; out?: boolean }> = {
  probe: {},
  tools: {},
  resources: {},
  prompts: {},
  call: { target: 'the name of the tool to call', args: true, out: true },
  read: { target: 'the URI of the resource to read', out: true },
  prompt: { target: 'the name of the prompt to get', args: true },
};

export interface CliCommand {
  command: CommandName;
  /** The server as the extension would hold it after validating its settings. */
  entry: ValidEntry;
  /** call: the tool; read: the resource's URI; prompt: the prompt. */
  target?: string;
  /** --args: for call any JSON values, for prompt strings only. */
  args: Record<string, unknown>;
  /** --out: where call and read save binary content. */
  outDir?: string;
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
        out: { type: 'string' },
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
  const [name, url, ...rest] = positionals;
  if (!isCommand(name)) {
    throw new UsageError(name ? `Unknown command "${name}" — use ${listOf(COMMANDS)}.` : `Name a command: ${listOf(COMMANDS)}.`);
  }
  const shape = SHAPES[name];
  if (!url) throw new UsageError(`"${name}" needs the server's URL.`);
  const [target, ...extra] = shape.target ? rest : [undefined, ...rest];
  if (shape.target && !target) throw new UsageError(`"${name}" needs ${shape.target}.`);
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (values.args !== undefined && !shape.args) throw new UsageError(`--args belongs to "call" and "prompt", not "${name}".`);
  if (values.out !== undefined && !shape.out) throw new UsageError(`--out belongs to "call" and "read", not "${name}".`);
  if (values.out === '') throw new UsageError('--out needs a directory, e.g. --out ./images.');

  const transport = values.transport ?? 'auto';
  if (!(TRANSPORT_KINDS as readonly string[]).includes(transport)) throw new UsageError(`--transport must be ${listOf(TRANSPORT_KINDS)}.`);
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  const raw = { url, headers: parseHeaders(values.header ?? []), transport, timeoutSeconds };
  const entry = validateServer('cli', raw, 'user', COMMAND_LINE_SUBJECTS);
  if (entry.problem !== undefined) throw new UsageError(entry.problem);
  const args = parseJsonArgs(values.args);
  if (name === 'prompt') checkPromptArgs(args);
  return {
    command: name,
    entry,
    target,
    args,
    outDir: values.out,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

function isCommand(name: string | undefined): name is CommandName {
  return (COMMANDS as readonly (string | undefined)[]).includes(name);
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

function parseJsonArgs(text: string | undefined): Record<string, unknown> {
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

/** A prompt's arguments are strings (MCP says so): a number passed as one is a mistake to point out, not to guess at. */
function checkPromptArgs(args: Record<string, unknown>): void {
  const wrong = Object.keys(args).find((key) => typeof args[key] !== 'string');
  if (wrong !== undefined) {
    throw new UsageError(`--args for "prompt" gives every argument as a string, e.g. --args '{"city": "Paris"}' ("${wrong}" is not a string).`);
  }
}
