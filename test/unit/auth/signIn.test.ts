import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignInFailedError, SignInRequiredError } from '../../../src/auth/errors';
import type { AuthEvent } from '../../../src/auth/types';
import { OAuthFixture, OAuthFixtureOptions, startOAuthFixture } from '../../fixtures/authServer';
import { MemoryAuthStore } from '../../support/memoryAuthStore';
import { useCleanup } from '../../support/cleanup';
import { waitFor } from '../../support/wait';
import { browser, callTool, connectMcp, newSession } from './support';

type Authorizing = Extract<AuthEvent, { kind: 'authorizing' }>;

function authorizing(events: AuthEvent[]): Authorizing[] {
  return events.filter((event): event is Authorizing => event.kind === 'authorizing');
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('OAuth sign-in', () => {
  const cleanup = useCleanup();

  async function fixture(options: OAuthFixtureOptions = {}): Promise<OAuthFixture> {
    const started = await startOAuthFixture(options);
    cleanup.add(() => started.close());
    return started;
  }

  it('dynamic client registration, PKCE S256 and the PRM resource, end to end through the real loopback listener', async () => {
    const as = await fixture({ challengeScope: ['mcp:read'] });
    const { session, events, store } = newSession(as.mcpUrl);
    const pages: { status: number; contentType: string | null; text: string }[] = [];

    // What a user sees first: the server wants a sign-in, and nothing was opened.
    await assert.rejects(connectMcp(cleanup, as.mcpUrl, session), (error: unknown) => error instanceof SignInRequiredError && error.reason === 'no-token');
    assert.deepEqual(session.needsSignIn, { issuer: as.issuer });

    const status = await session.signIn(browser({ pages }));
    const [{ redirectUri, clientId }] = authorizing(events);
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.deepEqual({ ...status, expiresAt: undefined }, { kind: 'oauth', issuer: as.issuer, scopes: ['mcp:read'], expiresAt: undefined, clientId });
    assert.equal(session.needsSignIn, undefined);

    const [registration] = as.log.registrations();
    assert.deepEqual(JSON.parse(registration.body.redirect_uris), [redirectUri]);
    assert.deepEqual(JSON.parse(registration.body.grant_types), ['authorization_code', 'refresh_token']);
    assert.equal(registration.body.application_type, 'native');
    assert.equal(registration.body.token_endpoint_auth_method, 'none');

    const [authorization] = as.log.authorizations();
    const [exchange] = as.log.tokenRequests('authorization_code');
    assert.equal(authorization.query.resource, as.mcpUrl.href);
    assert.equal(exchange.body.resource, as.mcpUrl.href);
    assert.equal(authorization.query.code_challenge_method, 'S256');
    assert.equal(authorization.query.code_challenge, createHash('sha256').update(exchange.body.code_verifier).digest('base64url'));
    assert.equal(authorization.query.redirect_uri, redirectUri);
    assert.equal(exchange.body.redirect_uri, redirectUri);
    assert.ok((authorization.query.state ?? '').length >= 32, 'a state of at least 32 characters');

    await waitFor(() => pages.length, 'the page the browser tab ends on');
    assert.equal(pages[0].status, 200);
    assert.match(pages[0].contentType ?? '', /^text\/html/);
    assert.match(pages[0].text, /Signed in/);
    assert.match(pages[0].text, /You can close this tab/);
    await assert.rejects(fetch(redirectUri), 'the listener is closed once the sign-in is over');

    const client = await connectMcp(cleanup, as.mcpUrl, session);
    assert.equal(await callTool(client, 'whoami'), 'mcp:read');
    assert.deepEqual(
      events.map((event) => event.kind),
      ['discovered', 'sign-in-required', 'registered', 'authorizing', 'signed-in'],
    );
    assert.ok([...store.entries.keys()].some((key) => key.includes(as.issuer) && key.includes(as.mcpUrl.href) && key.includes('tokens')), 'tokens stored per server, AS and resource');
  });

  it('a pre-registered client is used as configured: no registration, client_secret_basic, nothing stored about it', async () => {
    const as = await fixture();
    as.provider.addClient({ client_id: 'configured-client', client_secret: 'configured-secret', redirect_uris: ['http://127.0.0.1/callback'] });
    const { session, store } = newSession(as.mcpUrl, { settings: { clientId: 'configured-client', clientSecret: 'configured-secret' } });
    const status = await session.signIn(browser());
    assert.equal(status.clientId, 'configured-client');
    assert.equal(as.log.registrations().length, 0, 'no DCR for a configured client');
    assert.equal(as.log.authorizations()[0].query.client_id, 'configured-client');
    assert.equal(as.log.tokenRequests('authorization_code')[0].clientAuth, 'client_secret_basic');
    assert.ok(![...store.entries.keys()].some((key) => key.includes('.client')), 'a configured client is never stored');
  });

  it('no DCR: asks for a client, showing the exact redirect URI, and keeps using the entered client on that port', async () => {
    const as = await fixture({ knobs: { dynamicRegistration: false, exactRedirectUris: true } });
    const asked: { redirectUri: string; issuer: string }[] = [];
    const askForClient = async (info: { redirectUri: string; issuer: string }) => {
      asked.push(info);
      // The user registers a client with exactly that redirect URI, then types its ID.
      as.provider.addClient({ client_id: 'typed-client', redirect_uris: [info.redirectUri] });
      return { clientId: 'typed-client' };
    };
    const { session, events } = newSession(as.mcpUrl);
    await session.signIn(browser({ askForClient }));
    assert.equal(asked.length, 1);
    assert.equal(asked[0].issuer, as.issuer);
    assert.equal(asked[0].redirectUri, authorizing(events)[0].redirectUri);
    assert.equal(as.log.authorizations()[0].query.redirect_uri, asked[0].redirectUri);

    await session.signIn(browser({ askForClient }));
    assert.equal(asked.length, 1, 'the entered client is remembered');
    assert.equal(authorizing(events)[1].redirectUri, asked[0].redirectUri, 'on the port it was registered with');
    assert.equal(as.log.registrations().length, 0);
  });

  it('a refused registration also asks for a client; without askForClient the sign-in fails naming the redirect URI to register', async () => {
    const as = await fixture({ knobs: { refuseRegistration: true } });
    const { session } = newSession(as.mcpUrl);
    const error = await session.signIn(browser()).then(
      () => assert.fail('signed in without a client'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof SignInFailedError && error.kind === 'no-client', String(error));
    assert.match(error.message, /refused to register this client \(invalid_client_metadata: registrations are closed\)/);
    assert.match(error.message, /redirect URI http:\/\/127\.0\.0\.1:\d+\/callback and set clientId/);
    assert.equal(as.log.authorizations().length, 0);

    let asked = 0;
    const askForClient = async () => (asked++, undefined);
    await assert.rejects(session.signIn(browser({ askForClient })), (caught: unknown) => caught instanceof SignInFailedError && caught.kind === 'cancelled');
    assert.equal(asked, 1);
  });

  it('a client registered for another redirect port is registered again (exact-match AS)', async () => {
    const as = await fixture({ knobs: { exactRedirectUris: true } });
    const store = new MemoryAuthStore();
    const first = await freePort();
    await newSession(as.mcpUrl, { store, settings: { redirectPort: first } }).session.signIn(browser());
    const second = await freePort();
    const { session, events } = newSession(as.mcpUrl, { store, settings: { redirectPort: second } });
    await session.signIn(browser());
    const registrations = as.log.registrations().map((entry) => JSON.parse(entry.body.redirect_uris) as string[]);
    assert.deepEqual(registrations, [[`http://127.0.0.1:${first}/callback`], [`http://127.0.0.1:${second}/callback`]]);
    assert.equal(authorizing(events)[0].clientSource, 'dynamic');
  });

  it('reuses the registered port, so a second sign-in does not register again; a taken port means a new one and a new registration', async () => {
    const as = await fixture({ knobs: { exactRedirectUris: true } });
    const store = new MemoryAuthStore();
    const one = newSession(as.mcpUrl, { store });
    await one.session.signIn(browser());
    const two = newSession(as.mcpUrl, { store });
    await two.session.signIn(browser());
    assert.equal(as.log.registrations().length, 1);
    const remembered = authorizing(one.events)[0].redirectUri;
    assert.equal(authorizing(two.events)[0].redirectUri, remembered);

    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(new URL(remembered).port), '127.0.0.1', resolve));
    cleanup.add(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const three = newSession(as.mcpUrl, { store });
    await three.session.signIn(browser());
    assert.notEqual(authorizing(three.events)[0].redirectUri, remembered);
    assert.equal(as.log.registrations().length, 2);
  });

  it('a configured redirect port that is taken fails the sign-in with the port named', async () => {
    const as = await fixture();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const port = (squatter.address() as AddressInfo).port;
    const { session } = newSession(as.mcpUrl, { settings: { redirectPort: port } });
    await assert.rejects(session.signIn(browser()), (error: unknown) => {
      return error instanceof SignInFailedError && error.kind === 'redirect-port-unavailable' && error.message.includes(`127.0.0.1:${port}`);
    });
  });

  it('redirectHost localhost: the redirect URI and the listener use localhost', async () => {
    const as = await fixture();
    const { session, events } = newSession(as.mcpUrl, { settings: { redirectHost: 'localhost' } });
    await session.signIn(browser());
    assert.match(authorizing(events)[0].redirectUri, /^http:\/\/localhost:\d+\/callback$/);
    assert.match(as.log.registrations()[0].body.redirect_uris, /localhost/);
  });

  it('a client ID metadata document URL is the client_id when the AS supports CIMD; not otherwise; never when not https', async () => {
    const cimd = 'https://client.example.com/mcp-connections.json';
    const supporting = await fixture({ knobs: { clientIdMetadataDocuments: true } });
    await newSession(supporting.mcpUrl, { settings: { clientMetadataUrl: cimd } }).session.signIn(browser());
    assert.equal(supporting.log.authorizations()[0].query.client_id, cimd);
    assert.equal(supporting.log.registrations().length, 0);

    const plain = await fixture();
    await newSession(plain.mcpUrl, { settings: { clientMetadataUrl: cimd } }).session.signIn(browser());
    assert.equal(plain.log.registrations().length, 1, 'no CIMD support: DCR');

    const insecure = await fixture({ knobs: { clientIdMetadataDocuments: true } });
    const { session, events } = newSession(insecure.mcpUrl, { settings: { clientMetadataUrl: 'http://client.example.com/doc.json' } });
    await session.signIn(browser());
    assert.equal(insecure.log.registrations().length, 1, 'an http document URL is ignored (G8), registration still works');
    assert.ok(events.some((event) => event.kind === 'setting-ignored' && event.setting === 'clientMetadataUrl'));
  });

  it('2025-03-26 server without protected resource metadata: its origin is the AS, and the canonical MCP URL is the resource', async () => {
    const as = await fixture({ sameOrigin: true, protectedResourceMetadata: 'none' });
    assert.equal(as.issuer, as.mcpUrl.origin);
    const { session } = newSession(as.mcpUrl);
    const client = await connectMcp(cleanup, as.mcpUrl, session, browser());
    assert.equal(await callTool(client, 'whoami'), '');
    assert.equal(as.log.authorizations()[0].query.resource, as.mcpUrl.href);
    assert.equal(as.log.tokenRequests('authorization_code')[0].body.resource, as.mcpUrl.href);
  });

  it('2025-03-26 server without any metadata: /authorize, /token and /register on the MCP origin (PKCE used all the same)', async () => {
    const as = await fixture({ sameOrigin: true, protectedResourceMetadata: 'none', authorizationServerMetadata: false });
    const { session, events } = newSession(as.mcpUrl);
    await session.signIn(browser());
    assert.ok(events.some((event) => event.kind === 'discovered' && !event.authorizationServerMetadata && !event.protectedResourceMetadata));
    assert.equal(as.log.registrations().length, 1);
    assert.equal(as.log.authorizations()[0].query.code_challenge_method, 'S256');
    assert.equal(as.log.tokenRequests('authorization_code').length, 1);
    assert.ok(as.log.entries.every((entry) => entry.server === 'mcp'), 'one origin for everything');
  });

  it('sign-out forgets the tokens; with forgetClient the registration too', async () => {
    const as = await fixture();
    const store = new MemoryAuthStore();
    const { session } = newSession(as.mcpUrl, { store });
    await session.signIn(browser());
    await session.signOut();
    assert.equal(await session.status(), undefined);
    assert.equal(await session.authorization(), undefined);
    await session.signIn(browser());
    assert.equal(as.log.registrations().length, 1, 'the registration survived a plain sign-out');
    await session.signOut({ forgetClient: true });
    assert.equal(store.entries.size, 0, 'nothing left in the store');
    await session.signIn(browser());
    assert.equal(as.log.registrations().length, 2);
  });

  it('two sign-ins started together share one browser round trip', async () => {
    const as = await fixture();
    const { session } = newSession(as.mcpUrl);
    const opener = browser();
    const [a, b] = await Promise.all([session.signIn(opener), session.signIn(opener)]);
    assert.deepEqual(a, b);
    assert.equal(opener.opened.length, 1);
    assert.equal(as.log.authorizations().length, 1);
  });
});
