import assert from 'node:assert/strict';
import { TokenRefreshError } from '../../../src/auth/errors';
import { startOAuthFixture } from '../../fixtures/authServer';
import { useCleanup } from '../../support/cleanup';
import { assertNoSecret, browser, newSession } from './support';

/**
 * The canary: a full run through sign-in, refresh, step-up and every failure that carries server text, with an AS
 * that echoes what it was sent; then no token, code, verifier, state or client secret may appear in any event or
 * error message.
 */
describe('OAuth secrets never leak', () => {
  const cleanup = useCleanup();

  it('no token, code, verifier, state or client secret in any AuthEvent or error message', async () => {
    // Only client_secret_basic: the registration gets a client secret, so there is one to leak.
    const fixture = await startOAuthFixture({ prmScopes: ['mcp:read'], stepUp: { 'tools/call:write': ['mcp:write'] }, knobs: { tokenEndpointAuthMethods: ['client_secret_basic'] } });
    cleanup.add(() => fixture.close());

    const issued: string[] = [];
    let echo = false;
    let offset = 0;
    const recordingFetch: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (echo && url.endsWith('/token')) {
        // A careless AS: a 500 quoting the request, form body and Authorization header included.
        const headers = new Headers(init?.headers);
        return new Response(`could not handle ${String(init?.body)} with ${headers.get('authorization')}`, { status: 500 });
      }
      const response = await fetch(input, init);
      if (url.endsWith('/token') && response.ok) {
        const body = (await response.clone().json()) as { access_token?: string; refresh_token?: string };
        issued.push(body.access_token ?? '', body.refresh_token ?? '');
      }
      return response;
    };
    const { session, events, store } = newSession(fixture.mcpUrl, { fetch: recordingFetch, now: () => Date.now() + offset });
    const messages: string[] = [];
    const expectFailure = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => assert.fail('expected a failure'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof Error);
      messages.push(error.message, String(error));
      return error;
    };

    await session.signIn(browser());
    offset = 3600_000 - 10_000;
    await session.authorization(); // a refresh before expiry
    await session.challenged({ status: 403, wwwAuthenticate: 'Bearer error="insufficient_scope", scope="mcp:write"', requestKey: 'write' }, browser());

    // Server text that quotes secrets, on each path that reports it.
    echo = true;
    offset += 3600_000;
    await session.authorization(); // refresh-failed event with the echoed body
    const refreshError = await expectFailure(session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: await session.authorization() }));
    assert.ok(refreshError instanceof TokenRefreshError);
    assert.match(refreshError.message, /\*\*\*/, 'the echoed secrets were replaced');
    await expectFailure(session.signIn(browser()));
    echo = false;

    const current = await session.authorization(); // renewed now that the AS answers again
    offset += 120_000; // no longer fresh from that refresh: a 401 refreshes again
    fixture.knobs.failNextRefresh = true; // its description quotes the refresh token
    await expectFailure(session.challenged({ status: 401, wwwAuthenticate: 'Bearer', authorization: current }));
    assert.ok(events.some((event) => event.kind === 'refresh-failed' && event.signInNeeded && event.error.includes('the refresh token *** was revoked')));
    await expectFailure(session.signIn(browser({ rewriteCallback: (url) => (url.searchParams.set('state', 'forged'), url) })));
    fixture.knobs.denyWith = { error: 'access_denied', description: 'no' };
    await expectFailure(session.signIn(browser()));
    fixture.knobs.denyWith = undefined;
    await session.signIn(browser());
    messages.push(JSON.stringify(await session.status()));

    const registration = fixture.log.registrations()[0];
    assert.ok(registration, 'a client was registered');
    const clientSecret = [...store.entries.values()].map((value) => JSON.parse(value) as { information?: { client_secret?: string } }).find((value) => value.information?.client_secret)?.information?.client_secret;
    assert.ok(clientSecret, 'the registration issued a client secret');
    const clientId = fixture.log.authorizations()[0].query.client_id;
    const secrets: Record<string, string | undefined> = {
      'client secret': clientSecret,
      'Basic client credentials': Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
      'start of the Basic client credentials': Buffer.from(`${clientId}:${clientSecret}`).toString('base64').slice(0, 12),
    };
    issued.filter(Boolean).forEach((token, i) => (secrets[`issued token #${i}`] = token));
    fixture.log.tokenRequests().forEach((request, i) => {
      secrets[`code #${i}`] = request.body.code;
      secrets[`code verifier #${i}`] = request.body.code_verifier;
      secrets[`refresh token sent #${i}`] = request.body.refresh_token;
    });
    fixture.log.authorizations().forEach((request, i) => (secrets[`state #${i}`] = request.query.state));
    assert.ok(issued.length >= 6, `tokens were issued (${issued.length})`);
    assert.ok(events.some((event) => event.kind === 'refresh-failed' && event.error.includes('***')));

    assertNoSecret([...events.map((event) => JSON.stringify(event)), ...messages], secrets);
    assert.ok(messages.some((message) => message.includes('state mismatch')));
    assert.ok(events.some((event) => event.kind === 'sign-in-failed' && event.failure === 'token-request-failed'));
    assert.ok(messages.length >= 8);
  });
});
