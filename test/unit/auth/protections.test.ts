import assert from 'node:assert/strict';
import { SignInFailedError } from '../../../src/auth/errors';
import type { AuthEvent, InteractiveSignIn, SignInFailureKind } from '../../../src/auth/types';
import { OAuthFixture, OAuthFixtureOptions, startOAuthFixture } from '../../fixtures/authServer';
import { useCleanup } from '../../support/cleanup';
import { waitFor } from '../../support/wait';
import { browser, callTool, connectMcp, newSession, TestSession } from './support';

/** Signs in and expects the given failure; returns it. */
async function failedSignIn(test: TestSession, interactive: InteractiveSignIn, kind: SignInFailureKind, signal?: AbortSignal): Promise<SignInFailedError> {
  const error = await test.session.signIn(interactive, signal).then(
    () => assert.fail(`signed in, expected ${kind}`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof SignInFailedError, String(error));
  assert.equal(error.kind, kind, error.message);
  assert.ok(test.events.some((event) => event.kind === 'sign-in-failed' && event.failure === kind));
  return error;
}

function tokensStored(test: TestSession): boolean {
  return [...test.store.entries.keys()].some((key) => key.includes('.tokens'));
}

function redirectUriOf(events: AuthEvent[]): string {
  const event = events.find((candidate) => candidate.kind === 'authorizing');
  assert.ok(event && event.kind === 'authorizing');
  return event.redirectUri;
}

describe('OAuth sign-in protections', () => {
  const cleanup = useCleanup();

  async function fixture(options: OAuthFixtureOptions = {}): Promise<OAuthFixture> {
    const started = await startOAuthFixture(options);
    cleanup.add(() => started.close());
    return started;
  }

  it('refuses to authorize when the AS metadata does not advertise PKCE S256 (G1): no registration, no browser', async () => {
    const as = await fixture({ knobs: { advertisePkce: false } });
    const test = newSession(as.mcpUrl);
    const opener = browser();
    const error = await failedSignIn(test, opener, 'pkce-unsupported');
    assert.match(error.message, /does not advertise PKCE with S256/);
    assert.equal(opener.opened.length, 0);
    assert.equal(as.log.authorizations().length + as.log.registrations().length, 0, as.log.summary());
  });

  it('a protected resource metadata resource that does not cover the MCP URL makes no authorization request', async () => {
    const as = await fixture({ prmResource: 'https://evil.example.com/mcp' });
    const test = newSession(as.mcpUrl);
    const opener = browser();
    const error = await failedSignIn(test, opener, 'resource-mismatch');
    assert.match(error.message, /https:\/\/evil\.example\.com\/mcp/);
    assert.equal(opener.opened.length, 0);
    assert.equal(as.log.authorizations().length, 0);
  });

  it('a PRM resource that covers the MCP URL (its origin) is sent verbatim, without an added slash', async () => {
    const as = await fixture({ prmResource: (mcpUrl) => mcpUrl.origin });
    const { session } = newSession(as.mcpUrl);
    const client = await connectMcp(cleanup, as.mcpUrl, session, browser());
    assert.equal(await callTool(client, 'whoami'), '');
    assert.equal(as.log.authorizations()[0].query.resource, as.mcpUrl.origin);
    assert.equal(as.log.tokenRequests('authorization_code')[0].body.resource, as.mcpUrl.origin);
  });

  it('a callback with another state ends the sign-in: nothing stored, no token request, an error page', async () => {
    const as = await fixture();
    const test = newSession(as.mcpUrl);
    const pages: { status: number; contentType: string | null; text: string }[] = [];
    const rewriteCallback = (url: URL) => {
      url.searchParams.set('state', 'forged-state');
      return url;
    };
    await failedSignIn(test, browser({ rewriteCallback, pages }), 'state-mismatch');
    assert.equal(tokensStored(test), false);
    assert.equal(as.log.tokenRequests().length, 0);
    await waitFor(() => pages.length, 'the error page');
    assert.equal(pages[0].status, 400);
    assert.match(pages[0].text, /Sign-in failed/);
    await assert.rejects(fetch(redirectUriOf(test.events)), 'the listener closed');
  });

  it('iss: checked when the AS advertises it (RFC 9207): a wrong or missing iss fails, the right one passes', async () => {
    const as = await fixture({ knobs: { issParameter: true } });
    const wrong = newSession(as.mcpUrl);
    const error = await failedSignIn(
      wrong,
      browser({ rewriteCallback: (url) => (url.searchParams.set('iss', 'https://evil.example.com'), url) }),
      'issuer-mismatch',
    );
    assert.match(error.message, /"https:\/\/evil\.example\.com" instead of/);
    assert.equal(tokensStored(wrong), false);

    const missing = newSession(as.mcpUrl);
    await failedSignIn(missing, browser({ rewriteCallback: (url) => (url.searchParams.delete('iss'), url) }), 'issuer-mismatch');

    const right = newSession(as.mcpUrl);
    await right.session.signIn(browser());
    assert.equal(tokensStored(right), true);
    assert.equal(as.log.tokenRequests('authorization_code').length, 1, 'only the genuine answer was exchanged');
  });

  it('iss: a wrong iss fails even when the AS does not advertise the parameter', async () => {
    const as = await fixture();
    const test = newSession(as.mcpUrl);
    await failedSignIn(test, browser({ rewriteCallback: (url) => (url.searchParams.set('iss', 'https://evil.example.com'), url) }), 'issuer-mismatch');
  });

  it('an error answer from the AS fails the sign-in; its description is shown escaped, never as markup', async () => {
    const as = await fixture({ knobs: { denyWith: { error: 'access_denied', description: '<script>alert(1)</script> not for you' } } });
    const test = newSession(as.mcpUrl);
    const pages: { status: number; contentType: string | null; text: string }[] = [];
    const error = await failedSignIn(test, browser({ pages }), 'authorization-denied');
    assert.match(error.message, /access_denied: <script>alert\(1\)<\/script> not for you/);
    await waitFor(() => pages.length, 'the error page');
    assert.doesNotMatch(pages[0].text, /<script>/);
    assert.match(pages[0].text, /&#60;script&#62;alert\(1\)&#60;\/script&#62; not for you/);
  });

  it('gives up after the callback timeout, and on abort, closing the listener each time', async () => {
    const as = await fixture();
    const stuck: InteractiveSignIn = { openBrowser: async () => undefined, timeoutMs: 150 };
    const slow = newSession(as.mcpUrl);
    const error = await failedSignIn(slow, stuck, 'timeout');
    assert.match(error.message, /timed out after 150 ms/);
    await assert.rejects(fetch(redirectUriOf(slow.events)));

    const aborted = newSession(as.mcpUrl);
    const controller = new AbortController();
    const waiting: InteractiveSignIn = { openBrowser: async () => void setImmediate(() => controller.abort()) };
    await failedSignIn(aborted, waiting, 'cancelled', controller.signal);
    await assert.rejects(fetch(redirectUriOf(aborted.events)));
  });

  it('a browser that cannot be opened fails the sign-in at once', async () => {
    const as = await fixture();
    const test = newSession(as.mcpUrl);
    const error = await failedSignIn(test, { openBrowser: async () => Promise.reject(new Error('no display')) }, 'browser-failed');
    assert.match(error.message, /no display/);
  });
});
