import assert from 'node:assert/strict';
import { validateServer } from '../../../src/config/validate';
import { discoverImports, nodeImportFs, type Discovery } from '../../../src/importing/discover';
import { planImport, type ImportPlan, type PlannedServer } from '../../../src/importing/plan';
import { buildTree, treeWith } from './support';

const ALL = ['vscode', 'claude-code', 'cursor', 'windsurf', 'claude-desktop'];
/** Literal credentials in the fixtures. */
const TOKENS = [
  'sk_live_51CanaryTokenQ8vX2mLp9RtYz', // ~/.claude.json, local scope: must move to secrets
  'eyJhbGciOiJIUzI1NiJ9.Q2FuYXJ5RGVza3RvcA.c2lnbmF0dXJlMTIz', // Claude Desktop mcp-remote env: must move to secrets
  'ghp_CanaryWindsurf0000000000000000000000', // Windsurf stdio env: imported nowhere
  'ghp_CanaryInvalidJson000000000000000000', // the invalid Cursor file: imported nowhere
];

async function discoverAll(clients: string[]): Promise<{ discovery: Discovery; root: string }> {
  const tree = await buildTree(clients);
  try {
    return { discovery: await discoverImports(nodeImportFs(), tree.locations), root: tree.root };
  } finally {
    await tree.remove();
  }
}

/** Discovery and plan for hand-written files in a temporary HOME (`home/…`, `work/app/…`). */
async function planFiles(files: Record<string, string>, existing: Record<string, unknown> = {}): Promise<{ plan: ImportPlan; discovery: Discovery }> {
  const tree = await treeWith(files);
  try {
    const discovery = await discoverImports(nodeImportFs(), tree.locations);
    return { plan: planImport(discovery.candidates, { existing }), discovery };
  } finally {
    await tree.remove();
  }
}

function cursor(servers: Record<string, unknown>): Record<string, string> {
  return { 'home/.cursor/mcp.json': JSON.stringify({ mcpServers: servers }) };
}

function byName(plan: ImportPlan): Record<string, PlannedServer> {
  return Object.fromEntries(plan.servers.map((s) => [s.originalName, s]));
}

function statuses(plan: ImportPlan): Array<[string, string, string, string]> {
  return plan.servers.map((s) => [s.originalName, s.source.id.replace(/:.*/, ''), s.status, s.name]);
}

describe('importing: the plan across every client', () => {
  it('against current settings: a duplicate appears once, a taken name gets a new one, an identical server is "same"', async () => {
    const { discovery } = await discoverAll(ALL);
    const plan = planImport(discovery.candidates, {
      existing: {
        github: { url: 'https://github-enterprise.example.com/mcp' },
        'sentry-prod': { url: 'https://mcp.sentry.dev/mcp', timeoutSeconds: 20 },
      },
    });
    assert.deepEqual(statuses(plan), [
      ['local-api', 'vscode-workspace', 'new', 'local-api'],
      ['github', 'vscode-user', 'clash', 'github (vscode)'],
      ['legacy-docs', 'vscode-user', 'new', 'legacy-docs'],
      ['deepwiki', 'vscode-user', 'new', 'deepwiki'],
      ['api-server', 'claude-code-project', 'new', 'api-server'],
      ['notion', 'claude-code-project', 'new', 'notion'],
      ['staging-api', 'claude-code-local', 'new', 'staging-api'],
      ['sentry', 'claude-code-user', 'same', 'sentry-prod'],
      ['linear', 'claude-code-user', 'new', 'linear'],
      ['figma-desktop', 'cursor-project', 'new', 'figma-desktop'],
      // Cursor's linear-sse is Claude Code's linear (same URL and headers): not listed again.
      ['context7', 'cursor-global', 'new', 'context7'],
      ['sentry', 'cursor-global', 'new', 'sentry'],
      ['figma', 'windsurf', 'new', 'figma'],
      ['stripe', 'windsurf', 'new', 'stripe'],
      // Windsurf's deepwiki is VS Code's deepwiki.
      ['atlassian', 'claude-desktop', 'new', 'atlassian'],
      ['internal-tools', 'claude-desktop', 'new', 'internal-tools'],
      ['legacy', 'claude-desktop', 'new', 'legacy'],
    ]);

    const github = plan.servers[1];
    assert.deepEqual(github.notes, [
      'A server named "github" is already configured with a different URL — this one is proposed as "github (vscode)".',
      'Header "Authorization": ${input:github-pat} ("GitHub Personal Access Token") has no value here — set it with MCP: Set Secret… as "github-pat".',
      'Header "X-Team": ${input:team} ("Team slug") has no value here — set it with MCP: Set Secret… as "team".',
    ]);
    const sentry = plan.servers[7];
    assert.deepEqual({ entry: sentry.entry, secrets: sentry.secrets, notes: sentry.notes }, {
      entry: { url: 'https://mcp.sentry.dev/mcp' },
      secrets: [],
      notes: ['Already configured as "sentry-prod" with the same URL and headers — nothing to do.'],
    });
    const linear = plan.servers[8];
    assert.deepEqual(linear.notes, ['Also in Cursor (global, ~/.cursor/mcp.json) as "linear-sse".']);
    assert.deepEqual(linear.alsoFoundIn.map((a) => [a.source.id, a.name]), [['cursor-global', 'linear-sse']]);
    const deepwiki = plan.servers[3];
    assert.deepEqual(deepwiki.notes, ['Also in Windsurf (~/.codeium/windsurf/mcp_config.json).']);

    assert.deepEqual(
      plan.skipped.map((s) => [s.name, s.source.id.replace(/:.*/, '')]),
      [
        ['playwright', 'vscode-user'],
        ['postgres', 'claude-code-project'],
        ['filesystem', 'claude-code-user'],
        ['browser', 'cursor-project'],
        ['github-local', 'windsurf'],
        ['memory', 'claude-desktop'],
        ['weather', 'claude-desktop'],
      ],
    );
  });

  it('with no settings yet, two clients\' "sentry" with different URLs: the second is renamed after its client', async () => {
    const { discovery } = await discoverAll(['claude-code', 'cursor']);
    const plan = planImport(discovery.candidates);
    const sentries = plan.servers.filter((s) => s.originalName === 'sentry');
    assert.deepEqual(
      sentries.map((s) => [s.source.id, s.status, s.name, s.entry.url, s.notes]),
      [
        ['claude-code-user', 'new', 'sentry', 'https://mcp.sentry.dev/mcp', []],
        [
          'cursor-global',
          'clash',
          'sentry (cursor)',
          'https://sentry.internal.example.com/mcp',
          ['A server from Claude Code (user, ~/.claude.json) is also named "sentry" — this one is proposed as "sentry (cursor)".'],
        ],
      ],
    );
  });

  it('every planned entry passes validateServer under its name, and names are unique ignoring case', async () => {
    const { discovery } = await discoverAll(ALL);
    const plan = planImport(discovery.candidates, { existing: { GitHub: { url: 'https://other.example.com/mcp' } } });
    for (const server of plan.servers) {
      const checked = validateServer(server.name, server.entry, server.source.scope);
      assert.equal(checked.problem, undefined, `${server.name}: ${checked.problem}`);
      assert.deepEqual(checked.warnings, [], server.name);
    }
    const names = plan.servers.filter((s) => s.status !== 'same').map((s) => s.name.toLowerCase());
    assert.equal(new Set(names).size, names.length);
    assert.ok(!names.includes('github'), 'case-insensitive clash with "GitHub"');
  });

  it('importing what the plan wrote again finds everything "same" (secret values are not compared)', async () => {
    const { discovery } = await discoverAll(ALL);
    const first = planImport(discovery.candidates);
    const written: Record<string, unknown> = {};
    for (const server of first.servers) written[server.name] = server.entry;
    const again = planImport(discovery.candidates, { existing: written });
    assert.deepEqual(
      again.servers.map((s) => [s.name, s.status]),
      first.servers.map((s) => [s.name, 'same']),
    );
    assert.ok(again.servers.every((s) => s.secrets.length === 0));
    assert.deepEqual(again.servers.find((s) => s.name === 'staging-api')!.notes, [
      'Already configured as "staging-api" with the same URL and headers (secret values are not compared) — nothing to do.',
    ]);
  });

  it('canary: a literal token appears in secrets[].value and nowhere else — not in entries, notes, reasons, problems or sources', async () => {
    const { discovery, root } = await discoverAll([...ALL, 'invalid']);
    assert.deepEqual(discovery.problems, [`Cursor's ${root}/work/app/.cursor/mcp.json is not valid JSON — nothing was imported from it.`]);
    const plan = planImport(discovery.candidates);
    const values = plan.servers.flatMap((s) => s.secrets.map((secret) => secret.value));
    assert.deepEqual(values, [TOKENS[0], TOKENS[1]]);
    const withoutValues = JSON.stringify({
      plan: { ...plan, servers: plan.servers.map((s) => ({ ...s, secrets: s.secrets.map(({ key, header }) => ({ key, header })) })) },
      problems: discovery.problems,
      sources: discovery.sources,
    });
    for (const token of TOKENS) {
      assert.ok(!withoutValues.includes(token), `${token} leaked`);
      assert.ok(!withoutValues.includes(token.slice(0, 16)), `part of ${token} leaked`);
    }
  });
});

describe('importing: header values and secrets', () => {
  it('a secret key that a configured server reads anywhere (here its oauth.clientSecret) is never reused for an imported value', async () => {
    const existing = { other: { url: 'https://other.example.com/mcp', oauth: { clientId: 'c', clientSecret: '${secret:bare.Authorization}' } } };
    const { plan } = await planFiles(cursor({ bare: { url: 'https://bare.example.com/mcp', headers: { Authorization: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } } }), existing);
    const [secret] = byName(plan).bare.secrets;
    assert.ok(secret && secret.key !== 'bare.Authorization', `key ${secret?.key}`);
    assert.equal(byName(plan).bare.entry.headers?.Authorization, `\${secret:${secret.key}}`);
  });

  it('which literal values move to Secret Storage, and how Authorization keeps its scheme', async () => {
    const { plan } = await planFiles(
      cursor({
        api: {
          url: 'https://api.example.com/mcp',
          headers: {
            Authorization: 'Basic dXNlcjpwYXNzd29yZA==',
            'X-Api-Key': 'short-key',
            Cookie: 'session=abc',
            'X-Trace': 'on',
            'X-Custom': 'Zq8xN2vL5pR7tY1wK3mB9cD4',
            Accept: 'application/json, text/event-stream',
            'X-Env-Key': '${env:MY_KEY}',
          },
        },
        bare: { url: 'https://bare.example.com/mcp', headers: { Authorization: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } },
        placeholder: { url: 'https://docs.example.com/mcp', headers: { Authorization: 'Bearer YOUR_API_KEY' } },
        mixed: { url: 'https://mixed.example.com/mcp', headers: { Authorization: 'Token abc-${env:SUFFIX}' } },
      }),
    );
    const servers = byName(plan);
    assert.deepEqual(servers.api.entry.headers, {
      Authorization: 'Basic ${secret:api.Authorization}',
      'X-Api-Key': '${secret:api.X-Api-Key}',
      Cookie: '${secret:api.Cookie}',
      'X-Trace': 'on',
      'X-Custom': '${secret:api.X-Custom}',
      Accept: 'application/json, text/event-stream',
      'X-Env-Key': '${env:MY_KEY}',
    });
    assert.deepEqual(servers.api.secrets, [
      { key: 'api.Authorization', value: 'dXNlcjpwYXNzd29yZA==', header: 'Authorization' },
      { key: 'api.X-Api-Key', value: 'short-key', header: 'X-Api-Key' },
      { key: 'api.Cookie', value: 'session=abc', header: 'Cookie' },
      { key: 'api.X-Custom', value: 'Zq8xN2vL5pR7tY1wK3mB9cD4', header: 'X-Custom' },
    ]);
    assert.deepEqual(servers.bare.entry.headers, { Authorization: '${secret:bare.Authorization}' });
    assert.deepEqual(servers.bare.secrets, [{ key: 'bare.Authorization', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', header: 'Authorization' }]);
    assert.deepEqual(servers.placeholder.notes, ['Header "Authorization" holds what looks like a placeholder, not a real credential — set the real value with MCP: Set Secret… as "placeholder.Authorization".']);
    assert.deepEqual(servers.mixed.entry.headers, { Authorization: 'Token abc-${env:SUFFIX}' });
    assert.deepEqual(servers.mixed.secrets, []);
    assert.deepEqual(servers.mixed.notes, ['Header "Authorization" mixes a literal value with ${…} references, so it is written to settings as it is — move the literal part into a secret by hand.']);
  });

  it('names clash ignoring case, as settings do ("Docs" next to "docs" is a problem there)', async () => {
    const { plan } = await planFiles(cursor({ Docs: { url: 'https://docs.example.com/mcp' } }), { docs: { url: 'https://old-docs.example.com/mcp' } });
    assert.deepEqual(statuses(plan), [['Docs', 'cursor-global', 'clash', 'Docs (cursor)']]);
    assert.deepEqual(plan.servers[0].notes, ['A server named "docs" is already configured with a different URL — this one is proposed as "Docs (cursor)".']);
  });

  it('a secret key already referenced by another configured server is not reused', async () => {
    const { plan } = await planFiles(cursor({ docs: { url: 'https://docs.example.com/mcp', headers: { Authorization: 'Bearer tok_1234567890abcdef' } } }), {
      'old-docs': { url: 'https://old.example.com/mcp', headers: { Authorization: 'Bearer ${secret:docs.Authorization}' } },
    });
    assert.deepEqual(plan.servers[0].entry.headers, { Authorization: 'Bearer ${secret:docs.Authorization-2}' });
    assert.deepEqual(plan.servers[0].secrets.map((s) => s.key), ['docs.Authorization-2']);
  });

  it('variables MCP Connections cannot expand become secrets to set: Windsurf ${file:…}, ${command:…}, an undefined ${input:…}', async () => {
    const { plan } = await planFiles({
      'home/.codeium/windsurf/mcp_config.json': JSON.stringify({ mcpServers: { w: { serverUrl: 'https://w.example.com/mcp', headers: { 'X-Key': '${file:/home/me/.w-token}' } } } }),
      'home/.config/Code/User/mcp.json': JSON.stringify({ servers: { v: { type: 'http', url: 'https://v.example.com/mcp', headers: { 'X-Id': '${command:getId}', Authorization: 'Bearer ${input:nowhere}' } } } }),
    });
    const servers = byName(plan);
    assert.deepEqual(servers.w.entry.headers, { 'X-Key': '${secret:w.X-Key}' });
    assert.deepEqual(servers.w.unsetSecrets, ['w.X-Key']);
    assert.deepEqual(servers.w.notes, ['Header "X-Key" reads a file (${file:/home/me/.w-token}), which MCP Connections does not do — set its value with MCP: Set Secret… as "w.X-Key".']);
    assert.deepEqual(servers.v.entry.headers, { 'X-Id': '${secret:v.X-Id}', Authorization: 'Bearer ${secret:nowhere}' });
    assert.deepEqual(servers.v.unsetSecrets, ['v.X-Id', 'nowhere']);
    assert.deepEqual(servers.v.notes, [
      'Header "X-Id" uses ${command:getId}, which MCP Connections cannot expand — set its value with MCP: Set Secret… as "v.X-Id".',
      'Header "Authorization": ${input:nowhere}, which is not among the file\'s inputs, has no value here — set it with MCP: Set Secret… as "nowhere".',
    ]);
    assert.deepEqual(servers.v.secrets, []);
  });
});

describe('importing: URLs', () => {
  it('skipped with the reason: ${workspaceFolder} in a user file, an environment variable without default, a URL that fails validation', async () => {
    const { plan } = await planFiles({
      ...cursor({ here: { url: 'http://localhost:1/mcp?root=${workspaceFolder}' }, ftp: { url: 'ftp://files.example.com/mcp' } }),
      'home/.claude.json': JSON.stringify({ mcpServers: { envurl: { type: 'http', url: '${MCP_URL}/mcp' } } }),
    });
    assert.deepEqual(plan.servers, []);
    assert.deepEqual(
      plan.skipped.map((s) => [s.name, s.reason]),
      [
        ['envurl', 'The URL uses the environment variable MCP_URL, and MCP Connections does not expand variables in URLs — add the server by hand with the URL written out.'],
        ['here', 'The URL uses ${workspaceFolder}, but Cursor (global, ~/.cursor/mcp.json) belongs to no workspace folder — add the server by hand.'],
        ['ftp', 'The "url" must start with http:// or https://, not ftp:.'],
      ],
    );
  });

  it('credentials in a URL stay there (settings have no secret URLs), with a note naming the parameter, not its value', async () => {
    const { plan } = await planFiles(cursor({ zap: { url: 'https://user:pw-9f8e7d@mcp.example.com/sse?api_key=k-5a4b3c2d1e&team=a' } }));
    assert.deepEqual(plan.servers[0].notes, [
      'The URL carries a user name or password; it stays in the URL in settings — an Authorization header with a secret is safer.',
      'The URL\'s query parameter "api_key" looks like a credential; it stays in the URL in settings (only header values can be secrets).',
    ]);
    assert.ok(!JSON.stringify(plan.servers[0].notes).includes('k-5a4b3c2d1e'));
  });
});

describe('importing: untrusted file contents', () => {
  it('names: control and bidi characters dropped, long names shortened, empty and __proto__ names skipped', async () => {
    const long = 'n'.repeat(150);
    const text = `{"mcpServers": {"\\u202eevil\\u0007name": {"url": "https://a.example.com/mcp"}, "${long}": {"url": "https://b.example.com/mcp"}, "\\u0001\\u0002": {"url": "https://c.example.com/mcp"}, "__proto__": {"url": "https://d.example.com/mcp"}}}`;
    const { plan } = await planFiles({ 'home/.cursor/mcp.json': text });
    assert.deepEqual(plan.servers.map((s) => [s.name, s.notes]), [
      ['evilname', []],
      ['n'.repeat(100), ['The name was shortened to 100 characters.']],
    ]);
    assert.deepEqual(plan.skipped.map((s) => [s.name, s.reason]), [
      ['(no name)', 'The entry has no usable name (it is empty or only control characters).'],
      ['__proto__', '"__proto__" cannot be used as a server name in settings.'],
    ]);
    assert.equal(({} as Record<string, unknown>).url, undefined);
  });

  it('a header name holding a pasted "Authorization: Bearer …" line: skipped, quoting the name only up to its colon', async () => {
    const { plan } = await planFiles(cursor({ pasted: { url: 'https://p.example.com/mcp', headers: { 'Authorization: Bearer sk_live_PASTED1234567890': 'x' } } }));
    assert.deepEqual(plan.skipped.map((s) => s.reason), ['The header name "Authorization:" has characters not allowed in HTTP header names — use letters, digits and dashes.']);
  });

  it('a file over 5 MB is not read; a file with more than 500 servers is read up to 500', async () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) many[`s${i}`] = { url: `https://s${i}.example.com/mcp` };
    const { discovery, plan } = await planFiles({
      'home/.cursor/mcp.json': JSON.stringify({ mcpServers: { big: { url: 'https://big.example.com/mcp' } }, pad: 'x'.repeat(5 * 1024 * 1024) }),
      'home/.codeium/windsurf/mcp_config.json': JSON.stringify({ mcpServers: many }),
    });
    assert.equal(discovery.problems.length, 2);
    assert.match(discovery.problems[0], /^Cursor's \/.*\/home\/\.cursor\/mcp\.json is larger than 5 MB, so it was not read\.$/);
    assert.equal(discovery.problems[1], 'Windsurf (~/.codeium/windsurf/mcp_config.json) lists 600 servers; only the first 500 were read.');
    assert.equal(plan.servers.length, 500);
    assert.equal(discovery.sources.find((s) => s.id === 'cursor-global')!.found, true);
  });
});
