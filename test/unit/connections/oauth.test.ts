import assert from 'node:assert/strict';
import { markdownText } from '../../../src/common/text';
import { ConnectionError } from '../../../src/connections/connection';
import { ConnectSlots } from '../../../src/connections/connectSlots';
import { describeState } from '../../../src/connections/state';
import type { FetchLike } from '../../../src/transport/types';
import { presentServer } from '../../../src/views/presentation';
import { OAuthFixture, OAuthFixtureOptions, startOAuthFixture } from '../../fixtures/authServer';
import { rejectionOf } from '../../support/assertions';
import { useCleanup } from '../../support/cleanup';
import { callText, entry, kindsOf, makeConnection } from '../../support/connections';
import { headlessBrowser } from '../../support/headlessBrowser';
import { MemoryAuthStore } from '../../support/memoryAuthStore';
import { waitFor } from '../../support/wait';

/** Every request the connection made (MCP, discovery, registration, token), with the headers it carried. */
interface SentRequest {
  url: URL;
  headers: Headers;
}

function recordingFetch(sent: SentRequest[]): FetchLike {
  return (url, init) => {
    sent.push({ url: new URL(String(url)), headers: new Headers(init?.headers) });
    return fetch(url, init);
  };
}

describe('Connection: OAuth sign-in', function () {
  this.timeout(30_000);
  const cleanup = useCleanup();

  async function fixture(options: OAuthFixtureOptions = {}): Promise<OAuthFixture> {
    const started = await startOAuthFixture(options);
    cleanup.add(() => started.close());
    return started;
  }

  /** A connection as the extension makes one for an OAuth server, with the user's browser played by a headless one. */
  function oauthConnection(as: OAuthFixture, raw: Record<string, unknown> = {}, options: { store?: MemoryAuthStore } = {}) {
    const store = options.store ?? new MemoryAuthStore();
    const opened: URL[] = [];
    const sent: SentRequest[] = [];
    const browse = headlessBrowser();
    const harness = makeConnection(cleanup, entry('docs', { url: as.mcpUrl.href, ...raw }), {
      authStore: store,
      openBrowser: async (url) => {
        opened.push(url);
        await browse(url);
      },
      signInTimeoutMs: 10_000,
      transport: { fetch: recordingFetch(sent) },
      secrets: { 'api-key': 'x-api-canary-5d1e' },
    });
    return { ...harness, store, opened, sent };
  }

  const host = (as: OAuthFixture) => new URL(as.issuer).host;

  it('a connect never opens the browser: the state is "needs sign-in · <authorization server>", without reconnecting; Sign In connects with the token', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'] });
    const { connection, states, opened, sent } = oauthConnection(as, { headers: { 'X-Api-Key': '${secret:api-key}' } });
    assert.equal(connection.usesOAuth, true);

    const error = await rejectionOf(connection.connect());
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.failure.kind, 'sign-in-required');
    assert.equal(error.reason, `The server needs you to sign in with ${host(as)} (OAuth) — sign in to connect it.`);
    assert.deepEqual(connection.state, { kind: 'needs-sign-in', issuer: host(as) });
    assert.equal(describeState(connection.state), `needs sign-in · ${host(as)}`);
    assert.equal(presentServer(connection).contextValue, 'server:needs-sign-in');
    assert.deepEqual(opened, [], 'no browser');
    assert.deepEqual(as.log.authorizations(), [], 'no authorization request');
    const requestsAfterConnect = as.log.entries.length;
    // Proving an absence: a reconnect would have come within the test settings' 50–200 ms backoff.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(as.log.entries.length, requestsAfterConnect, 'nothing asked again');
    assert.deepEqual(kindsOf(states), ['disconnected', 'connecting', 'needs-sign-in']);

    await connection.signIn();
    assert.equal(opened.length, 1);
    assert.equal(connection.state.kind, 'connected');
    assert.equal(await callText(connection, 'whoami', {}), 'mcp:read', 'the token works for a tool call');

    const status = await connection.authStatus();
    assert.deepEqual({ ...status, expiresAt: typeof status?.expiresAt }, { kind: 'oauth', issuer: as.issuer, scopes: ['mcp:read'], clientId: status?.clientId, expiresAt: 'object' });
    const state = connection.state.kind === 'connected' ? connection.state : undefined;
    assert.equal(state?.auth?.issuer, as.issuer);
    assert.ok(presentServer(connection).tooltip.includes(`\nSign-in: OAuth via ${markdownText(as.issuer)}, expires `), presentServer(connection).tooltip);

    const mcpPosts = sent.filter((request) => request.url.href === as.mcpUrl.href && request.headers.get('content-type'));
    const lastPost = mcpPosts.at(-1);
    assert.match(lastPost?.headers.get('authorization') ?? '', /^Bearer at-/, 'the MCP endpoint gets the bearer token');
    assert.equal(lastPost?.headers.get('x-api-key'), 'x-api-canary-5d1e', 'and the configured header');
    const elsewhere = sent.filter((request) => request.url.origin !== as.mcpUrl.origin || request.url.pathname !== as.mcpUrl.pathname);
    assert.ok(elsewhere.some((request) => request.url.origin === as.issuer), 'discovery, registration and token requests went to the AS');
    for (const request of elsewhere) {
      assert.equal(request.headers.get('x-api-key'), null, `no configured header to ${request.url.origin}${request.url.pathname}`);
      assert.equal(request.headers.get('authorization'), null, `no bearer token to ${request.url.origin}${request.url.pathname}`);
    }
  });

  it('an expired access token is renewed silently with the refresh token: the call succeeds, no browser, one line in the log', async () => {
    const as = await fixture();
    const { connection, opened, logger } = oauthConnection(as);
    await rejectionOf(connection.connect());
    await connection.signIn();
    as.provider.expireAccessTokens();

    assert.equal(await callText(connection, 'whoami', {}), '');
    assert.equal(opened.length, 1, 'no second browser');
    assert.equal(as.log.tokenRequests('refresh_token').length, 1);
    assert.equal(connection.state.kind, 'connected');
    assert.equal(logger.lines.filter((line) => line.includes('Renewed the sign-in')).length, 1);
  });

  it('a refresh refused with invalid_grant: the call fails saying to sign in again, the state is needs sign-in, nothing loops and no browser opens', async () => {
    const as = await fixture();
    const { connection, opened, states } = oauthConnection(as);
    await rejectionOf(connection.connect());
    await connection.signIn();
    as.provider.expireAccessTokens();
    as.knobs.failNextRefresh = true;

    const error = await rejectionOf(callText(connection, 'whoami', {}));
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.reason, `${host(as)} no longer accepts the sign-in (revoked or expired) — sign in again.`);
    assert.deepEqual(connection.state, { kind: 'needs-sign-in', issuer: host(as) });
    const requests = as.log.entries.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(as.log.entries.length, requests, 'no request after it');
    assert.equal(opened.length, 1);
    assert.deepEqual(kindsOf(states).slice(-2), ['connected', 'needs-sign-in']);
  });

  it('more permissions: a list that needs them makes the connect need a sign-in; one that asks for the union connects; a tool that needs more keeps the connection and says so', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'], stepUp: { 'tools/list': ['mcp:read', 'mcp:list'], 'tools/call:write': ['mcp:read', 'mcp:list', 'mcp:write'] } });
    const { connection, opened } = oauthConnection(as);
    await rejectionOf(connection.connect());
    const stepUp = await rejectionOf(connection.signIn());
    assert.ok(stepUp instanceof ConnectionError);
    assert.equal(stepUp.reason, 'The server needs permissions the sign-in does not grant (scope "mcp:read mcp:list") — sign in again to grant them.');
    const kind = () => connection.state.kind; // read afresh: the state changes under the test
    assert.equal(kind(), 'needs-sign-in');

    await connection.signIn();
    assert.equal(kind(), 'connected');
    assert.deepEqual(as.log.authorizations().map((request) => request.query.scope), ['mcp:read', 'mcp:read mcp:list']);
    const write = await rejectionOf(callText(connection, 'write', { text: 'x' }));
    assert.ok(write instanceof ConnectionError);
    assert.deepEqual([write.failure.kind, write.failure.kind === 'sign-in-required' && write.failure.reason], ['sign-in-required', 'insufficient-scope']);
    assert.equal(kind(), 'connected', 'the rest keeps working');
    await connection.signIn();
    assert.equal(await callText(connection, 'write', { text: 'x' }), 'wrote x');
    assert.equal(opened.length, 3);
  });

  it('a 401 on the GET stream: needs sign-in, no browser, no reconnect loop', async () => {
    const as = await fixture({ refuseGetStream: true });
    const { connection, opened } = oauthConnection(as);
    await rejectionOf(connection.connect());
    await connection.signIn();
    await waitFor(() => connection.state.kind === 'needs-sign-in', 'the GET stream refusal to show');
    assert.equal(connection.state.kind, 'needs-sign-in');
    assert.equal(opened.length, 1, 'only the sign-in the user asked for');
    const requests = as.log.entries.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(as.log.entries.length, requests, 'nothing asked again');
  });

  it('auth "headers": a Bearer challenge is not a sign-in — the sentence says how to allow one; nothing is asked of the AS', async () => {
    const as = await fixture();
    const { connection, opened } = oauthConnection(as, { auth: 'headers' });
    assert.equal(connection.usesOAuth, false);
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, `The server asks you to sign in with OAuth (HTTP 401), but this server's "auth" is "headers" — set "auth" to "auto" to sign in, or add an "Authorization" header to its "headers".`);
    assert.equal(connection.state.kind, 'error');
    assert.deepEqual([opened.length, as.log.entries.filter((request) => request.server === 'as').length], [0, 0]);
    const signIn = await rejectionOf(connection.signIn());
    assert.ok(signIn instanceof ConnectionError);
    assert.equal(signIn.failure.kind, 'sign-in-unavailable');
  });

  it('auto with a configured Authorization header: a 401 is "token rejected", never a sign-in', async () => {
    const as = await fixture();
    const { connection, opened, logger } = oauthConnection(as, { headers: { Authorization: 'Bearer ${secret:api-key}' } });
    assert.equal(connection.usesOAuth, false);
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, `The server rejected the token in this server's "Authorization" header (HTTP 401) — check or renew it.`);
    assert.deepEqual([opened.length, as.log.entries.filter((request) => request.server === 'as').length], [0, 0]);
    assert.ok(!logger.lines.join('\n').includes('x-api-canary'));
  });

  it('the log tells every step, one line each, and no token, code, verifier or client secret (canary)', async () => {
    const as = await fixture({ knobs: { tokenEndpointAuthMethods: ['client_secret_post'] } });
    const { connection, logger, store } = oauthConnection(as);
    await rejectionOf(connection.connect());
    await connection.signIn();
    as.provider.expireAccessTokens();
    await callText(connection, 'whoami', {});

    const tokens = store.find<{ access_token: string; refresh_token: string }>('mcp-connections.oauth.tokens');
    const client = store.find<{ information: { client_id: string; client_secret: string } }>('mcp-connections.oauth.client');
    assert.ok(tokens?.access_token && tokens.refresh_token && client?.information.client_secret, 'the canaries exist');
    const codes = as.log.tokenRequests('authorization_code').map((request) => [request.body.code, request.body.code_verifier]).flat();
    const log = logger.lines.join('\n');
    for (const [what, secret] of [
      ['access token', tokens.access_token],
      ['refresh token', tokens.refresh_token],
      ['client secret', client.information.client_secret],
      ...codes.map((code) => ['code or verifier', code]),
    ]) {
      assert.ok(!log.includes(secret), `no ${what} in the log`);
    }
    const clientId = client.information.client_id;
    assert.ok(logger.lines.includes(`info [docs] OAuth: registered client ${clientId} with ${as.issuer} (dynamic) for ${JSON.parse(as.log.registrations()[0].body.redirect_uris)[0]}`), log);
    assert.ok(logger.lines.some((line) => line.startsWith(`info [docs] Signing in via ${as.issuer} — dynamic client ${clientId}, no scope, redirect http://127.0.0.1:`)), log);
    assert.ok(logger.lines.some((line) => line.startsWith(`info [docs] Signed in via ${as.issuer} — no scope, expires `)), log);
    assert.ok(connection.redact(`Bearer ${tokens.access_token}`).endsWith('***'), 'the redactor knows the token');
  });

  it('Sign Out forgets the tokens and ends the session: needs sign-in, and a connect does not sign in again by itself', async () => {
    const as = await fixture();
    const { connection, opened, store } = oauthConnection(as);
    await rejectionOf(connection.connect());
    await connection.signIn();
    await connection.signOut();
    assert.deepEqual(connection.state, { kind: 'needs-sign-in', issuer: host(as) });
    assert.equal(store.find('mcp-connections.oauth.tokens'), undefined);
    assert.equal(await connection.authStatus(), undefined);
    await rejectionOf(connection.connect());
    assert.equal(connection.state.kind, 'needs-sign-in');
    assert.equal(opened.length, 1);
  });

  it('a sign-in the browser never finishes: rejected as timed out, nothing stored, still needs sign-in', async () => {
    const as = await fixture();
    const store = new MemoryAuthStore();
    const { connection } = makeConnection(cleanup, entry('docs', { url: as.mcpUrl.href }), { authStore: store, openBrowser: async () => undefined, signInTimeoutMs: 300 });
    await rejectionOf(connection.connect());
    const error = await rejectionOf(connection.signIn());
    assert.ok(error instanceof ConnectionError);
    assert.deepEqual([error.failure.kind, error.failure.kind === 'sign-in-failed' && error.failure.failure], ['sign-in-failed', 'timeout']);
    assert.equal(connection.state.kind, 'needs-sign-in');
    assert.equal(store.find('mcp-connections.oauth.tokens'), undefined);
  });

  it('a pre-registered client whose secret is "${secret:…}": resolved like header values, used at the token endpoint, never logged; a missing one names the setting', async () => {
    const as = await fixture({ knobs: { dynamicRegistration: false, tokenEndpointAuthMethods: ['client_secret_post'] } });
    as.provider.addClient({ client_id: 'pre-registered', client_secret: 'client-secret-canary-77', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'client_secret_post' });
    const raw = { url: as.mcpUrl.href, oauth: { clientId: 'pre-registered', clientSecret: '${secret:docs-client}' } };
    const browse = headlessBrowser();
    // One connect slot shared, as a manager's are: a connect that fails on the secret must give its slot back.
    const slots = new ConnectSlots(1);
    const missing = makeConnection(cleanup, entry('docs', raw), { authStore: new MemoryAuthStore(), openBrowser: browse, slots });
    const error = await rejectionOf(missing.connection.connect());
    assert.equal(error.message, `"oauth.clientSecret" uses \${secret:docs-client}, but no secret named "docs-client" is stored — run "MCP Connections: Set Secret…".`);
    await rejectionOf(missing.connection.connect());

    const { connection, logger } = makeConnection(cleanup, entry('docs', raw), { authStore: new MemoryAuthStore(), openBrowser: browse, secrets: { 'docs-client': 'client-secret-canary-77' }, slots });
    await rejectionOf(connection.connect());
    await connection.signIn();
    assert.equal(connection.state.kind, 'connected');
    const [exchange] = as.log.tokenRequests('authorization_code');
    assert.deepEqual([exchange.body.client_id, exchange.clientAuth], ['pre-registered', 'client_secret_post']);
    assert.equal(as.log.registrations().length, 0);
    assert.ok(!logger.lines.join('\n').includes('canary'));
    assert.ok(logger.lines.some((line) => line.includes('Signing in via') && line.includes('configured client pre-registered')));
  });

  it('without a token store, OAuth is unavailable: the sentence gives the header workaround, and Sign In says why it cannot', async () => {
    const as = await fixture();
    const { connection } = makeConnection(cleanup, entry('docs', { url: as.mcpUrl.href }), { openBrowser: async () => undefined });
    const error = await rejectionOf(connection.connect());
    assert.equal(error.message, `The server asks you to sign in with OAuth (HTTP 401), which is not available here — as a workaround, add an "Authorization": "Bearer <token>" header to this server's "headers".`);
    const signIn = await rejectionOf(connection.signIn());
    assert.ok(signIn instanceof ConnectionError);
    assert.deepEqual(signIn.failure, { kind: 'sign-in-unavailable', why: 'no-store' });
  });
});
