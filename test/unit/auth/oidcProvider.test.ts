import assert from 'node:assert/strict';
import { SignInFailedError } from '../../../src/auth/errors';
import { startOidcProtectedServer } from '../../fixtures/authServer/oidcProvider';
import { useCleanup } from '../../support/cleanup';
import { browser, callTool, connectMcp, newSession } from './support';

/** The same module against an independent, certified authorization server (refresh races: refresh.test.ts). */
describe('OAuth against oidc-provider', () => {
  const cleanup = useCleanup();

  async function server() {
    const started = await startOidcProtectedServer();
    cleanup.add(() => started.close());
    return started;
  }

  it('signs in (DCR, PKCE, resource, offline_access, iss), and its resource-bound token calls a tool', async () => {
    const { mcpUrl, oidc } = await server();
    const { session, events, requests } = newSession(mcpUrl);
    const visited: URL[] = [];
    const client = await connectMcp(cleanup, mcpUrl, session, browser({ visited }));
    assert.equal(await callTool(client, 'whoami'), 'mcp:read mcp:write');

    const authorizeUrl = visited[0];
    assert.equal(authorizeUrl.origin, oidc.issuer);
    assert.equal(authorizeUrl.searchParams.get('resource'), mcpUrl.href);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('scope'), 'mcp:read mcp:write offline_access', 'offline_access: oidc-provider lists it');
    const callback = visited.at(-1);
    assert.equal(callback?.searchParams.get('iss'), oidc.issuer, 'oidc-provider sends iss (RFC 9207)');
    assert.ok(visited.length > 3, 'went through the login and consent interactions');
    const exchange = requests.find((request) => request.body?.includes('grant_type=authorization_code'));
    assert.match(exchange?.body ?? '', new RegExp(`resource=${encodeURIComponent(mcpUrl.href)}`));

    const status = await session.status();
    assert.equal(status?.issuer, oidc.issuer);
    assert.ok(events.some((event) => event.kind === 'registered' && event.source === 'dynamic'));
  });

  it('an iss other than oidc-provider\'s fails the sign-in (it advertises the parameter)', async () => {
    const { mcpUrl } = await server();
    const { session, store } = newSession(mcpUrl);
    await assert.rejects(
      session.signIn(browser({ rewriteCallback: (url) => (url.searchParams.set('iss', 'https://evil.example.com'), url) })),
      (error: unknown) => error instanceof SignInFailedError && error.kind === 'issuer-mismatch',
    );
    assert.ok(![...store.entries.keys()].some((key) => key.includes('.tokens')));
  });
});
