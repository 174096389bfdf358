import assert from 'node:assert/strict';
import { describeChatDuplicate, findChatDuplicates } from '../../../src/importing/chatDuplicates';
import { discoverImports, nodeImportFs } from '../../../src/importing/discover';
import { treeWith } from './support';

const USER_MCP = 'home/.config/Code/User/mcp.json';
const FOLDER_MCP = 'work/app/.vscode/mcp.json';

/** Our servers that VS Code's mcp.json files also have, as the tree's tooltip row says it. */
async function duplicates(files: Record<string, string>, ours: Record<string, string>): Promise<Record<string, string>> {
  const tree = await treeWith(files);
  try {
    const discovery = await discoverImports(nodeImportFs(), tree.locations, ['vscode']);
    const servers = Object.entries(ours).map(([name, url]) => ({ name, url: new URL(url).href }));
    return Object.fromEntries([...findChatDuplicates(discovery.candidates, servers)].map(([name, found]) => [name, describeChatDuplicate(found)]));
  } finally {
    await tree.remove();
  }
}

describe("importing: our servers that are also in VS Code's own mcp.json", () => {
  it('the same URL after normalisation (host case, default port) in the user file is found, with the name it has there', async () => {
    const found = await duplicates(
      { [USER_MCP]: JSON.stringify({ servers: { 'docs-there': { type: 'http', url: 'HTTPS://Docs.Example.com:443/mcp' }, other: { url: 'https://other.example.com/mcp' } } }) },
      { docs: 'https://docs.example.com/mcp', mine: 'https://mine.example.com/mcp' },
    );
    assert.deepEqual(found, { docs: `VS Code's mcp.json (user) as "docs-there" — its tools would appear twice in chat` });
  });

  it("a folder's .vscode/mcp.json is named by its folder, and wins over the user file", async () => {
    const server = (name: string) => JSON.stringify({ servers: { [name]: { url: 'https://docs.example.com/mcp' } } });
    const found = await duplicates({ [USER_MCP]: server('in-user'), [FOLDER_MCP]: server('in-folder') }, { docs: 'https://docs.example.com/mcp' });
    assert.deepEqual(found, { docs: `VS Code's mcp.json (workspace app) as "in-folder" — its tools would appear twice in chat` });
  });

  it('other paths, stdio servers, URLs with ${input:…}, and the other clients\' files do not count', async () => {
    const found = await duplicates(
      {
        [USER_MCP]: JSON.stringify({
          servers: {
            path: { url: 'https://docs.example.com/other' },
            local: { command: 'npx', args: ['docs-server'] },
            input: { url: 'https://docs.example.com/mcp?key=${input:key}' },
          },
        }),
        'home/.cursor/mcp.json': JSON.stringify({ mcpServers: { docs: { url: 'https://docs.example.com/mcp' } } }),
      },
      { docs: 'https://docs.example.com/mcp' },
    );
    assert.deepEqual(found, {});
  });
});
