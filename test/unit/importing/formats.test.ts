import assert from 'node:assert/strict';
import { mkdir, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { discoverImports, nodeImportFs } from '../../../src/importing/discover';
import { planImport, type ImportPlan } from '../../../src/importing/plan';
import { buildTree, type Tree } from './support';

/**
 * Each client's fixture files in a temporary HOME, discovered through the real file system and
 * planned against empty settings. The plan is shown with sources by id and the temporary directory as
 * `<root>`, and compared whole.
 */
async function planFor(clients: string[], existing: Record<string, unknown> = {}): Promise<{ plan: unknown; problems: string[]; raw: ImportPlan; tree: Tree }> {
  const tree = await buildTree(clients);
  try {
    const discovery = await discoverImports(nodeImportFs(), tree.locations);
    const raw = planImport(discovery.candidates, { existing });
    const shown = JSON.stringify(raw, (key, value) => (key === 'source' ? value.id : value)).split(tree.root).join('<root>');
    return { plan: JSON.parse(shown), problems: discovery.problems.map((p) => p.split(tree.root).join('<root>')), raw, tree };
  } finally {
    await tree.remove();
  }
}

const none = { secrets: [], unsetSecrets: [], notes: [], skippedFields: [], alsoFoundIn: [] };

describe('importing: each client\'s files, end to end', () => {
  it('VS Code: user mcp.json with comments, inputs, http, sse, a stdio server; .vscode/mcp.json with ${workspaceFolder}', async () => {
    const { plan, problems } = await planFor(['vscode']);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan, {
      servers: [
        {
          ...none,
          name: 'local-api',
          originalName: 'local-api',
          source: 'vscode-workspace:<root>/work/app',
          status: 'new',
          entry: { url: 'http://localhost:3000/mcp?root=<root>/work/app', headers: { 'X-Api-Key': '${env:LOCAL_API_KEY}' } },
        },
        {
          ...none,
          name: 'github',
          originalName: 'github',
          source: 'vscode-user',
          status: 'new',
          entry: { url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${secret:github-pat}', 'X-Team': '${secret:team}' } },
          unsetSecrets: ['github-pat', 'team'],
          notes: [
            'Header "Authorization": ${input:github-pat} ("GitHub Personal Access Token") has no value here — set it with MCP: Set Secret… as "github-pat".',
            'Header "X-Team": ${input:team} ("Team slug") has no value here — set it with MCP: Set Secret… as "team".',
          ],
        },
        { ...none, name: 'legacy-docs', originalName: 'legacy-docs', source: 'vscode-user', status: 'new', entry: { url: 'http://localhost:8931/sse', transport: 'sse' } },
        {
          ...none,
          name: 'deepwiki',
          originalName: 'deepwiki',
          source: 'vscode-user',
          status: 'new',
          entry: { url: 'https://mcp.deepwiki.com/mcp' },
          skippedFields: ['gallery: not used by MCP Connections; ignored'],
        },
      ],
      skipped: [{ name: 'playwright', source: 'vscode-user', reason: 'stdio server (command npx @playwright/mcp@latest): MCP Connections manages remote servers only.' }],
    });
  });

  it('Claude Code: .mcp.json with ${VAR:-default} and oauth; ~/.claude.json user servers and this project\'s local ones', async () => {
    const { plan, problems } = await planFor(['claude-code']);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan, {
      servers: [
        {
          ...none,
          name: 'api-server',
          originalName: 'api-server',
          source: 'claude-code-project:<root>/work/app',
          status: 'new',
          entry: { url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer ${env:API_KEY}', 'X-Region': '${env:REGION}' } },
          notes: [
            'The URL used ${API_BASE_URL:-…}: MCP Connections does not expand variables in URLs, so the default was written in — edit the URL if API_BASE_URL says otherwise.',
            'Header "X-Region": ${REGION:-…} had a default, which MCP Connections cannot express — the header now needs the environment variable REGION.',
          ],
        },
        {
          ...none,
          name: 'notion',
          originalName: 'notion',
          source: 'claude-code-project:<root>/work/app',
          status: 'new',
          entry: { url: 'https://mcp.notion.com/mcp' },
          skippedFields: ['oauth: OAuth sign-in is not supported yet; imported without it (the server may answer 401 until you add a header)'],
        },
        {
          ...none,
          name: 'staging-api',
          originalName: 'staging-api',
          source: 'claude-code-local:<root>/work/app',
          status: 'new',
          entry: { url: 'https://staging.example.com/mcp', headers: { Authorization: 'Bearer ${secret:staging-api.Authorization}' } },
          secrets: [{ key: 'staging-api.Authorization', value: 'sk_live_51CanaryTokenQ8vX2mLp9RtYz', header: 'Authorization' }],
          notes: ['The value of header "Authorization" moves to Secret Storage as "staging-api.Authorization".'],
        },
        { ...none, name: 'sentry', originalName: 'sentry', source: 'claude-code-user', status: 'new', entry: { url: 'https://mcp.sentry.dev/mcp' } },
        { ...none, name: 'linear', originalName: 'linear', source: 'claude-code-user', status: 'new', entry: { url: 'https://mcp.linear.app/sse', transport: 'sse' } },
      ],
      skipped: [
        { name: 'postgres', source: 'claude-code-project:<root>/work/app', reason: 'stdio server (command uvx mcp-server-postgres): MCP Connections manages remote servers only.' },
        { name: 'filesystem', source: 'claude-code-user', reason: 'stdio server (command npx @modelcontextprotocol/server-filesystem): MCP Connections manages remote servers only.' },
      ],
    });
    // The other project's servers in ~/.claude.json are not this workspace's.
    assert.ok(!JSON.stringify(plan).includes('other.example.com'));
  });

  it('Cursor: global ~/.cursor/mcp.json and the project\'s .cursor/mcp.json', async () => {
    const { plan, problems } = await planFor(['cursor']);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan, {
      servers: [
        { ...none, name: 'figma-desktop', originalName: 'figma-desktop', source: 'cursor-project:<root>/work/app', status: 'new', entry: { url: 'http://127.0.0.1:3845/mcp' } },
        { ...none, name: 'linear-sse', originalName: 'linear-sse', source: 'cursor-global', status: 'new', entry: { url: 'https://mcp.linear.app/sse' } },
        {
          ...none,
          name: 'context7',
          originalName: 'context7',
          source: 'cursor-global',
          status: 'new',
          entry: { url: 'https://mcp.context7.com/mcp', headers: { CONTEXT7_API_KEY: '${env:CONTEXT7_API_KEY}' } },
        },
        { ...none, name: 'sentry', originalName: 'sentry', source: 'cursor-global', status: 'new', entry: { url: 'https://sentry.internal.example.com/mcp' } },
      ],
      skipped: [{ name: 'browser', source: 'cursor-project:<root>/work/app', reason: 'stdio server (command npx @browsermcp/mcp@latest): MCP Connections manages remote servers only.' }],
    });
  });

  it('Windsurf: serverUrl (and url) entries, disabled, per-tool settings; a docker stdio server whose env token stays out', async () => {
    const { plan, problems } = await planFor(['windsurf']);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan, {
      servers: [
        {
          ...none,
          name: 'figma',
          originalName: 'figma',
          source: 'windsurf',
          status: 'new',
          entry: { url: 'http://127.0.0.1:3845/sse', enabled: false },
          notes: ['Switched off in Windsurf: imported with "enabled": false.'],
        },
        {
          ...none,
          name: 'stripe',
          originalName: 'stripe',
          source: 'windsurf',
          status: 'new',
          entry: { url: 'https://mcp.stripe.com', headers: { Authorization: 'Bearer ${env:STRIPE_SECRET_KEY}' } },
          skippedFields: ['disabledTools: per-tool settings are not imported'],
        },
        { ...none, name: 'deepwiki', originalName: 'deepwiki', source: 'windsurf', status: 'new', entry: { url: 'https://mcp.deepwiki.com/mcp' } },
      ],
      skipped: [{ name: 'github-local', source: 'windsurf', reason: 'stdio server (command docker): MCP Connections manages remote servers only.' }],
    });
    assert.ok(!JSON.stringify(plan).includes('ghp_'));
  });

  it('Claude Desktop: mcp-remote wrappers become their remote servers (headers, env, transport); other stdio servers are skipped', async () => {
    const { plan, problems } = await planFor(['claude-desktop']);
    assert.deepEqual(problems, []);
    const via = 'Ran through mcp-remote in Claude Desktop; MCP Connections connects to the URL directly.';
    assert.deepEqual(plan, {
      servers: [
        { ...none, name: 'atlassian', originalName: 'atlassian', source: 'claude-desktop', status: 'new', entry: { url: 'https://mcp.atlassian.com/v1/sse' }, notes: [via] },
        {
          ...none,
          name: 'internal-tools',
          originalName: 'internal-tools',
          source: 'claude-desktop',
          status: 'new',
          // "Authorization:${AUTH_HEADER}" read AUTH_HEADER from the wrapper's env, as mcp-remote does.
          entry: {
            url: 'https://tools.internal.example.com/mcp',
            headers: { Authorization: 'Bearer ${secret:internal-tools.Authorization}', 'X-Tenant': 'acme' },
            transport: 'streamable-http',
          },
          secrets: [{ key: 'internal-tools.Authorization', value: 'eyJhbGciOiJIUzI1NiJ9.Q2FuYXJ5RGVza3RvcA.c2lnbmF0dXJlMTIz', header: 'Authorization' }],
          notes: [via, 'The value of header "Authorization" moves to Secret Storage as "internal-tools.Authorization".'],
          skippedFields: ['env.NODE_EXTRA_CA_CERTS: set for the mcp-remote process; not used'],
        },
        {
          ...none,
          name: 'legacy',
          originalName: 'legacy',
          source: 'claude-desktop',
          status: 'new',
          // ${LEGACY_TOKEN} is not in the wrapper's env: mcp-remote would read Claude Desktop's environment.
          entry: { url: 'http://localhost:9000/sse', headers: { Authorization: 'Bearer ${env:LEGACY_TOKEN}' }, transport: 'sse' },
          notes: [via],
          skippedFields: ["--debug: mcp-remote's debug log; ignored (use the MCP Connections log at Trace level)", "callback port: mcp-remote's port for OAuth sign-in; not needed"],
        },
      ],
      skipped: [
        { name: 'memory', source: 'claude-desktop', reason: 'stdio server (command npx @modelcontextprotocol/server-memory): MCP Connections manages remote servers only.' },
        { name: 'weather', source: 'claude-desktop', reason: 'stdio server (command uv): MCP Connections manages remote servers only.' },
      ],
    });
  });

  it('Claude Desktop on macOS: the same file under ~/Library/Application Support is found', async () => {
    const tree = await buildTree(['claude-desktop'], 'darwin');
    try {
      const target = path.join(tree.home, 'Library', 'Application Support', 'Claude');
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(tree.home, '.config', 'Claude'), target);
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      const desktop = discovery.sources.find((s) => s.id === 'claude-desktop')!;
      assert.deepEqual(
        { found: desktop.found, remoteCount: desktop.remoteCount, skippedCount: desktop.skippedCount, label: desktop.label },
        { found: true, remoteCount: 3, skippedCount: 2, label: 'Claude Desktop (~/Library/Application Support/Claude/claude_desktop_config.json)' },
      );
    } finally {
      await tree.remove();
    }
  });
});
