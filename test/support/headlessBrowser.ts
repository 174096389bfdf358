/**
 * A stand-in for the user's browser in tests and conformance runs: "opens" an authorization URL by following its
 * redirects with `fetch` (redirect: 'manual', a small cookie jar, as a browser would) until it reaches the loopback
 * redirect URI, which it then requests for real — so the sign-in's own listener, its state and iss checks and the
 * token exchange all run. It approves nothing by itself: an authorization server that wants a login form stops it.
 */
export interface HeadlessBrowserOptions {
  fetch?: typeof fetch;
  maxSteps?: number;
  /** Sees (and may replace) the final redirect to the callback: how tests play an attacker in the browser. */
  rewriteCallback?: (url: URL) => URL;
  /** Every URL requested, in order. */
  visited?: URL[];
  /** The page the tab ends on (the callback's answer). */
  pages?: { status: number; contentType: string | null; text: string }[];
}

export function headlessBrowser(options: HeadlessBrowserOptions = {}): (url: URL) => Promise<void> {
  const fetchFn = options.fetch ?? fetch;
  return async (authorizationUrl: URL) => {
    const redirectUri = authorizationUrl.searchParams.get('redirect_uri');
    if (!redirectUri) throw new Error('the authorization URL has no redirect_uri');
    const callback = new URL(redirectUri);
    const jar = new CookieJar();
    let url = authorizationUrl;
    for (let step = 0; step < (options.maxSteps ?? 20); step++) {
      const isCallback = url.origin === callback.origin && url.pathname === callback.pathname;
      if (isCallback && options.rewriteCallback) url = options.rewriteCallback(url);
      options.visited?.push(url);
      const response = await fetchFn(url, { redirect: 'manual', headers: jar.headerFor(url) });
      jar.store(url, response.headers);
      const location = response.headers.get('location');
      if (isCallback) {
        // The page the tab shows; the sign-in itself learns the outcome from its listener, not from here.
        options.pages?.push({ status: response.status, contentType: response.headers.get('content-type'), text: await response.text() });
        return;
      }
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url);
        continue;
      }
      const text = (await response.text()).slice(0, 300);
      throw new Error(`the authorization page at ${url.origin}${url.pathname} answered ${response.status} instead of redirecting back: ${text}`);
    }
    throw new Error('too many redirects before the callback');
  };
}

/** Cookies by origin, name → value; enough for an authorization server's interaction cookies. */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  headerFor(url: URL): Record<string, string> {
    const cookies = this.byOrigin.get(url.origin);
    if (!cookies?.size) return {};
    return { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals < 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const cookies = this.byOrigin.get(url.origin) ?? new Map<string, string>();
      this.byOrigin.set(url.origin, cookies);
      const expired = attributes.some((attribute) => {
        const [key, val] = attribute.split('=').map((part) => part.trim().toLowerCase());
        return (key === 'max-age' && Number(val) <= 0) || (key === 'expires' && Date.parse(val) < Date.now());
      });
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}
