import assert from 'node:assert/strict';
import { discoverImports, nodeImportFs } from '../../../src/importing/discover';
import { planImport } from '../../../src/importing/plan';
import { previewGroups, summarise } from '../../../src/importing/preview';
import { treeWith } from './support';

const TOKEN = 'sk_live_51PreviewCanaryQ8vX2mLp9';

describe('importing: the preview and the closing sentence', () => {
  it('per file: servers to add (a renamed clash says so), already configured ones, skipped entries with the reason — no secret shown', async () => {
    const tree = await treeWith({
      'home/.cursor/mcp.json': JSON.stringify({
        mcpServers: {
          docs: { url: 'https://docs.example.com/mcp', headers: { Authorization: `Bearer ${TOKEN}` } },
          search: { url: 'https://user:hunter22@search.example.com/mcp?api_key=q1w2e3r4t5' },
          same: { url: 'https://same.example.com/mcp' },
          local: { command: 'uvx', args: ['mcp-server-git'] },
        },
      }),
      'work/app/.mcp.json': JSON.stringify({ mcpServers: { wiki: { type: 'http', url: 'https://wiki.example.com/mcp' } } }),
    });
    try {
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      const plan = planImport(discovery.candidates, { existing: { docs: { url: 'https://other.example.com/mcp' }, 'same-here': { url: 'https://same.example.com/mcp' } } });
      const groups = previewGroups(plan);
      const shown = groups.map((group) => [group.source.label, group.rows.map((row) => [row.kind, row.name, row.description])]);
      assert.deepEqual(shown, [
        ['Claude Code (project app, .mcp.json)', [['add', 'wiki', 'https://wiki.example.com/mcp']]],
        [
          'Cursor (global, ~/.cursor/mcp.json)',
          [
            ['add', 'docs (cursor)', 'renamed from "docs" · https://docs.example.com/mcp'],
            ['add', 'search', 'https://search.example.com/mcp?api_key=***'],
            ['same', 'same', 'already configured as "same-here"'],
            ['skipped', 'local', 'skipped'],
          ],
        ],
      ]);
      const cursorRows = groups[1].rows;
      assert.match(cursorRows[0].detail, /moves to Secret Storage as "docs \(cursor\)\.Authorization"/);
      assert.match(cursorRows[3].detail, /stdio server \(command uvx mcp-server-git\): MCP Connections manages remote servers only/);
      const everything = JSON.stringify(groups.map((group) => group.rows.map(({ name, description, detail }) => [name, description, detail])));
      for (const secret of [TOKEN, 'hunter22', 'q1w2e3r4t5']) assert.ok(!everything.includes(secret), `${secret} is shown`);
    } finally {
      await tree.remove();
    }
  });

  it('the closing sentence: added, secrets moved, skipped, and the secrets that still need a value', () => {
    assert.equal(
      summarise({ added: 2, secretsMoved: 1, skipped: 3, needValues: ['github-pat'], target: 'user' }),
      'Imported 2 MCP servers into your user settings; 1 secret value moved to Secret Storage; 3 entries skipped. Set a value with "MCP Connections: Set Secret…" for "github-pat".',
    );
    assert.equal(summarise({ added: 1, secretsMoved: 0, skipped: 1, needValues: [], target: 'workspace' }), 'Imported 1 MCP server into the workspace settings; 0 secret values moved to Secret Storage; 1 entry skipped.');
  });
});
