import assert from 'node:assert/strict';
import { parseBearerChallenge } from '../../../src/auth/bearerChallenge';
import { AuthRejectedError, InsufficientScopeError, SignInRequiredError } from '../../../src/auth/errors';
import { canonicalResource, chooseResource, ResourceMismatchError } from '../../../src/auth/resourceIndicator';
import { scopesToRequest } from '../../../src/auth/scopes';
import { OAuthFixture, OAuthFixtureOptions, startOAuthFixture } from '../../fixtures/authServer';
import { useCleanup } from '../../support/cleanup';
import { browser, callTool, connectMcp, newSession } from './support';

describe('OAuth challenges, scopes and resources (pure functions)', () => {
  it('parses Bearer challenges, also after another scheme; anything else is no challenge', () => {
    assert.deepEqual(parseBearerChallenge('Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource", scope="a b"'), {
      error: undefined,
      scope: 'a b',
      resourceMetadataUrl: new URL('https://x.example/.well-known/oauth-protected-resource'),
    });
    assert.deepEqual(parseBearerChallenge('Basic realm="x", Bearer error="insufficient_scope", scope="w"'), { error: 'insufficient_scope', scope: 'w', resourceMetadataUrl: undefined });
    assert.deepEqual(parseBearerChallenge('Bearer'), { error: undefined, scope: undefined, resourceMetadataUrl: undefined });
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
    assert.equal(parseBearerChallenge('BearerX foo'), undefined);
    assert.equal(parseBearerChallenge(null), undefined);
  });

  it('scope selection: configured as written, else challenge, else PRM, else none; offline_access only when the AS lists it', () => {
    const resourceMetadata = { resource: 'https://x.example/mcp', scopes_supported: ['read', 'write', 'offline_access'] };
    const offering = { issuer: 'https://as', authorization_endpoint: 'https://as/a', token_endpoint: 'https://as/t', response_types_supported: ['code'], scopes_supported: ['offline_access'] };
    const silent = { ...offering, scopes_supported: ['read'] };
    assert.deepEqual(scopesToRequest({ configured: 'custom', challenged: 'c', resourceMetadata, authorizationServerMetadata: offering }), ['custom']);
    assert.deepEqual(scopesToRequest({ challenged: 'c d', resourceMetadata, authorizationServerMetadata: silent }), ['c', 'd']);
    assert.deepEqual(scopesToRequest({ resourceMetadata, authorizationServerMetadata: silent }), ['read', 'write']);
    assert.deepEqual(scopesToRequest({ resourceMetadata, authorizationServerMetadata: offering }), ['read', 'write', 'offline_access']);
    assert.deepEqual(scopesToRequest({ challenged: 'c', authorizationServerMetadata: offering }), ['c', 'offline_access']);
    assert.deepEqual(scopesToRequest({}), []);
    assert.deepEqual(scopesToRequest({ challenged: 'a', stepUp: ['a', 'b'] }), ['a', 'b']);
  });

  it('resource: the canonical MCP URL without PRM; the PRM resource verbatim when it covers the URL; a mismatch throws', () => {
    assert.equal(canonicalResource(new URL('https://X.example/mcp/#frag')), 'https://x.example/mcp');
    assert.equal(canonicalResource(new URL('https://x.example/')), 'https://x.example');
    assert.equal(canonicalResource(new URL('https://x.example/mcp?tenant=1')), 'https://x.example/mcp?tenant=1');
    const url = new URL('https://x.example/api/mcp');
    assert.equal(chooseResource(url, undefined), 'https://x.example/api/mcp');
    assert.equal(chooseResource(url, { resource: 'https://x.example' }), 'https://x.example');
    assert.equal(chooseResource(url, { resource: 'https://x.example/api' }), 'https://x.example/api');
    assert.throws(() => chooseResource(url, { resource: 'https://x.example/other' }), ResourceMismatchError);
    assert.throws(() => chooseResource(url, { resource: 'https://evil.example/api/mcp' }), ResourceMismatchError);
  });
});

describe('OAuth scopes and step-up (in-memory AS)', () => {
  const cleanup = useCleanup();

  async function fixture(options: OAuthFixtureOptions): Promise<OAuthFixture> {
    const started = await startOAuthFixture(options);
    cleanup.add(() => started.close());
    return started;
  }

  async function requestedScope(options: OAuthFixtureOptions, settings = {}): Promise<string | undefined> {
    const as = await fixture(options);
    const { session } = newSession(as.mcpUrl, { settings });
    const client = await connectMcp(cleanup, as.mcpUrl, session, browser());
    await callTool(client, 'whoami');
    return as.log.authorizations()[0].query.scope;
  }

  it('requests the scope of the 401 challenge, over the PRM scopes', async () => {
    assert.equal(await requestedScope({ challengeScope: ['mcp:basic'], prmScopes: ['mcp:basic', 'mcp:write'] }), 'mcp:basic');
  });

  it('without a challenge scope, requests every PRM scopes_supported', async () => {
    assert.equal(await requestedScope({ prmScopes: ['mcp:basic', 'mcp:read', 'mcp:write'] }), 'mcp:basic mcp:read mcp:write');
  });

  it('with no scope anywhere, sends no scope', async () => {
    assert.equal(await requestedScope({}), undefined);
  });

  it('adds offline_access when the AS lists it, and never when it does not', async () => {
    assert.equal(await requestedScope({ prmScopes: ['mcp:read'], knobs: { scopesSupported: ['mcp:read', 'offline_access'] } }), 'mcp:read offline_access');
    assert.equal(await requestedScope({ prmScopes: ['mcp:read', 'offline_access'], knobs: { scopesSupported: ['mcp:read'] } }), 'mcp:read');
  });

  it('a configured scope replaces everything else', async () => {
    assert.equal(await requestedScope({ challengeScope: ['mcp:basic'], knobs: { scopesSupported: ['offline_access'] } }, { scope: 'mine' }), 'mine');
  });

  it('403 insufficient_scope: signs in again for the union of granted and challenged scopes, then the call succeeds', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'], stepUp: { 'tools/call:write': ['mcp:write'] } });
    const { session, events } = newSession(as.mcpUrl);
    const client = await connectMcp(cleanup, as.mcpUrl, session, browser());
    assert.equal(await callTool(client, 'write', { text: 'x' }), 'wrote x');
    assert.deepEqual(
      as.log.authorizations().map((entry) => entry.query.scope),
      ['mcp:read', 'mcp:read mcp:write'],
    );
    assert.ok(events.some((event) => event.kind === 'step-up' && event.requestKey === 'tools/call:write' && event.attempt === 1));
    assert.deepEqual((await session.status())?.scopes, ['mcp:read', 'mcp:write']);
  });

  it('a step-up that never satisfies the server stops after 3 sign-ins with InsufficientScopeError', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'], stepUp: { 'tools/call:write': ['mcp:admin'] }, knobs: { neverGrant: ['mcp:admin'] } });
    const { session } = newSession(as.mcpUrl);
    const client = await connectMcp(cleanup, as.mcpUrl, session, browser());
    await assert.rejects(callTool(client, 'write', { text: 'x' }), (error: unknown) => error instanceof InsufficientScopeError && error.attempts === 3);
    assert.equal(as.log.authorizations().length, 1 + 3, 'the first sign-in, then three step-ups');
    assert.ok(as.log.authorizations().slice(1).every((entry) => entry.query.scope === 'mcp:read mcp:admin'));
  });

  it('a request signed in after its 401 and then refused 403 forever makes at most 3 authorization requests in all', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'], stepUp: { initialize: ['mcp:admin'] }, knobs: { neverGrant: ['mcp:admin'] } });
    const { session } = newSession(as.mcpUrl);
    await assert.rejects(connectMcp(cleanup, as.mcpUrl, session, browser()), (error: unknown) => error instanceof InsufficientScopeError && error.attempts === 3);
    assert.equal(as.log.authorizations().length, 3, 'the 401 sign-in and two step-ups');
  });

  it('without an interactive caller, a step-up is SignInRequiredError(insufficient-scope) naming the scopes; the next sign-in asks for them', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'], prmScopes: ['mcp:read'], stepUp: { 'tools/call:write': ['mcp:write'] } });
    const { session } = newSession(as.mcpUrl);
    await session.signIn(browser());
    const client = await connectMcp(cleanup, as.mcpUrl, session);
    await assert.rejects(callTool(client, 'write', { text: 'x' }), (error: unknown) => {
      return error instanceof SignInRequiredError && error.reason === 'insufficient-scope' && error.scopes.join(' ') === 'mcp:read mcp:write';
    });
    assert.ok(session.needsSignIn);
    await session.signIn(browser());
    assert.equal(as.log.authorizations().at(-1)?.query.scope, 'mcp:read mcp:write');
    assert.equal(await callTool(client, 'write', { text: 'y' }), 'wrote y');
  });

  it('401/403 without a Bearer challenge, and a 403 that asks for no scope, are AuthRejectedError', async () => {
    const as = await fixture({});
    const { session } = newSession(as.mcpUrl);
    await assert.rejects(session.challenged({ status: 401, wwwAuthenticate: 'Basic realm="api"' }), AuthRejectedError);
    await assert.rejects(session.challenged({ status: 401, wwwAuthenticate: null }), AuthRejectedError);
    await assert.rejects(session.challenged({ status: 403, wwwAuthenticate: null }), AuthRejectedError);
    await assert.rejects(session.challenged({ status: 403, wwwAuthenticate: 'Bearer error="invalid_token"' }), AuthRejectedError);
    assert.equal(as.log.entries.length, 0, 'not one request to anything');
  });
});
