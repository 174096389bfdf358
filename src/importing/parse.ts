import { validateServer } from '../config/validate';
import { parseJsonc } from './jsonc';
import { mcpRemoteArgs } from './mcpRemote';
import type { ImportSource } from './sources';
import type { Dialect } from './variables';

/** A remote server found in a config file, still in that client's terms (variables untranslated). */
export interface RemoteCandidate {
  kind: 'remote';
  /** The entry's name, without control characters, at most 100 characters. */
  name: string;
  source: ImportSource;
  /** As written. */
  url: string;
  /** As written (for an mcp-remote wrapper: its `--header` arguments). */
  headers: Record<string, string>;
  /** The client's transport choice; undefined means either (MCP Connections' `auto`). */
  transport?: 'streamable-http' | 'sse';
  /** The client has it switched off. */
  disabled: boolean;
  /** How `${…}` in the URL and header values is meant. */
  dialect: Dialect;
  /** Entry fields (or mcp-remote options) MCP Connections does not use, each with what happens to it. */
  skippedFields: string[];
  notes: string[];
  /** VS Code's `inputs` of the same file, by id: what `${input:id}` stands for. */
  inputs: Record<string, { description?: string; password: boolean }>;
  /** An mcp-remote wrapper's `env`: its `--header` values read `${NAME}` from it first. Holds secrets. */
  env?: Record<string, string>;
}

/** An entry that cannot be imported, and why (one sentence, no values from the entry). */
export interface SkippedCandidate {
  kind: 'skipped';
  name: string;
  source: ImportSource;
  reason: string;
}

export type Candidate = RemoteCandidate | SkippedCandidate;

export interface SectionResult {
  candidates: Candidate[];
  problems: string[];
}

export const MAX_NAME = 100;
export const MAX_SERVERS_PER_FILE = 500;
const MAX_HEADERS = 64;
const MAX_ARGS = 256;

/** Parses one file's text and reads one source's part of it. Never throws. */
export function parseSource(source: ImportSource, text: string): SectionResult {
  const parsed = parseConfigText(source, text);
  return 'problem' in parsed ? { candidates: [], problems: [parsed.problem] } : readSection(source, parsed.value);
}

/** The JSON (with comments and trailing commas tolerated) of a file, or the sentence saying it is broken. */
export function parseConfigText(source: ImportSource, text: string): { value: unknown } | { problem: string } {
  const parsed = parseJsonc(text);
  if (!parsed.ok && parsed.problem === 'empty') return { value: {} }; // created but not filled in yet
  if (!parsed.ok) return { problem: `${clientName(source)}'s ${source.path} is ${parsed.problem} — nothing was imported from it.` };
  if (!isObject(parsed.value)) return { problem: `${clientName(source)}'s ${source.path} does not hold a JSON object — nothing was imported from it.` };
  return { value: parsed.value };
}

/** The servers of one source in an already parsed file. Never throws. */
export function readSection(source: ImportSource, root: unknown): SectionResult {
  const problems: string[] = [];
  if (!isObject(root)) return { candidates: [], problems: [`${clientName(source)}'s ${source.path} does not hold a JSON object — nothing was imported from it.`] };
  const key = source.section === 'servers' ? 'servers' : 'mcpServers';
  const holder = source.section === 'project' ? projectOf(root.projects, source.folder ?? '', source.path) : root;
  const servers = holder ? own(holder, key) : undefined;
  if (servers === undefined) return { candidates: [], problems };
  if (!isObject(servers)) return { candidates: [], problems: [`"${key}" in ${source.path} is not an object — nothing was imported from ${source.label}.`] };

  const inputs = source.client === 'vscode' ? readInputs(root.inputs) : {};
  const entries = Object.entries(servers);
  if (entries.length > MAX_SERVERS_PER_FILE) {
    problems.push(`${source.label} lists ${entries.length} servers; only the first ${MAX_SERVERS_PER_FILE} were read.`);
  }
  const candidates = entries.slice(0, MAX_SERVERS_PER_FILE).map(([name, entry]) => readEntry(source, name, entry, inputs));
  return { candidates, problems };
}

function readEntry(source: ImportSource, rawName: string, raw: unknown, inputs: RemoteCandidate['inputs']): Candidate {
  const notes: string[] = [];
  let name = cleanName(rawName);
  if (name.length > MAX_NAME) {
    name = shorten(name, MAX_NAME);
    notes.push(`The name was shortened to ${MAX_NAME} characters.`);
  }
  const skip = (reason: string): SkippedCandidate => ({ kind: 'skipped', name: name || '(no name)', source, reason });
  if (name === '') return skip('The entry has no usable name (it is empty or only control characters).');
  if (name === '__proto__') return skip('"__proto__" cannot be used as a server name in settings.');
  if (!isObject(raw)) return skip('The entry is not an object, so it holds no server.');

  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  const urlKey = source.client === 'windsurf' && own(raw, 'serverUrl') !== undefined ? 'serverUrl' : 'url';
  const url = own(raw, urlKey);
  const command = own(raw, 'command');

  if (url === undefined && typeof command === 'string') return fromCommand(source, name, raw, command, notes, inputs);
  if (type === 'stdio') return skip(`stdio server: MCP Connections manages remote servers only.`);
  if (type === 'ws' || type === 'websocket') return skip('WebSocket server: MCP Connections speaks Streamable HTTP and legacy SSE only.');
  if (url === undefined) return skip(`The entry has neither "${urlKey}" nor "command", so there is nothing to connect to.`);
  if (typeof url !== 'string') return skip(`"${urlKey}" is not a string.`);

  const headers = readHeaders(name, own(raw, 'headers'), source);
  if (typeof headers === 'string') return skip(headers);

  const skippedFields: string[] = [];
  let transport: RemoteCandidate['transport'];
  if (type === 'sse') transport = 'sse';
  else if (type !== undefined && !['http', 'streamable-http', 'streamablehttp', 'streamable_http'].includes(type)) {
    skippedFields.push(`type: ${JSON.stringify(type.slice(0, 30))} is not a transport MCP Connections knows; imported with transport "auto" (Streamable HTTP, then legacy SSE)`);
  }
  const used = new Set(['type', urlKey, 'headers', 'disabled']);
  if (urlKey === 'serverUrl') {
    used.add('url'); // Windsurf: serverUrl wins over url.
    if (own(raw, 'url') !== undefined && own(raw, 'url') !== url) skippedFields.push('url: Windsurf uses "serverUrl" when both are set; so does the import');
  }
  for (const field of Object.keys(raw)) if (!used.has(field)) skippedFields.push(describeField(field));
  return { kind: 'remote', name, source, url, headers, transport, disabled: raw.disabled === true, dialect: dialectOf(source), skippedFields, notes, inputs };
}

/** A stdio entry: an mcp-remote wrapper becomes its remote server, anything else is skipped. */
function fromCommand(source: ImportSource, name: string, raw: Record<string, unknown>, command: string, notes: string[], inputs: RemoteCandidate['inputs']): Candidate {
  const rawArgs = own(raw, 'args');
  const args = Array.isArray(rawArgs) ? rawArgs.slice(0, MAX_ARGS).filter((arg): arg is string => typeof arg === 'string') : [];
  const wrapper = mcpRemoteArgs(command, args);
  const skip = (reason: string): SkippedCandidate => ({ kind: 'skipped', name, source, reason });
  if (!wrapper) return skip(`stdio server (command ${describeCommand(command, args)}): MCP Connections manages remote servers only.`);
  if (wrapper.url === undefined) return skip('mcp-remote wrapper without a server URL in its arguments.');

  const env: Record<string, string> = {};
  const rawEnv = own(raw, 'env');
  if (isObject(rawEnv)) for (const [key, value] of Object.entries(rawEnv)) if (typeof value === 'string' && key !== '__proto__') env[key] = value;

  const headerObject: Record<string, string> = {};
  for (const [header, value] of wrapper.headers) if (header !== '__proto__') headerObject[header] = value;
  const headers = readHeaders(name, headerObject, source);
  if (typeof headers === 'string') return skip(headers);

  const skippedFields = [...wrapper.ignored];
  const usedEnv = Object.keys(env).filter((key) => Object.values(headers).some((value) => value.includes(`\${${key}}`)));
  for (const key of Object.keys(env)) {
    if (!usedEnv.includes(key)) skippedFields.push(`env.${cleanName(key).slice(0, 40)}: set for the mcp-remote process; not used`);
  }
  for (const field of Object.keys(raw)) {
    if (!['command', 'args', 'env', 'type', 'disabled'].includes(field)) skippedFields.push(describeField(field));
  }
  notes.push(`Ran through mcp-remote in ${clientName(source)}; MCP Connections connects to the URL directly.`);
  return {
    kind: 'remote',
    name,
    source,
    url: wrapper.url,
    headers,
    transport: wrapper.transport,
    disabled: raw.disabled === true,
    dialect: 'shell',
    skippedFields,
    notes,
    inputs,
    env,
  };
}

/** The headers, or the problem sentence validateServer gives for them (it never quotes a value). */
function readHeaders(name: string, raw: unknown, source: ImportSource): Record<string, string> | string {
  if (raw === undefined) return {};
  if (isObject(raw) && Object.keys(raw).length > MAX_HEADERS) return `The entry has more than ${MAX_HEADERS} headers — check it.`;
  // Only the headers are checked here; the URL is checked once variables are translated.
  const checked = validateServer(name, { url: 'https://header-check.invalid/', headers: raw }, source.scope);
  if (checked.problem) return checked.problem;
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(raw as Record<string, string>)) if (header !== '__proto__') headers[header] = value;
  return headers;
}

function readInputs(raw: unknown): RemoteCandidate['inputs'] {
  const inputs: RemoteCandidate['inputs'] = {};
  if (!Array.isArray(raw)) return inputs;
  for (const input of raw.slice(0, 200)) {
    if (!isObject(input) || typeof input.id !== 'string' || input.id === '__proto__') continue;
    const description = typeof input.description === 'string' ? shorten(cleanName(input.description), 120) : undefined;
    inputs[input.id] = { description: description || undefined, password: input.password === true };
  }
  return inputs;
}

/**
 * `projects[folder]` of `~/.claude.json`. Claude Code keys projects by absolute path; the spelling on
 * Windows (slashes, drive-letter case) is not confirmed, so the match ignores both there.
 */
function projectOf(projects: unknown, folder: string, file: string): Record<string, unknown> | undefined {
  if (!isObject(projects) || folder === '') return undefined;
  const exact = own(projects, folder);
  if (isObject(exact)) return exact;
  const windows = /^[A-Za-z]:[\\/]/.test(folder) || file.includes('\\');
  const normal = (p: string): string => {
    const trimmed = p.replace(/[\\/]+$/, '');
    return windows ? trimmed.replace(/\\/g, '/').toLowerCase() : trimmed;
  };
  const wanted = normal(folder);
  for (const [key, value] of Object.entries(projects)) if (normal(key) === wanted && isObject(value)) return value;
  return undefined;
}

const FIELD_FATES: Record<string, string> = {
  oauth: 'OAuth sign-in is not supported yet; imported without it (the server may answer 401 until you add a header)',
  auth: 'OAuth sign-in is not supported yet; imported without it (the server may answer 401 until you add a header)',
  headersHelper: 'runs a command to make headers, which MCP Connections does not do; add the headers by hand',
  env: 'only used by local (stdio) servers; ignored',
  envFile: 'only used by local (stdio) servers; ignored',
  cwd: 'only used by local (stdio) servers; ignored',
  command: 'only used by local (stdio) servers; ignored (the entry has a URL)',
  args: 'only used by local (stdio) servers; ignored (the entry has a URL)',
  disabledTools: 'per-tool settings are not imported',
  alwaysAllow: 'per-tool settings are not imported',
  autoApprove: 'per-tool settings are not imported',
  tools: 'per-tool settings are not imported',
  timeout: 'not imported; MCP Connections uses "timeoutSeconds" (default 30)',
};

function describeField(field: string): string {
  const shown = cleanName(field).slice(0, 40);
  return `${shown}: ${Object.hasOwn(FIELD_FATES, field) ? FIELD_FATES[field] : 'not used by MCP Connections; ignored'}`;
}

/** `npx @modelcontextprotocol/server-github`: the program, and for package runners the package. */
function describeCommand(command: string, args: string[]): string {
  const program = cleanName(command).split(/[\\/]/).pop()!.split(/\s+/)[0].slice(0, 40);
  const runner = /^(npx|uvx|bunx|pnpx|pipx)(\.cmd|\.exe)?$/i.test(program);
  const target = runner ? args.find((arg) => !arg.startsWith('-') && arg !== 'run' && /^[@\w][\w@./:-]*$/.test(arg) && arg.length <= 60) : undefined;
  return target ? `${program} ${target}` : program;
}

function dialectOf(source: ImportSource): Dialect {
  return source.client === 'claude-code' ? 'shell' : 'vscode';
}

export function clientName(source: ImportSource): string {
  return { vscode: 'VS Code', 'claude-code': 'Claude Code', cursor: 'Cursor', windsurf: 'Windsurf', 'claude-desktop': 'Claude Desktop' }[source.client];
}

/** Control and format characters (including bidi overrides) removed, whitespace trimmed. */
export function cleanName(name: string): string {
  return name.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
}

/** At most `max` UTF-16 units, never cutting a character in two. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: a file's "constructor" or "__proto__" key is never mistaken for a built-in. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
