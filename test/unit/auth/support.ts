import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { OAuthSession, OAuthSessionOptions } from '../../../src/auth/oauthSession';
import type { AuthEvent, AuthStore, InteractiveSignIn, OAuthSettings } from '../../../src/auth/types';
import { headlessBrowser, HeadlessBrowserOptions } from '../../support/headlessBrowser';
import { MemoryAuthStore } from '../../support/memoryAuthStore';
import { Cleanup } from '../../support/cleanup';

export interface TestSession {
  session: OAuthSession;
  store: MemoryAuthStore;
  events: AuthEvent[];
  /** Every request the session made (discovery, registration, token), by URL. */
  requests: { url: URL; body?: string }[];
}

export function newSession(
  resourceUrl: URL,
  options: {
    settings?: OAuthSettings;
    store?: MemoryAuthStore;
    /** Another kind of store for the session (then `store` of the result stays empty). */
    authStore?: AuthStore;
    now?: () => number;
    server?: string;
  } & Partial<Pick<OAuthSessionOptions, 'fetch'>> = {},
): TestSession {
  const store = options.store ?? new MemoryAuthStore();
  const events: AuthEvent[] = [];
  const requests: TestSession['requests'] = [];
  const baseFetch = options.fetch ?? fetch;
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push({ url, body: typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : undefined });
    return baseFetch(input, init);
  };
  const session = new OAuthSession({
    server: options.server ?? 'test-server',
    resourceUrl,
    settings: options.settings ?? {},
    store: options.authStore ?? store,
    fetch: recordingFetch,
    now: options.now,
    onEvent: (event) => events.push(event),
  });
  return { session, store, events, requests };
}

/** The browser a user would have, played by the headless opener. */
export function browser(options: HeadlessBrowserOptions & Partial<InteractiveSignIn> = {}): InteractiveSignIn & { opened: URL[] } {
  const opened: URL[] = [];
  const open = headlessBrowser(options);
  return {
    opened,
    openBrowser: async (url) => {
      opened.push(url);
      await open(url);
    },
    askForClient: options.askForClient,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

/**
 * An SDK MCP client whose requests carry the session's token, and that answers a 401/403 as the product's transport
 * will: `challenged()`, then one more try — the loop a user's tool call goes through.
 */
export async function connectMcp(cleanup: Cleanup, mcpUrl: URL, session: OAuthSession, interactive?: InteractiveSignIn): Promise<Client> {
  const authorizedFetch: typeof fetch = async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const authorization = await session.authorization();
      const headers = new Headers(init?.headers);
      if (authorization) headers.set('authorization', authorization);
      const response = await fetch(input, { ...init, headers });
      if ((response.status !== 401 && response.status !== 403) || attempt >= 5) return response;
      await response.body?.cancel();
      await session.challenged({ status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), requestKey: requestKeyOf(init?.body), authorization }, interactive);
    }
  };
  const client = new Client({ name: 'oauth-test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { fetch: authorizedFetch }));
  cleanup.add(() => client.close());
  return client;
}

function requestKeyOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { method?: string; params?: { name?: string } };
    return message.params?.name ? `${message.method}:${message.params.name}` : message.method;
  } catch {
    return undefined;
  }
}

/** The text of a tool's first content item. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return content[0]?.text ?? '';
}

/** Fails (naming the secret's kind, never its value) when a secret value appears in any of the texts. */
export function assertNoSecret(texts: string[], secrets: Record<string, string | undefined>): void {
  for (const [kind, value] of Object.entries(secrets)) {
    if (!value) continue;
    const leaked = texts.findIndex((text) => text.includes(value));
    assert.equal(leaked, -1, `a ${kind} appears in text #${leaked}`);
  }
}
