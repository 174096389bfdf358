import { parseArgs } from 'node:util';
import type { ValidEntry } from '../config/serverConfig';
import { MAX_NAME_LENGTH, REDIRECT_PORT, TIMEOUT_SECONDS } from '../config/limits';
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
  mcp-connections logout <url>                            forget the sign-in (OAuth tokens) stored for a server

Options:
  --header, -H "Name: value"   a request header (repeatable); \${env:NAME} takes a value from the environment
  --transport ${TRANSPORT_KINDS.join('|')}
  --timeout <s>                seconds to wait for each answer (${TIMEOUT_SECONDS.minimum}–${TIMEOUT_SECONDS.maximum}, default ${TIMEOUT_SECONDS.default})
  --json                       one JSON object: what the server sent, exactly (header values as ***)
  --verbose, -v                the log, with wire trace, on stderr
  --args <json>                call, prompt: the arguments as a JSON object (a prompt's values are strings)
  --out <dir>                  call, read: save images, audio and blobs as files in <dir> (created if
                               missing; an existing file is never overwritten — the next free number is used)

Sign-in (OAuth), when a server asks for it:
  --no-browser                 print the sign-in URL on stderr instead of opening a browser ($BROWSER, else the
                               system's opener), then wait up to 5 minutes for the sign-in to finish
  --no-login                   never sign in interactively: a server that needs a sign-in fails (stored sign-ins
                               are still used and renewed)
  --callback-port <n>          the loopback port the browser comes back to, http://127.0.0.1:<n>/callback
                               (default: a random free port; a later sign-in reuses the registered one if it is free)
  --client-id <id>             a client registered with the authorization server (instead of registering one)
  --client-secret <s>          that client's secret; \${env:NAME} takes it from the environment
  --scope <s>                  the scope to ask for, replacing the one the server advertises
  --client-metadata-url <url>  an https client ID metadata document, used where the server supports them
  A --header "Authorization: …" turns sign-in off: the server's 401 then means that token was rejected.
  Sign-ins are stored in \$MCP_CONNECTIONS_HOME (default \$XDG_CONFIG_HOME/mcp-connections, else
  ~/.config/mcp-connections).

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

/** How a run may sign in when a server asks for OAuth (the client settings go into the entry's `oauth`). */
export interface SignInChoice {
  /** --no-login: never an interactive sign-in. */
  interactive: boolean;
  /** --no-browser: print the URL instead of opening a browser. */
  browser: boolean;
}

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
  signIn: SignInChoice;
}

/** `logout <url>`: forget the sign-in stored for the server. */
export interface LogoutCommand {
  command: 'logout';
  entry: ValidEntry;
}

export class UsageError extends Error {}

/** Parses argv (without node and script); throws UsageError with a sentence naming the fix. */
export function parseCommandLine(argv: string[]): CliCommand | LogoutCommand | 'help' | 'version' {
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
        'no-browser': { type: 'boolean' },
        'no-login': { type: 'boolean' },
        'callback-port': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        scope: { type: 'string' },
        'client-metadata-url': { type: 'string' },
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
  if (name === 'logout') return parseLogout(url, rest, values);
  if (!isCommand(name)) {
    const all = [...COMMANDS, 'logout'];
    throw new UsageError(name ? `Unknown command "${name}" — use ${listOf(all)}.` : `Name a command: ${listOf(all)}.`);
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
  const headers = parseHeaders(values.header ?? []);
  const oauth = parseOAuthFlags(values, headers);
  const raw = { url, headers, transport, timeoutSeconds, ...(oauth && { oauth }) };
  const entry = validateServer(serverName(url), raw, 'user', COMMAND_LINE_SUBJECTS);
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
    signIn: { interactive: !values['no-login'], browser: !values['no-browser'] },
  };
}

type ParsedValues = Partial<Record<string, string | boolean | string[]>>;

/** The options `logout` takes: none — it needs only the URL (the stored sign-in is per server URL). */
function parseLogout(url: string | undefined, rest: string[], values: ParsedValues): LogoutCommand {
  if (!url) throw new UsageError('"logout" needs the server\'s URL.');
  if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  const given = Object.keys(values).find((option) => values[option] !== undefined);
  if (given) throw new UsageError(`"logout" takes only the server's URL, not --${given}.`);
  const entry = validateServer(serverName(url), { url }, 'user', COMMAND_LINE_SUBJECTS);
  if (entry.problem !== undefined) throw new UsageError(entry.problem);
  return { command: 'logout', entry };
}

/** The server's `oauth` settings from the sign-in flags; undefined when none is given. */
function parseOAuthFlags(values: ParsedValues, headers: Record<string, string>): Record<string, unknown> | undefined {
  const flag = (name: string) => values[name] as string | undefined;
  const oauth: Record<string, unknown> = {};
  const port = flag('callback-port');
  if (port !== undefined) {
    const number = Number(port);
    if (!/^\d+$/.test(port) || number < REDIRECT_PORT.minimum || number > REDIRECT_PORT.maximum) {
      throw new UsageError(`--callback-port must be a port number between ${REDIRECT_PORT.minimum} and ${REDIRECT_PORT.maximum}.`);
    }
    oauth.redirectPort = number;
  }
  for (const [option, key] of [['client-id', 'clientId'], ['client-secret', 'clientSecret'], ['scope', 'scope'], ['client-metadata-url', 'clientMetadataUrl']] as const) {
    const value = flag(option);
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`--${option} needs a value.`);
    oauth[key] = value;
  }
  if (oauth.clientSecret !== undefined && oauth.clientId === undefined) throw new UsageError('--client-secret goes with --client-id: name the client it belongs to.');
  if (typeof oauth.clientMetadataUrl === 'string') checkClientMetadataUrl(oauth.clientMetadataUrl);
  const authorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  const signInFlag = ['no-browser', 'callback-port', 'client-id', 'client-secret', 'scope', 'client-metadata-url'].find((option) => values[option] !== undefined);
  if (authorization && signInFlag) {
    throw new UsageError(`--${signInFlag} has no effect with --header "Authorization: …": that header turns sign-in off. Drop one of them.`);
  }
  return Object.keys(oauth).length ? oauth : undefined;
}

/** What the SDK accepts as a client ID metadata document URL: https, with a path (the document's URL is the client ID). */
function checkClientMetadataUrl(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('--client-metadata-url must be an absolute https URL, e.g. https://example.com/mcp-client.json.');
  }
  if (url.protocol !== 'https:' || url.pathname === '/') {
    throw new UsageError('--client-metadata-url must be an https URL with a path, e.g. https://example.com/mcp-client.json.');
  }
}

/**
 * What the server is called in sentences and log lines: its host, as the command line has no configured name. Also the
 * name its sign-in is stored under, so it must come from the URL alone.
 */
function serverName(url: string): string {
  try {
    return new URL(url).host.slice(0, MAX_NAME_LENGTH) || 'cli';
  } catch {
    return 'cli';
  }
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
