import assert from 'node:assert/strict';
import type { ServerEntry } from '../../../src/config/serverConfig';
import { validateServer, validateServers } from '../../../src/config/validate';
import { resolveEndpoint } from '../../../src/transport/endpoint';

const GOOD = { url: 'https://example.com/mcp' };

/** The one problem of a single bad server, checked to come with no config. */
function problemOf(value: unknown, name = 'docs'): string {
  const entry = validateServer(name, value, 'user');
  assert.equal(entry.config, undefined, `expected a problem for ${JSON.stringify(value)?.slice(0, 80)}`);
  assert.ok(entry.problem, 'a problem sentence');
  return entry.problem;
}

function byName(entries: ServerEntry[]): Record<string, ServerEntry> {
  return Object.fromEntries(entries.map((e) => [e.name, e]));
}

describe('config: validateServers', () => {
  it('a good entry gets its defaults', () => {
    const [entry] = validateServers({ docs: { url: 'https://example.com/mcp' } });
    assert.deepEqual(entry, {
      name: 'docs',
      scope: 'user',
      warnings: [],
      config: {
        name: 'docs',
        endpoint: resolveEndpoint('https://example.com/mcp'),
        headers: {},
        enabled: true,
        autoConnect: true,
        transport: 'auto',
        timeoutSeconds: 30,
        exposeToChat: true,
        auth: 'auto',
        oauth: {},
      },
    });
  });

  it('keeps every setting given, and the scope the caller names', () => {
    const [entry] = validateServers(
      {
        docs: {
          url: 'http://127.0.0.1:8080/mcp?team=a',
          headers: { Authorization: 'Bearer ${secret:docs}', 'X-Team': 'a' },
          enabled: false,
          autoConnect: false,
          transport: 'sse',
          timeoutSeconds: 600,
          exposeToChat: false,
          auth: 'headers',
        },
      },
      () => 'workspace',
    );
    assert.equal(entry.scope, 'workspace');
    assert.equal(entry.problem, undefined);
    assert.deepEqual(entry.config, {
      name: 'docs',
      endpoint: resolveEndpoint('http://127.0.0.1:8080/mcp?team=a'),
      headers: { Authorization: 'Bearer ${secret:docs}', 'X-Team': 'a' },
      enabled: false,
      autoConnect: false,
      transport: 'sse',
      timeoutSeconds: 600,
      exposeToChat: false,
      auth: 'headers',
      oauth: {},
    });
  });

  it('auth and oauth: every setting kept; "${secret:…}" kept for the client secret, resolved only when used', () => {
    const oauth = { clientId: 'pre-registered', clientSecret: '${secret:docs-client}', clientMetadataUrl: 'https://example.com/oauth/client.json', scope: 'read write', redirectHost: 'localhost', redirectPort: 33418 };
    const entry = validateServer('docs', { ...GOOD, auth: 'oauth', oauth }, 'user');
    assert.deepEqual([entry.problem, entry.warnings, entry.config?.auth, entry.config?.oauth], [undefined, [], 'oauth', oauth]);
  });

  it('auth "oauth" with an Authorization header: the header is not sent, and a warning says so (without its value)', () => {
    const entry = validateServer('docs', { ...GOOD, auth: 'oauth', headers: { authorization: 'Bearer canary-9f2', 'X-Team': 'a' } }, 'user');
    assert.deepEqual(entry.config?.headers, { 'X-Team': 'a' });
    assert.deepEqual(entry.warnings, ['"auth" is "oauth", so the configured "authorization" header is not sent (the sign-in\'s token is) — remove it, or set "auth" to "headers" to send it.']);
  });

  it('auth "headers" with an oauth object, and a misspelt oauth key: warnings, the server stays valid', () => {
    const entry = validateServer('docs', { ...GOOD, auth: 'headers', oauth: { clientID: 'x' } }, 'user');
    assert.equal(entry.problem, undefined);
    assert.deepEqual(entry.warnings, [
      'Unknown setting "oauth.clientID" is ignored (known: clientId, clientSecret, clientMetadataUrl, scope, redirectHost, redirectPort).',
      '"auth" is "headers", so "oauth" is ignored — set "auth" to "auto" or "oauth" to sign in.',
    ]);
  });

  for (const [label, value, problem] of [
    ['an auth mode that does not exist', { auth: 'bearer' }, '"auth" must be "auto", "oauth" or "headers", not "bearer".'],
    ['oauth as a string', { oauth: 'abc' }, '"oauth" must be an object like { "clientId": "…" }, not a string.'],
    ['an empty clientId', { oauth: { clientId: ' ' } }, '"oauth.clientId" must be a non-empty string.'],
    ['a client secret without a client ID', { oauth: { clientSecret: '${secret:x}' } }, '"oauth.clientSecret" is set without "oauth.clientId" — set the client ID it belongs to.'],
    ['an http client metadata URL', { oauth: { clientMetadataUrl: 'http://example.com/client.json' } }, '"oauth.clientMetadataUrl" must be the https URL of a client ID metadata document, with a path, e.g. "https://example.com/oauth/client.json".'],
    ['a client metadata URL without a path', { oauth: { clientMetadataUrl: 'https://example.com' } }, '"oauth.clientMetadataUrl" must be the https URL of a client ID metadata document, with a path, e.g. "https://example.com/oauth/client.json".'],
    ['a redirect host that is not loopback', { oauth: { redirectHost: '0.0.0.0' } }, '"oauth.redirectHost" must be "127.0.0.1" or "localhost", not "0.0.0.0".'],
    ['a privileged redirect port', { oauth: { redirectPort: 80 } }, '"oauth.redirectPort" must be a whole number between 1024 and 65535 (the loopback port registered with the authorization server), not 80.'],
    ['a redirect port as a string', { oauth: { redirectPort: '8080' } }, '"oauth.redirectPort" must be a whole number between 1024 and 65535 (the loopback port registered with the authorization server), not "8080".'],
  ] as const) {
    it(`${label}: a problem that names the setting and the fix, and the other servers are kept`, () => {
      const entries = byName(validateServers({ bad: { ...GOOD, ...value }, good: GOOD }));
      assert.equal(entries.bad.problem, problem);
      assert.ok(entries.good.config);
    });
  }

  it('no setting at all means no servers', () => {
    assert.deepEqual(validateServers(undefined), []);
    assert.deepEqual(validateServers(null), []);
    assert.deepEqual(validateServers({}), []);
  });

  for (const [label, root] of [
    ['a list', [{ url: 'https://example.com/mcp' }]],
    ['a string', 'https://example.com/mcp'],
    ['a number', 42],
  ] as const) {
    it(`a root that is ${label}: one problem explaining the expected shape, no throw`, () => {
      const entries = validateServers(root);
      assert.equal(entries.length, 1);
      assert.equal(entries[0].config, undefined);
      assert.match(entries[0].problem ?? '', /must be an object keyed by server name, e\.g\. \{ "docs": \{ "url": /);
    });
  }

  describe('bad entries: a clear problem naming the fix', () => {
    const cases: { title: string; value: unknown; name?: string; problem: RegExp }[] = [
      { title: 'not an object (a string)', value: 'https://example.com/mcp', problem: /^The entry must be an object like \{ "url": "https:\/\/…\/mcp" \}, not a string\.$/ },
      { title: 'not an object (a list)', value: [GOOD], problem: /must be an object like .*, not a list\.$/ },
      { title: 'not an object (null)', value: null, problem: /must be an object like .*, not null\.$/ },
      { title: 'missing url', value: { headers: {} }, problem: /^The "url" is missing — set it to the server's MCP endpoint, e\.g\. "https:\/\/example\.com\/mcp"\.$/ },
      { title: 'empty url', value: { url: '' }, problem: /"url" is missing/ },
      { title: 'url not a string', value: { url: 8080 }, problem: /^"url" must be a string, not a number\.$/ },
      { title: 'relative url', value: { url: '/mcp' }, problem: /^The "url" is not an absolute URL — write it in full, e\.g\. "https:\/\/example\.com\/mcp"\.$/ },
      { title: 'url without scheme (host:port)', value: { url: 'localhost:3000/mcp' }, problem: /^The "url" has no scheme — start it with http:\/\/ or https:\/\/, e\.g\. "http:\/\/localhost:3000\/mcp"\.$/ },
      { title: 'url without scheme (host/path)', value: { url: 'example.com/mcp' }, problem: /not an absolute URL — write it in full/ },
      { title: 'file: url', value: { url: 'file:///etc/passwd' }, problem: /^The "url" must start with http:\/\/ or https:\/\/, not file:\.$/ },
      { title: 'javascript: url', value: { url: 'javascript:alert(1)' }, problem: /^The "url" must start with http:\/\/ or https:\/\/, not javascript:\.$/ },
      { title: 'ws: url', value: { url: 'ws://example.com/mcp' }, problem: /must start with http:\/\/ or https:\/\/, not ws:\./ },
      { title: 'absurdly long url', value: { url: `https://example.com/${'a'.repeat(5000)}` }, problem: /^The "url" is longer than 2048 characters — check it\.$/ },
      { title: 'absurdly long name', name: 'n'.repeat(500), value: GOOD, problem: /^The server name is longer than 100 characters — shorten it\.$/ },
      { title: 'empty name', name: '   ', value: GOOD, problem: /^The server name is empty — give it a name\.$/ },
      { title: 'headers not an object', value: { ...GOOD, headers: ['Authorization: x'] }, problem: /^"headers" must be an object of header names to string values, not a list\.$/ },
      { title: 'non-string header value (number)', value: { ...GOOD, headers: { 'X-Count': 5 } }, problem: /^The value of header "X-Count" must be a string, not a number\.$/ },
      { title: 'non-string header value (object)', value: { ...GOOD, headers: { Authorization: { token: 'x' } } }, problem: /^The value of header "Authorization" must be a string, not an object\.$/ },
      { title: 'invalid header name (space)', value: { ...GOOD, headers: { 'X Api Key': 'v' } }, problem: /^The header name "X Api Key" has characters not allowed in HTTP header names — use letters, digits and dashes\.$/ },
      { title: 'invalid header name (colon)', value: { ...GOOD, headers: { 'Authorization:': 'v' } }, problem: /header name "Authorization:" has characters not allowed/ },
      { title: 'header value with a line break', value: { ...GOOD, headers: { 'X-A': 'a\r\nX-Injected: yes' } }, problem: /^The value of header "X-A" contains a line break — remove it\.$/ },
      { title: 'absurdly long header value', value: { ...GOOD, headers: { 'X-Big': 'v'.repeat(10_000) } }, problem: /^The value of header "X-Big" is longer than 8192 characters — check it\.$/ },
      { title: 'enabled not a boolean', value: { ...GOOD, enabled: 'yes' }, problem: /^"enabled" must be true or false\.$/ },
      { title: 'autoConnect not a boolean', value: { ...GOOD, autoConnect: 1 }, problem: /^"autoConnect" must be true or false\.$/ },
      { title: 'bad transport', value: { ...GOOD, transport: 'websocket' }, problem: /^"transport" must be "auto", "streamable-http" or "sse", not "websocket"\.$/ },
      { title: 'transport not a string', value: { ...GOOD, transport: 3 }, problem: /^"transport" must be "auto", "streamable-http" or "sse", not 3\.$/ },
      ...[-5, 0, 1e9, '10', true, Number.POSITIVE_INFINITY, Number.NaN].map((timeoutSeconds) => ({
        title: `timeoutSeconds ${typeof timeoutSeconds === 'string' ? JSON.stringify(timeoutSeconds) : String(timeoutSeconds)}`,
        value: { ...GOOD, timeoutSeconds },
        problem: /^"timeoutSeconds" must be a number of seconds between 1 and 600\.$/,
      })),
    ];

    for (const { title, value, name, problem } of cases) {
      it(title, () => {
        assert.match(problemOf(value, name), problem);
      });
    }

    it('a problem never repeats a header value', () => {
      const secret = 'sk-live-canary-0123456789';
      for (const headers of [{ 'Bad Name': secret }, { 'X-A': `${secret}\n` }, { 'X-A': secret + 'x'.repeat(9000) }]) {
        const problem = problemOf({ ...GOOD, headers });
        assert.ok(!problem.includes('canary'), problem);
      }
    });
  });

  it('bad entries leave the other servers in the same object valid', () => {
    const entries = validateServers({
      first: { url: 'https://one.example/mcp' },
      notObject: 'https://two.example/mcp',
      relative: { url: '/mcp' },
      badHeader: { url: 'https://three.example/mcp', headers: { 'X Y': 'z' } },
      badTimeout: { url: 'https://four.example/mcp', timeoutSeconds: -1 },
      last: { url: 'https://five.example/mcp', transport: 'streamable-http' },
    });

    assert.deepEqual(
      entries.map((e) => [e.name, e.problem === undefined]),
      [
        ['first', true],
        ['notObject', false],
        ['relative', false],
        ['badHeader', false],
        ['badTimeout', false],
        ['last', true],
      ],
    );
    const all = byName(entries);
    assert.equal(all.first.config?.endpoint.configured, 'https://one.example/mcp');
    assert.equal(all.last.config?.transport, 'streamable-http');
  });

  it('unknown keys: a warning naming the key and the known ones, and the server stays valid', () => {
    const [entry] = validateServers({ docs: { ...GOOD, timeout: 10, Headers: {} } });
    assert.equal(entry.problem, undefined);
    assert.equal(entry.config?.endpoint.configured, 'https://example.com/mcp');
    assert.equal(entry.config?.timeoutSeconds, 30, 'the misspelt "timeout" is not taken as timeoutSeconds');
    assert.deepEqual(entry.warnings, [
      'Unknown setting "timeout" is ignored (known: url, headers, enabled, autoConnect, transport, timeoutSeconds, exposeToChat, auth, oauth).',
      'Unknown setting "Headers" is ignored (known: url, headers, enabled, autoConnect, transport, timeoutSeconds, exposeToChat, auth, oauth).',
    ]);
  });

  it('names differing only in case: the later one gets a problem naming both, the first keeps working', () => {
    const entries = validateServers({ Docs: { url: 'https://one.example/mcp' }, docs: { url: 'https://two.example/mcp' }, other: GOOD });
    const all = byName(entries);
    assert.equal(all.Docs.problem, undefined);
    assert.equal(all.Docs.config?.endpoint.configured, 'https://one.example/mcp');
    assert.equal(all.docs.config, undefined);
    assert.equal(all.docs.problem, 'The name "docs" differs from "Docs" only in case — rename one of them.');
    assert.equal(all.other.problem, undefined);
  });

  it('a url with credentials or secret-looking query values is kept for connecting (display hides them elsewhere)', () => {
    const [entry] = validateServers({ docs: { url: 'https://user:pw@example.com/mcp?token=abc' } });
    assert.equal(entry.config?.endpoint.configured, 'https://user:pw@example.com/mcp?token=abc');
    assert.equal(entry.config?.endpoint.requestUrl.href, 'https://example.com/mcp?token=abc', 'requests carry no user:password');
    assert.equal(entry.config?.endpoint.displayUrl, 'https://example.com/mcp?token=***');
    assert.equal(entry.config?.endpoint.credentialsHeader, `Basic ${Buffer.from('user:pw').toString('base64')}`);
  });

  it('timeoutSeconds null means the default', () => {
    const [entry] = validateServers({ docs: { ...GOOD, timeoutSeconds: null } });
    assert.equal(entry.config?.timeoutSeconds, 30);
  });

  it('a url is normalised the way the URL parser does', () => {
    const [entry] = validateServers({ docs: { url: 'HTTPS://Example.COM:443/mcp' } });
    assert.equal(entry.config?.endpoint.configured, 'https://example.com/mcp');
  });
});
