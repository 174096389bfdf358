import { DEFAULT_TIMEOUT_SECONDS, ServerEntry } from './serverConfig';

const KNOWN_KEYS = new Set(['url', 'headers', 'enabled', 'autoConnect', 'transport', 'timeoutSeconds']);
const TRANSPORTS = new Set(['auto', 'streamable-http', 'sse']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_NAME = 100;
const MAX_URL = 2048;
const MAX_HEADER_VALUE = 8192;
const MAX_TIMEOUT_SECONDS = 600;

/**
 * Turns the raw `mcpConnections.servers` value into entries, one per server name. Never throws:
 * a bad entry becomes that server's `problem`, phrased as what is wrong and how to fix it.
 */
export function validateServers(raw: unknown, scopeOf: (name: string) => 'user' | 'workspace' = () => 'user'): ServerEntry[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ name: '(settings)', problem: 'mcpConnections.servers must be an object keyed by server name, e.g. { "docs": { "url": "https://…/mcp" } }.', warnings: [], scope: 'user' }];
  }
  const entries: ServerEntry[] = [];
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const entry = validateServer(name, value, scopeOf(name));
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined && !entry.problem) {
      entry.problem = `The name "${name}" differs from "${clash}" only in case — rename one of them.`;
      delete entry.config;
    }
    seen.set(name.toLowerCase(), name);
    entries.push(entry);
  }
  return entries;
}

export function validateServer(name: string, value: unknown, scope: 'user' | 'workspace'): ServerEntry {
  const fail = (problem: string): ServerEntry => ({ name, problem, warnings: [], scope });
  if (name.trim() === '') return fail('The server name is empty — give it a name.');
  if (name.length > MAX_NAME) return fail(`The server name is longer than ${MAX_NAME} characters — shorten it.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`The entry must be an object like { "url": "https://…/mcp" }, not ${describeType(value)}.`);
  }
  const raw = value as Record<string, unknown>;
  const warnings = Object.keys(raw)
    .filter((key) => !KNOWN_KEYS.has(key))
    .map((key) => `Unknown setting "${key}" is ignored (known: ${[...KNOWN_KEYS].join(', ')}).`);

  const url = checkUrl(raw.url);
  if (typeof url !== 'string' || !url.startsWith('ok:')) return fail(url);

  const headers = checkHeaders(raw.headers);
  if (typeof headers === 'string') return fail(headers);

  for (const key of ['enabled', 'autoConnect'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') return fail(`"${key}" must be true or false.`);
  }
  if (raw.transport !== undefined && !TRANSPORTS.has(raw.transport as string)) {
    return fail(`"transport" must be "auto", "streamable-http" or "sse", not ${JSON.stringify(raw.transport)}.`);
  }
  const timeout = raw.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
    return fail(`"timeoutSeconds" must be a number of seconds between 1 and ${MAX_TIMEOUT_SECONDS}.`);
  }

  return {
    name,
    scope,
    warnings,
    config: {
      name,
      url: url.slice(3),
      headers,
      enabled: (raw.enabled as boolean | undefined) ?? true,
      autoConnect: (raw.autoConnect as boolean | undefined) ?? true,
      transport: (raw.transport as 'auto' | 'streamable-http' | 'sse' | undefined) ?? 'auto',
      timeoutSeconds: timeout,
    },
  };
}

/** "ok:<url>" or the problem. */
function checkUrl(value: unknown): string {
  if (value === undefined || value === '') return 'The "url" is missing — set it to the server\'s MCP endpoint, e.g. "https://example.com/mcp".';
  if (typeof value !== 'string') return `"url" must be a string, not ${describeType(value)}.`;
  if (value.length > MAX_URL) return `The "url" is longer than ${MAX_URL} characters — check it.`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return `The "url" is not an absolute URL — write it in full, e.g. "https://example.com/mcp".`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    if (/^[^:/]+:\d+(\/|$)/.test(value)) {
      // "localhost:3000/mcp" parses as the scheme "localhost:"; the user left out http://.
      return `The "url" has no scheme — start it with http:// or https://, e.g. "http://localhost:3000/mcp".`;
    }
    return `The "url" must start with http:// or https://, not ${parsed.protocol}.`;
  }
  return `ok:${parsed.href}`;
}

function checkHeaders(value: unknown): Record<string, string> | string {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `"headers" must be an object of header names to string values, not ${describeType(value)}.`;
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value as Record<string, unknown>)) {
    // Quoted only up to a colon: a pasted "Authorization: Bearer …" line must not show its token.
    if (!HEADER_NAME.test(name)) return `The header name ${JSON.stringify(name.includes(':') ? name.slice(0, name.indexOf(':') + 1) : name.slice(0, 40))} has characters not allowed in HTTP header names — use letters, digits and dashes.`;
    if (typeof headerValue !== 'string') return `The value of header "${name}" must be a string, not ${describeType(headerValue)}.`;
    if (headerValue.length > MAX_HEADER_VALUE) return `The value of header "${name}" is longer than ${MAX_HEADER_VALUE} characters — check it.`;
    if (/[\r\n\0]/.test(headerValue)) return `The value of header "${name}" contains a line break — remove it.`;
    headers[name] = headerValue;
  }
  return headers;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
