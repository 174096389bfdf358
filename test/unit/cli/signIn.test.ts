import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthFixture, OAuthFixtureOptions, startOAuthFixture } from '../../fixtures/authServer';
import { assertUsageError, CliRun, parseJson, runCli, startCli } from '../../support/cli';
import { Cleanup, useCleanup } from '../../support/cleanup';
import { FakeBrowser, installFakeBrowser } from '../../support/fakeBrowser';
import { headlessBrowser } from '../../support/headlessBrowser';
import { closedPort } from '../../support/net';
import { waitFor } from '../../support/wait';

interface AuthJson {
  kind: string;
  issuer?: string;
  scopes?: string[];
  expiresAt?: string;
}

interface ProbeJson {
  ok: boolean;
  error: string | null;
  auth: AuthJson;
}

const SCOPES = ['mcp:tools', 'mcp:read'];

/** A protected MCP server with its authorization server, an empty store, and a fake browser as `$BROWSER`. */
async function setUp(cleanup: Cleanup, options: OAuthFixtureOptions & { forgedState?: boolean } = {}) {
  const fixture = await startOAuthFixture({ prmScopes: SCOPES, ...options });
  cleanup.add(() => fixture.close());
  const home = await mkdtemp(join(tmpdir(), 'mcp-cli-home-'));
  cleanup.add(() => rm(home, { recursive: true, force: true }));
  const browser = await installFakeBrowser(cleanup, { forgedState: options.forgedState });
  const url = fixture.mcpUrl.href;
  const env = { MCP_CONNECTIONS_HOME: home, BROWSER: browser.path };
  return { fixture, home, browser, url, env, cli: (...args: string[]) => runCli(args, env) };
}

/** The store's entries (what `FileAuthStore` writes: one JSON file per key). */
async function storedEntries(home: string): Promise<{ key: string; value: string }[]> {
  const dir = join(home, 'auth');
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as { key: string; value: string }));
}

async function storedTokens(home: string): Promise<{ access_token: string; refresh_token?: string }[]> {
  return (await storedEntries(home)).filter((entry) => entry.key.includes('.tokens[')).map((entry) => JSON.parse(entry.value));
}

function asRequests(fixture: OAuthFixture, path: string) {
  return fixture.log.entries.filter((entry) => entry.server === 'as' && entry.path === path);
}

function refreshGrants(fixture: OAuthFixture) {
  return asRequests(fixture, '/token').filter((entry) => entry.body.grant_type === 'refresh_token');
}

function assertExit(run: CliRun, code: number): void {
  assert.equal(run.code, code, `exit code\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`);
}

async function browserRuns(browser: FakeBrowser): Promise<number> {
  return (await browser.runs()).length;
}

/** The one line --no-browser prints, and the authorization URL at its end. */
function signInLine(stderr: string): { line: string; url: URL } | undefined {
  const line = stderr.split('\n').find((text) => text.startsWith('To sign in to '));
  const match = line && /: (http\S+)$/.exec(line);
  return match ? { line: line!, url: new URL(match[1]) } : undefined;
}

describe('CLI: OAuth sign-in (the built bundle against a real authorization server)', function () {
  this.timeout(60_000);
  const cleanup = useCleanup();

  it('probe signs in through $BROWSER (dynamic registration) and says so; the next run uses the stored sign-in, no browser', async () => {
    const { fixture, browser, url, cli } = await setUp(cleanup);

    const first = await cli('probe', url);

    assertExit(first, 0);
    const lines = first.stdout.split('\n');
    assert.match(lines[0], /^✓ Connected to .* at http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const authLine = lines.find((line) => line.startsWith('  auth:'));
    assert.match(authLine ?? '', /^ {2}auth: {6}OAuth, signed in with http:\/\/127\.0\.0\.1:\d+\/? \(scopes mcp:tools mcp:read, token expires \d{4}-\d\d-\d\dT/);
    const runs = await browser.runs();
    assert.equal(runs.length, 1, 'the browser was opened once');
    assert.deepEqual(runs[0].extra, [], 'the URL is the only argument');
    assert.equal(new URL(runs[0].url).origin, new URL(fixture.issuer).origin);
    assert.equal(asRequests(fixture, '/register').length, 1);
    assert.match(first.stderr, /opening a browser/);

    const second = await cli('probe', url);

    assertExit(second, 0);
    assert.ok(second.stdout.split('\n').includes(authLine!), second.stdout);
    assert.equal(await browserRuns(browser), 1, 'no browser the second time');
    assert.equal(asRequests(fixture, '/authorize').length, 1);
    assert.equal(asRequests(fixture, '/register').length, 1);
    assert.equal(second.stderr, '');
  });

  it('an access token the server no longer accepts is renewed silently with the refresh token: no browser', async () => {
    const { fixture, browser, url, cli, home } = await setUp(cleanup);
    assertExit(await cli('probe', url), 0);
    const [signedIn] = await storedTokens(home);

    fixture.provider.expireAccessTokens();
    const run = await cli('call', url, 'whoami', '--no-login');

    assertExit(run, 0);
    assert.match(run.stdout, /Result:\n.*mcp:tools/);
    assert.equal(await browserRuns(browser), 1, 'no browser after the first sign-in');
    assert.deepEqual(refreshGrants(fixture).map((grant) => grant.body.refresh_token), [signedIn.refresh_token]);
    const [renewed] = await storedTokens(home);
    assert.notEqual(renewed.access_token, signedIn.access_token);
    assert.notEqual(renewed.refresh_token, signedIn.refresh_token, 'the rotated refresh token is stored');
  });

  it('tokens about to expire are renewed before use, run after run, each time with the refresh token the last renewal rotated in', async () => {
    const { fixture, browser, url, cli } = await setUp(cleanup, { knobs: { accessTokenSeconds: 30 } });
    assertExit(await cli('probe', url), 0);
    const counts = [refreshGrants(fixture).length];

    for (let run = 0; run < 2; run++) {
      assertExit(await cli('probe', url, '--no-login'), 0);
      counts.push(refreshGrants(fixture).length);
    }

    assert.equal(await browserRuns(browser), 1);
    // A token that lives 30 s is due (60 s ahead) at every request: each run renews.
    assert.ok(counts[1] > counts[0] && counts[2] > counts[1], `refresh grants after each run: ${counts.join(', ')}`);
    const grants = refreshGrants(fixture);
    // A refresh token is good once (the authorization server revokes the grant when one is reused).
    assert.equal(new Set(grants.map((grant) => grant.body.refresh_token)).size, grants.length);
  });

  it('a callback whose state does not match ends the sign-in: exit 1, a sentence, no tokens stored', async () => {
    const { browser, url, cli, home } = await setUp(cleanup, { forgedState: true });

    const run = await cli('probe', url);

    assertExit(run, 1);
    assert.equal(await browserRuns(browser), 1);
    assert.match(run.stdout, /state mismatch/);
    assert.match(run.stdout, /Sign in again\./);
    assert.deepEqual(await storedTokens(home), []);
    assertExit(await cli('probe', url, '--no-login'), 1);
  });

  it('--no-login: a server that needs a sign-in fails with exit 1 and a sentence saying how to sign in; no browser', async () => {
    const { browser, url, cli, fixture } = await setUp(cleanup);

    const human = await cli('probe', url, '--no-login');
    const json = await cli('call', url, 'whoami', '--no-login', '--json');

    const sentence = new RegExp(`needs a sign-in with 127\\.0\\.0\\.1:\\d+ — run \`mcp-connections probe ${url.replace(/[.]/g, '\\.')}\` without --no-login to sign in\\.`);
    assertExit(human, 1);
    assert.match(human.stdout, sentence);
    assertExit(json, 1);
    assert.match(parseJson<ProbeJson>(json).error ?? '', sentence);
    assert.equal(await browserRuns(browser), 0);
    assert.equal(asRequests(fixture, '/authorize').length, 0);
  });

  it('logout <url> forgets the tokens: exit 0 and says so; the next --no-login run needs a sign-in again', async () => {
    const { url, cli, home } = await setUp(cleanup);
    assertExit(await cli('probe', url), 0);

    const logout = await cli('logout', url);

    assertExit(logout, 0);
    assert.match(logout.stdout, new RegExp(`^Signed out of ${url.replace(/[.]/g, '\\.')}: its tokens from http://127\\.0\\.0\\.1:\\d+/? are forgotten \\(in ${home.replace(/[.]/g, '\\.')}\\)\\.\\n$`));
    assert.deepEqual(await storedTokens(home), []);
    const after = await cli('probe', url, '--no-login');
    assertExit(after, 1);
    assert.match(after.stdout, /without --no-login to sign in/);
    const again = await cli('logout', url);
    assertExit(again, 0);
    assert.match(again.stdout, /^No sign-in to .* is stored .*: nothing to forget\.\n$/);
  });

  it('--header "Authorization: …" turns sign-in off: a 401 says the token was rejected, no browser, nothing sent to the authorization server', async () => {
    const { browser, url, cli, fixture } = await setUp(cleanup);

    const run = await cli('probe', url, '--header', 'Authorization: Bearer not-a-valid-token');

    assertExit(run, 1);
    assert.match(run.stdout, /rejected/);
    assert.doesNotMatch(run.stdout, /not-a-valid-token/);
    assert.equal(await browserRuns(browser), 0);
    assert.deepEqual(fixture.log.entries.filter((entry) => entry.server === 'as'), []);
  });

  it('probe --json: auth is {kind, issuer, scopes, expiresAt} after a sign-in, {kind: "header"} with an Authorization header', async () => {
    const { url, cli, fixture } = await setUp(cleanup);

    const signedIn = parseJson<ProbeJson>(await cli('probe', url, '--json'));
    const header = parseJson<ProbeJson>(await cli('probe', url, '--json', '--header', 'Authorization: Bearer x-token'));

    assert.equal(signedIn.ok, true, signedIn.error ?? '');
    assert.deepEqual(Object.keys(signedIn.auth).sort(), ['expiresAt', 'issuer', 'kind', 'scopes']);
    assert.equal(signedIn.auth.kind, 'oauth');
    assert.equal(new URL(signedIn.auth.issuer!).origin, new URL(fixture.issuer).origin);
    assert.deepEqual(signedIn.auth.scopes, SCOPES);
    const expiresIn = Date.parse(signedIn.auth.expiresAt!) - Date.now();
    assert.ok(expiresIn > 3000_000 && expiresIn <= 3600_000, signedIn.auth.expiresAt);
    assert.deepEqual(header.auth, { kind: 'header' });
  });

  it('the store: $MCP_CONNECTIONS_HOME/auth is 0700, every file in it 0600', async () => {
    const { url, cli, home } = await setUp(cleanup);
    assertExit(await cli('probe', url), 0);

    const dir = join(home, 'auth');
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    const names = await readdir(dir);
    assert.ok(names.length >= 3, 'discovery, client and tokens');
    for (const name of names) assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600, name);
  });

  it('--no-browser prints the URL on stderr (one line) and waits; --callback-port and --scope shape the authorization request', async () => {
    const { browser, url, env, fixture } = await setUp(cleanup);
    const port = await closedPort();

    const running = startCli(['probe', url, '--no-browser', '--callback-port', String(port), '--scope', 'mcp:tools'], env);
    const printed = await waitFor(() => signInLine(running.stderr()), 'the sign-in URL on stderr', 20_000);
    await headlessBrowser()(printed.url);
    const run = await running.done;

    assertExit(run, 0);
    assert.match(printed.line, new RegExp(`^To sign in to ${url.replace(/[.]/g, '\\.')}, open this URL in a browser \\(waiting up to 5 minutes\\): http`));
    assert.equal(printed.url.origin, new URL(fixture.issuer).origin);
    assert.equal(printed.url.searchParams.get('redirect_uri'), `http://127.0.0.1:${port}/callback`);
    assert.equal(printed.url.searchParams.get('scope'), 'mcp:tools');
    assert.match(run.stdout, /auth: {6}OAuth, signed in with .* \(scopes mcp:tools,/);
    assert.equal(await browserRuns(browser), 0, '$BROWSER is not run with --no-browser');
  });

  it('--client-id/--client-secret (from ${env:…}): a pre-registered client, no registration; --client-metadata-url where the server supports it', async () => {
    const { url, env, fixture } = await setUp(cleanup, { knobs: { clientIdMetadataDocuments: true } });
    fixture.provider.addClient({ client_id: 'registered-cli', client_secret: 'pre-registered-secret-value', redirect_uris: ['http://127.0.0.1/callback'] });

    const configured = await runCli(['probe', url, '--client-id', 'registered-cli', '--client-secret', '${env:CLI_CLIENT_SECRET}'], { ...env, CLI_CLIENT_SECRET: 'pre-registered-secret-value' });
    assertExit(configured, 0);
    assert.equal(asRequests(fixture, '/register').length, 0);
    assert.equal(asRequests(fixture, '/authorize')[0].query.client_id, 'registered-cli');
    assert.equal(asRequests(fixture, '/token')[0].clientAuth, 'client_secret_basic');

    const home = await mkdtemp(join(tmpdir(), 'mcp-cli-home-'));
    cleanup.add(() => rm(home, { recursive: true, force: true }));
    const metadataUrl = 'https://client.example.com/mcp-connections.json';
    const cimd = await runCli(['probe', url, '--client-metadata-url', metadataUrl], { ...env, MCP_CONNECTIONS_HOME: home });
    assertExit(cimd, 0);
    assert.equal(asRequests(fixture, '/register').length, 0);
    assert.equal(asRequests(fixture, '/authorize')[1].query.client_id, metadataUrl);
  });

  it('canary: no token, code, verifier or client secret in any output, --verbose and --json included', async () => {
    const { url, cli, fixture, home } = await setUp(cleanup);
    fixture.provider.addClient({ client_id: 'canary-cli', client_secret: 'canary-client-secret-4f1d', redirect_uris: ['http://127.0.0.1/callback'] });
    const client = ['--client-id', 'canary-cli', '--client-secret', 'canary-client-secret-4f1d'];

    const secrets = new Set<string>(['canary-client-secret-4f1d', Buffer.from('canary-cli:canary-client-secret-4f1d').toString('base64')]);
    const runs: CliRun[] = [];
    const step = async (...args: string[]) => {
      runs.push(await cli(...args));
      for (const tokens of await storedTokens(home)) [tokens.access_token, tokens.refresh_token].forEach((token) => token && secrets.add(token));
    };
    await step('probe', url, '--verbose', ...client);
    await step('call', url, 'whoami', '--verbose', '--json', ...client);
    // A careless authorization server quotes the refresh token in its refusal; the log line about it must not.
    fixture.provider.expireAccessTokens();
    fixture.knobs.failNextRefresh = true;
    await step('probe', url, '--verbose', '--no-login', ...client);
    await step('probe', url, '--verbose', ...client);
    fixture.provider.expireAccessTokens();
    await step('probe', url, '--verbose', '--json', ...client);
    await step('logout', url);

    assert.deepEqual(runs.map((run) => run.code), [0, 0, 1, 0, 0, 0], runs.map((run) => run.stdout + run.stderr).join('\n'));
    assert.match(runs[2].stderr, /refresh/i, 'the refused renewal is in the log');
    for (const entry of fixture.log.entries) {
      for (const key of ['code', 'code_verifier', 'refresh_token', 'client_secret']) if (entry.body[key]) secrets.add(entry.body[key]);
    }
    assert.ok(refreshGrants(fixture).length >= 1, 'a renewal happened (its tokens are among the canaries)');
    assert.ok([...secrets].some((secret) => secret.startsWith('code-')), 'the authorization code is among the canaries');
    assert.ok(secrets.size >= 8, `canaries: ${secrets.size}`);
    assert.ok(runs[0].stderr.split('\n').length > 10, 'the verbose log was written');
    const everything = runs.map((run) => run.stdout + run.stderr).join('\n');
    for (const secret of secrets) assert.ok(!everything.includes(secret), `a secret reached the output: ${secret.slice(0, 6)}…`);
    assert.doesNotMatch(everything, /Bearer [A-Za-z0-9._~+/=-]{8,}/);
  });

  describe('usage errors', () => {
    const url = 'http://127.0.0.1:1/mcp';
    const cases: { title: string; args: string[]; says: RegExp }[] = [
      { title: '--callback-port not a number', args: ['probe', url, '--callback-port', 'soon'], says: /--callback-port must be a port number between 1024 and 65535\./ },
      { title: '--callback-port out of range', args: ['probe', url, '--callback-port', '70000'], says: /--callback-port must be a port number/ },
      { title: '--callback-port privileged', args: ['probe', url, '--callback-port', '80'], says: /--callback-port must be a port number/ },
      { title: '--client-secret without --client-id', args: ['probe', url, '--client-secret', 's'], says: /--client-secret goes with --client-id/ },
      { title: '--client-metadata-url over http', args: ['probe', url, '--client-metadata-url', 'http://example.com/c.json'], says: /--client-metadata-url must be an https URL with a path/ },
      { title: '--client-metadata-url without a path', args: ['probe', url, '--client-metadata-url', 'https://example.com/'], says: /--client-metadata-url must be an https URL with a path/ },
      { title: 'a sign-in flag with an Authorization header', args: ['probe', url, '-H', 'Authorization: Bearer t', '--client-id', 'x'], says: /--client-id has no effect with --header "Authorization: …"/ },
      { title: 'logout without a URL', args: ['logout'], says: /"logout" needs the server's URL\./ },
      { title: 'logout with an option', args: ['logout', url, '--no-login'], says: /"logout" takes only the server's URL, not --no-login\./ },
    ];
    for (const { title, args, says } of cases) {
      it(title, async () => {
        const run = await runCli(args);
        const usage = assertUsageError(run, args, says);
        assert.ok(usage.some((line) => line.trim().startsWith('mcp-connections logout <url>')), run.stderr);
        for (const flag of ['--no-browser', '--no-login', '--callback-port <n>', '--client-id <id>', '--client-secret <s>', '--scope <s>', '--client-metadata-url <url>']) {
          assert.ok(usage.some((line) => line.trim().startsWith(flag)), `usage lists ${flag}`);
        }
      });
    }
  });
});
