import type { RetryPolicy } from '../common/backoff';
import { TRANSPORT_KINDS, TransportKind } from '../transport/defaults';
import { Endpoint, resolveEndpoint } from '../transport/endpoint';
import { GET_FALLBACK_STATUSES, MAX_HEADER_VALUE_LENGTH, MAX_NAME_LENGTH, MAX_URL_LENGTH, RECONNECT, REDIRECT_HOSTS, REDIRECT_PORT, TIMEOUT_SECONDS } from './limits';
import { AUTH_MODES, AuthMode, DEFAULT_GLOBAL_SETTINGS, GlobalSettings, OAuthConfig, ServerEntry, ServerScope } from './serverConfig';

export const KNOWN_KEYS = ['url', 'headers', 'enabled', 'autoConnect', 'transport', 'timeoutSeconds', 'exposeToChat', 'auth', 'oauth'];
export const KNOWN_OAUTH_KEYS = ['clientId', 'clientSecret', 'clientMetadataUrl', 'scope', 'redirectHost', 'redirectPort'];
/** The characters RFC 9110 allows in a header name (a "token"). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** How the settings are called where the user wrote them: in settings.json, or on the command line. */
export interface Subjects {
  url: string;
  timeoutSeconds: string;
}

const SETTINGS_SUBJECTS: Subjects = { url: '"url"', timeoutSeconds: '"timeoutSeconds"' };
export const COMMAND_LINE_SUBJECTS: Subjects = { url: 'URL', timeoutSeconds: '--timeout' };

/**
 * Turns the raw `mcpConnections.servers` value into entries, one per server name. Never throws:
 * a bad entry becomes that server's `problem`, phrased as what is wrong and how to fix it.
 */
export function validateServers(raw: unknown, scopeOf: (name: string) => ServerScope = () => 'user'): ServerEntry[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ name: '(settings)', problem: 'mcpConnections.servers must be an object keyed by server name, e.g. { "docs": { "url": "https://…/mcp" } }.', warnings: [], scope: 'user' }];
  }
  const entries: ServerEntry[] = [];
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    let entry = validateServer(name, value, scopeOf(name));
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined && !entry.problem) {
      entry = { name, scope: entry.scope, warnings: entry.warnings, problem: `The name "${name}" differs from "${clash}" only in case — rename one of them.` };
    }
    seen.set(name.toLowerCase(), name);
    entries.push(entry);
  }
  return entries;
}

export function validateServer(name: string, value: unknown, scope: ServerScope, subjects: Subjects = SETTINGS_SUBJECTS): ServerEntry {
  const fail = (problem: string): ServerEntry => ({ name, problem, warnings: [], scope });
  if (name.trim() === '') return fail('The server name is empty — give it a name.');
  if (name.length > MAX_NAME_LENGTH) return fail(`The server name is longer than ${MAX_NAME_LENGTH} characters — shorten it.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`The entry must be an object like { "url": "https://…/mcp" }, not ${describeType(value)}.`);
  }
  const raw = value as Record<string, unknown>;
  const warnings = Object.keys(raw)
    .filter((key) => !KNOWN_KEYS.includes(key))
    .map((key) => `Unknown setting "${key}" is ignored (known: ${KNOWN_KEYS.join(', ')}).`);

  const url = checkUrl(raw.url, subjects.url);
  if ('problem' in url) return fail(url.problem);

  const headers = checkHeaders(raw.headers);
  if (typeof headers === 'string') return fail(headers);

  for (const key of ['enabled', 'autoConnect', 'exposeToChat'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') return fail(`"${key}" must be true or false.`);
  }
  if (raw.transport !== undefined && !TRANSPORT_KINDS.includes(raw.transport as TransportKind)) {
    return fail(`"transport" must be ${listOf(TRANSPORT_KINDS.map((kind) => `"${kind}"`))}, not ${JSON.stringify(raw.transport)}.`);
  }
  const timeout = raw.timeoutSeconds ?? TIMEOUT_SECONDS.default;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < TIMEOUT_SECONDS.minimum || timeout > TIMEOUT_SECONDS.maximum) {
    return fail(`${subjects.timeoutSeconds} must be a number of seconds between ${TIMEOUT_SECONDS.minimum} and ${TIMEOUT_SECONDS.maximum}.`);
  }
  const auth = raw.auth ?? 'auto';
  if (!AUTH_MODES.includes(auth as AuthMode)) return fail(`"auth" must be ${listOf(AUTH_MODES.map((mode) => `"${mode}"`))}, not ${JSON.stringify(auth)}.`);
  const oauth = checkOAuth(raw.oauth, warnings);
  if (typeof oauth === 'string') return fail(oauth);
  if (auth === 'oauth') {
    for (const header of Object.keys(headers).filter((key) => key.toLowerCase() === 'authorization')) {
      delete headers[header];
      warnings.push(`"auth" is "oauth", so the configured "${header}" header is not sent (the sign-in's token is) — remove it, or set "auth" to "headers" to send it.`);
    }
  }
  if (auth === 'headers' && raw.oauth !== undefined) warnings.push(`"auth" is "headers", so "oauth" is ignored — set "auth" to "auto" or "oauth" to sign in.`);

  return {
    name,
    scope,
    warnings,
    config: {
      name,
      endpoint: url.endpoint,
      headers,
      enabled: (raw.enabled as boolean | undefined) ?? true,
      autoConnect: (raw.autoConnect as boolean | undefined) ?? true,
      transport: (raw.transport as TransportKind | undefined) ?? 'auto',
      timeoutSeconds: timeout,
      exposeToChat: (raw.exposeToChat as boolean | undefined) ?? true,
      auth: auth as AuthMode,
      oauth,
    },
  };
}

/**
 * The settings that apply to every server, from their raw values. Never throws: a bad value keeps
 * its default and becomes a problem naming the setting and the fix.
 */
export function validateGlobalSettings(raw: { getFallbackStatuses?: unknown; maxAttempts?: unknown; initialDelaySeconds?: unknown; maxDelaySeconds?: unknown }): {
  settings: GlobalSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const defaults = DEFAULT_GLOBAL_SETTINGS;
  let getFallbackStatuses = defaults.getFallbackStatuses;
  const statuses = raw.getFallbackStatuses;
  if (statuses !== undefined) {
    const { minimum, maximum } = GET_FALLBACK_STATUSES;
    if (Array.isArray(statuses) && statuses.every((s) => Number.isInteger(s) && s >= minimum && s <= maximum)) getFallbackStatuses = statuses as number[];
    else problems.push(`mcpConnections.getFallbackStatuses must be a list of HTTP statuses between ${minimum} and ${maximum}, e.g. [404, 405] — using the default ${JSON.stringify(defaults.getFallbackStatuses)}.`);
  }
  const seconds = (key: 'maxAttempts' | 'initialDelaySeconds' | 'maxDelaySeconds', fallback: number): number => {
    const value = raw[key];
    const range = RECONNECT[key];
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= range.minimum && value <= range.maximum) return value;
    problems.push(`mcpConnections.reconnect.${key} must be a whole number between ${range.minimum} and ${range.maximum} — using the default ${fallback}.`);
    return fallback;
  };
  const reconnect: RetryPolicy = {
    maxAttempts: seconds('maxAttempts', defaults.reconnect.maxAttempts),
    initialDelayMs: seconds('initialDelaySeconds', defaults.reconnect.initialDelayMs / 1000) * 1000,
    maxDelayMs: seconds('maxDelaySeconds', defaults.reconnect.maxDelayMs / 1000) * 1000,
  };
  return { settings: { getFallbackStatuses, reconnect }, problems };
}

function checkUrl(value: unknown, name: string): { endpoint: Endpoint } | { problem: string } {
  const problem = (text: string) => ({ problem: text });
  const subject = `The ${name}`;
  if (value === undefined || value === '') return problem(`${subject} is missing — set it to the server's MCP endpoint, e.g. "https://example.com/mcp".`);
  if (typeof value !== 'string') return problem(`${name} must be a string, not ${describeType(value)}.`);
  if (value.length > MAX_URL_LENGTH) return problem(`${subject} is longer than ${MAX_URL_LENGTH} characters — check it.`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return problem(`${subject} is not an absolute URL — write it in full, e.g. "https://example.com/mcp".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    if (/^[^:/]+:\d+(\/|$)/.test(value)) {
      // "localhost:3000/mcp" parses as the scheme "localhost:"; the user left out http://.
      return problem(`${subject} has no scheme — start it with http:// or https://, e.g. "http://localhost:3000/mcp".`);
    }
    return problem(`${subject} must start with http:// or https://, not ${parsed.protocol}.`);
  }
  return { endpoint: resolveEndpoint(parsed) };
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
    if (headerValue.length > MAX_HEADER_VALUE_LENGTH) return `The value of header "${name}" is longer than ${MAX_HEADER_VALUE_LENGTH} characters — check it.`;
    if (/[\r\n\0]/.test(headerValue)) return `The value of header "${name}" contains a line break — remove it.`;
    headers[name] = headerValue;
  }
  return headers;
}

/** The `oauth` object; a misspelt key is a warning (added to `warnings`), a bad value the problem. */
function checkOAuth(value: unknown, warnings: string[]): OAuthConfig | string {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `"oauth" must be an object like { "clientId": "…" }, not ${describeType(value)}.`;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw).filter((key) => !KNOWN_OAUTH_KEYS.includes(key))) {
    warnings.push(`Unknown setting "oauth.${key}" is ignored (known: ${KNOWN_OAUTH_KEYS.join(', ')}).`);
  }
  const oauth: OAuthConfig = {};
  for (const key of ['clientId', 'clientSecret', 'scope'] as const) {
    const text = raw[key];
    if (text === undefined) continue;
    if (typeof text !== 'string' || text.trim() === '') return `"oauth.${key}" must be a non-empty string${key === 'clientSecret' ? ' (it may be "${secret:NAME}")' : ''}.`;
    if (text.length > MAX_HEADER_VALUE_LENGTH || /[\r\n\0]/.test(text)) return `"oauth.${key}" is too long or contains a line break — check it.`;
    oauth[key] = text;
  }
  if (oauth.clientSecret !== undefined && oauth.clientId === undefined) return `"oauth.clientSecret" is set without "oauth.clientId" — set the client ID it belongs to.`;
  if (raw.clientMetadataUrl !== undefined) {
    const text = raw.clientMetadataUrl;
    const url = typeof text === 'string' && text.length <= MAX_URL_LENGTH ? parseUrl(text) : undefined;
    if (url?.protocol !== 'https:' || url.pathname === '/') {
      return `"oauth.clientMetadataUrl" must be the https URL of a client ID metadata document, with a path, e.g. "https://example.com/oauth/client.json".`;
    }
    oauth.clientMetadataUrl = url.href;
  }
  if (raw.redirectHost !== undefined) {
    if (!REDIRECT_HOSTS.includes(raw.redirectHost as OAuthConfig['redirectHost'] & string)) {
      return `"oauth.redirectHost" must be ${listOf(REDIRECT_HOSTS.map((host) => `"${host}"`))}, not ${JSON.stringify(raw.redirectHost)}.`;
    }
    oauth.redirectHost = raw.redirectHost as OAuthConfig['redirectHost'];
  }
  if (raw.redirectPort !== undefined) {
    const port = raw.redirectPort;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < REDIRECT_PORT.minimum || port > REDIRECT_PORT.maximum) {
      return `"oauth.redirectPort" must be a whole number between ${REDIRECT_PORT.minimum} and ${REDIRECT_PORT.maximum} (the loopback port registered with the authorization server), not ${JSON.stringify(port)}.`;
    }
    oauth.redirectPort = port;
  }
  return oauth;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** "a", "a or b", "a, b or c". */
export function listOf(items: readonly string[], conjunction = 'or'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
