import assert from 'node:assert/strict';
import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { SignInRequiredError, TokenRefreshError } from '../../../src/auth/errors';
import type { StoredClient, StoredDiscovery, StoredTokens } from '../../../src/auth/sessionStore';
import { startOAuthFixture } from '../../fixtures/authServer';
import { startOidcProtectedServer } from '../../fixtures/authServer/oidcProvider';
import { Cleanup, useCleanup } from '../../support/cleanup';
import { browser, callTool, connectMcp, newSession, TestSession } from './support';

const HOUR = 3600_000;

/** A signed-in session whose clock can be moved, on one of the two authorization servers. */
interface Signed extends TestSession {
  mcpUrl: URL;
  challenge: string;
  advance(ms: number): void;
  refreshRequests(): number;
  tokens(): StoredTokens;
}

async function signedIn(cleanup: Cleanup, which: 'in-memory' | 'oidc-provider'): Promise<Signed> {
  let mcpUrl: URL;
  if (which === 'in-memory') {
    const fixture = await startOAuthFixture({ prmScopes: ['mcp:read'] });
    cleanup.add(() => fixture.close());
    mcpUrl = fixture.mcpUrl;
  } else {
    const fixture = await startOidcProtectedServer();
    cleanup.add(() => fixture.close());
    mcpUrl = fixture.mcpUrl;
  }
  let offset = 0;
  const test = newSession(mcpUrl, { now: () => Date.now() + offset });
  await test.session.signIn(browser());
  const tokens = () => test.store.find<StoredTokens>('mcp-connections.oauth.tokens') ?? assert.fail('no tokens stored');
  assert.ok(tokens().refresh_token, 'the AS issued a refresh token');
  return {
    ...test,
    mcpUrl,
    challenge: `Bearer error="invalid_token", resource_metadata="${mcpUrl.origin}/.well-known/oauth-protected-resource/mcp"`,
    advance: (ms) => void (offset += ms),
    refreshRequests: () => test.requests.filter((request) => request.body?.includes('grant_type=refresh_token')).length,
    tokens,
  };
}

/** One more refresh works (the rotated refresh token is valid: the grant survived), and so does a tool call. */
async function assertSignInSurvives(cleanup: Cleanup, signed: Signed): Promise<void> {
  const before = signed.refreshRequests();
  signed.advance(HOUR);
  const authorization = await signed.session.authorization();
  assert.ok(authorization, 'still signed in');
  assert.equal(signed.refreshRequests(), before + 1);
  assert.ok(signed.events.at(-1)?.kind === 'refreshed', `the last event is ${signed.events.at(-1)?.kind}`);
  const client = await connectMcp(cleanup, signed.mcpUrl, signed.session);
  assert.match(await callTool(client, 'whoami'), /mcp:read/);
}

for (const which of ['in-memory', 'oidc-provider'] as const) {
  describe(`OAuth refresh with rotating refresh tokens (${which} AS)`, () => {
    const cleanup = useCleanup();

    for (const callers of [2, 10]) {
      it(`${callers} concurrent authorization() calls with an expiring token: exactly one refresh, the sign-in survives`, async () => {
        const signed = await signedIn(cleanup, which);
        const old = signed.tokens();
        signed.advance(HOUR - 30_000);
        const results = await Promise.all(Array.from({ length: callers }, () => signed.session.authorization()));
        assert.equal(signed.refreshRequests(), 1);
        assert.equal(new Set(results).size, 1, 'every caller got the same, new token');
        assert.notEqual(results[0], `Bearer ${old.access_token}`);
        await assertSignInSurvives(cleanup, signed);
      });

      it(`${callers} concurrent 401 challenges: exactly one refresh, every caller retries, the sign-in survives`, async () => {
        const signed = await signedIn(cleanup, which);
        const authorization = await signed.session.authorization();
        const results = await Promise.all(
          Array.from({ length: callers }, () => signed.session.challenged({ status: 401, wwwAuthenticate: signed.challenge, authorization })),
        );
        assert.deepEqual(results, Array(callers).fill('retry'));
        assert.equal(signed.refreshRequests(), 1);
        await assertSignInSurvives(cleanup, signed);
      });
    }

    it('control: two refreshes racing with one refresh token destroy the sign-in on this AS (what single-flight prevents)', async () => {
      const signed = await signedIn(cleanup, which);
      const discovery = signed.store.find<StoredDiscovery>('mcp-connections.oauth.discovery') ?? assert.fail('no discovery stored');
      const client = signed.store.find<StoredClient>('mcp-connections.oauth.client') ?? assert.fail('no client stored');
      const { refresh_token: refreshToken, resource } = signed.tokens();
      const refresh = (token: string) =>
        refreshAuthorization(discovery.authorizationServerUrl, {
          metadata: discovery.authorizationServerMetadata,
          clientInformation: client.information,
          refreshToken: token,
          resource,
        });
      const outcomes = await Promise.allSettled([refresh(refreshToken ?? ''), refresh(refreshToken ?? '')]);
      const won = outcomes.find((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.find((outcome) => outcome.status === 'rejected');
      assert.ok(won && lost, 'one refresh won, one lost');
      assert.ok(lost.reason instanceof InvalidGrantError);
      // Reuse detection revoked the grant: even the winner's new refresh token is refused.
      await assert.rejects(refresh(won.value.refresh_token ?? ''), InvalidGrantError);
    });
  });
}

describe('OAuth refresh', () => {
  const cleanup = useCleanup();

  async function withFixture() {
    const fixture = await startOAuthFixture({ prmScopes: ['mcp:read'] });
    cleanup.add(() => fixture.close());
    let offset = 0;
    const test = newSession(fixture.mcpUrl, { now: () => Date.now() + offset });
    await test.session.signIn(browser());
    return { fixture, ...test, advance: (ms: number) => void (offset += ms) };
  }

  it('refreshes before expiry (clock injected): not with 61 s left, yes with 59 s; sends the resource; the new token works', async () => {
    const { fixture, session, events, advance } = await withFixture();
    const first = await session.authorization();
    advance(HOUR - 61_000);
    assert.equal(await session.authorization(), first, '61 s left: no refresh yet');
    advance(2_000);
    const second = await session.authorization();
    assert.notEqual(second, first);
    const [refresh] = fixture.log.tokenRequests('refresh_token');
    assert.equal(refresh.body.resource, fixture.mcpUrl.href);
    assert.ok(events.some((event) => event.kind === 'refreshed' && event.trigger === 'expiring'));
    const client = await connectMcp(cleanup, fixture.mcpUrl, session);
    assert.equal(await callTool(client, 'whoami'), 'mcp:read');
  });

  it('refreshes after a 401 and retries: parallel tool calls with a revoked access token share one refresh', async () => {
    const { fixture, session, events } = await withFixture();
    const client = await connectMcp(cleanup, fixture.mcpUrl, session);
    fixture.provider.expireAccessTokens();
    const texts = await Promise.all(Array.from({ length: 10 }, () => callTool(client, 'whoami')));
    assert.deepEqual(texts, Array(10).fill('mcp:read'));
    assert.equal(fixture.log.tokenRequests('refresh_token').length, 1);
    assert.ok(events.some((event) => event.kind === 'refreshed' && event.trigger === 'rejected'));
  });

  it('a 401 for a token that has been replaced since is retried without a refresh', async () => {
    const { fixture, session } = await withFixture();
    const stale = await session.authorization();
    await session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: stale });
    assert.equal(fixture.log.tokenRequests('refresh_token').length, 1);
    assert.equal(await session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: stale }), 'retry');
    assert.equal(fixture.log.tokenRequests('refresh_token').length, 1);
  });

  it('a token fresh from a refresh that is rejected again is not refreshed again (no loop): sign-in required', async () => {
    const { fixture, session } = await withFixture();
    await session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: await session.authorization() });
    const refreshed = await session.authorization();
    await assert.rejects(
      session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: refreshed }),
      (error: unknown) => error instanceof SignInRequiredError && error.reason === 'expired',
    );
    assert.equal(fixture.log.tokenRequests('refresh_token').length, 1);
  });

  it('a server that rejects every token gets at most 3 interactive sign-ins per request key, refreshes in between', async () => {
    const fixture = await startOAuthFixture();
    cleanup.add(() => fixture.close());
    const { session } = newSession(fixture.mcpUrl);
    const opener = browser();
    let retries = 0;
    const error = await (async () => {
      for (;;) {
        await session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: await session.authorization(), requestKey: 'tools/list' }, opener);
        retries++;
      }
    })().catch((caught: unknown) => caught);
    assert.ok(error instanceof SignInRequiredError, String(error));
    assert.equal(opener.opened.length, 3);
    assert.equal(retries, 6, 'three sign-ins, each followed by one refresh, each answered with a retry');
  });

  it('invalid_grant on refresh: tokens forgotten, SignInRequiredError, and no loop afterwards', async () => {
    const { fixture, session, store } = await withFixture();
    const client = await connectMcp(cleanup, fixture.mcpUrl, session);
    fixture.knobs.failNextRefresh = true;
    fixture.provider.expireAccessTokens();
    await assert.rejects(callTool(client, 'whoami'), (error: unknown) => error instanceof SignInRequiredError && error.reason === 'invalid-grant');
    assert.equal(await session.status(), undefined);
    assert.ok(![...store.entries.keys()].some((key) => key.includes('.tokens')), 'tokens forgotten');
    assert.deepEqual(session.needsSignIn, { issuer: fixture.issuer });
    await assert.rejects(callTool(client, 'whoami'), (error: unknown) => error instanceof SignInRequiredError && error.reason === 'no-token');
    assert.equal(fixture.log.tokenRequests('refresh_token').length, 1, 'the dead grant was tried once');
  });

  it('invalid_grant with an interactive caller: signs in again and the call goes through', async () => {
    const { fixture, session } = await withFixture();
    const client = await connectMcp(cleanup, fixture.mcpUrl, session, browser());
    fixture.knobs.failNextRefresh = true;
    fixture.provider.expireAccessTokens();
    assert.equal(await callTool(client, 'whoami'), 'mcp:read');
    assert.equal(fixture.log.authorizations().length, 2);
    assert.equal(session.needsSignIn, undefined);
  });

  it('a refresh that fails for a transient reason keeps the sign-in: the old token is used, a challenge reports TokenRefreshError', async () => {
    const fixture = await startOAuthFixture();
    cleanup.add(() => fixture.close());
    let offset = 0;
    let tokenEndpointDown = false;
    const test = newSession(fixture.mcpUrl, {
      now: () => Date.now() + offset,
      fetch: async (input, init) => {
        if (tokenEndpointDown && String(input instanceof Request ? input.url : input).endsWith('/token')) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
    });
    await test.session.signIn(browser());
    const first = await test.session.authorization();
    tokenEndpointDown = true;
    offset = HOUR - 10_000;
    assert.equal(await test.session.authorization(), first);
    assert.ok(test.events.some((event) => event.kind === 'refresh-failed' && !event.signInNeeded));
    offset += 120_000;
    await assert.rejects(test.session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: first }), TokenRefreshError);
    assert.ok(await test.session.status(), 'still signed in');
    tokenEndpointDown = false;
    assert.equal(await test.session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: first }), 'retry');
  });
});
