/**
 * A server's URL, parsed once: where requests go, what may be shown, and what must be kept secret.
 * `fetch` refuses URLs with user:password, so URL credentials travel as a Basic header instead.
 */
export interface Endpoint {
  /** The URL as configured (normalised), credentials included: for comparing, never for showing. */
  readonly configured: string;
  /** Where requests go: the configured URL without credentials. */
  readonly requestUrl: URL;
  /** The URL as it may be shown: no credentials, no fragment, secret-looking query values masked. */
  readonly displayUrl: string;
  /** scheme://host:port, the only place configured headers may go. */
  readonly origin: string;
  /** host:port, for sentences ("Connection refused by 127.0.0.1:3000"). */
  readonly host: string;
  /** The Authorization header the URL's credentials become. */
  readonly credentialsHeader?: string;
  /** Everything of the URL that must never be shown: the password (as written and decoded) and the Basic value. */
  readonly secretValues: readonly string[];
}

const SECRET_QUERY_KEY = /token|key|secret|auth|pass|sig|credential|session|code/i;

/** Parses an absolute http(s) URL (validation has checked it); throws on anything else. */
export function resolveEndpoint(url: string | URL): Endpoint {
  const parsed = new URL(String(url));
  const requestUrl = new URL(parsed.href);
  requestUrl.username = '';
  requestUrl.password = '';
  let credentialsHeader: string | undefined;
  const secretValues: string[] = [];
  if (parsed.username || parsed.password) {
    const user = decodeUrlPart(parsed.username);
    const password = decodeUrlPart(parsed.password);
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    credentialsHeader = `Basic ${basic}`;
    if (parsed.password) secretValues.push(password, parsed.password, basic);
  }
  return {
    configured: parsed.href,
    requestUrl,
    displayUrl: displayUrl(parsed),
    origin: parsed.origin,
    host: parsed.host,
    credentialsHeader,
    secretValues,
  };
}

/** The URL as it may be shown to a user: no userinfo, no fragment, query values that look secret replaced. */
export function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  shown.hash = '';
  for (const key of [...shown.searchParams.keys()]) {
    if (SECRET_QUERY_KEY.test(key)) shown.searchParams.set(key, '***');
  }
  return shown.href.replace(/%2A%2A%2A/g, '***');
}

/** "p%40ss" → "p@ss"; a stray "%" that is no escape stays as written. */
function decodeUrlPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Whether `to` is on the origin of `from`, or is its https form with both on default ports — the
 * SDK's rule for the redirects it follows, and so the rule for where configured headers may go.
 */
export function isWithinOrigin(from: URL, to: URL): boolean {
  if (from.protocol === to.protocol && from.hostname === to.hostname && from.port === to.port) return true;
  return from.hostname === to.hostname && from.protocol === 'http:' && from.port === '' && to.protocol === 'https:' && to.port === '';
}

/**
 * Which request URLs are the MCP endpoint: the configured one (any query), on its origin, plus the
 * URLs the server itself pointed at (a same-origin redirect target, the endpoint a legacy SSE server
 * announces). Only those get configured headers and the transport's MCP rules; the OAuth discovery,
 * registration and token requests that the SDK sends through the same fetch are not among them.
 */
export class EndpointRoutes {
  private readonly paths = new Set<string>();

  constructor(private readonly endpoint: Endpoint) {
    this.paths.add(endpoint.requestUrl.pathname);
  }

  /** Where the session's own requests go. */
  get endpointUrl(): URL {
    return this.endpoint.requestUrl;
  }

  includes(url: string | URL): boolean {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch {
      return false;
    }
    return isWithinOrigin(this.endpoint.requestUrl, parsed) && this.paths.has(parsed.pathname) && !parsed.username && !parsed.password;
  }

  /** A URL the server pointed at, on the endpoint's origin (anything else is ignored). */
  add(url: URL): void {
    if (isWithinOrigin(this.endpoint.requestUrl, url)) this.paths.add(url.pathname);
  }
}
