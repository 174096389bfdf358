import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { discoverImports, FileTooLargeError, hasImportableServers, nodeImportFs, type ImportFs } from '../../../src/importing/discover';
import { buildTree, treeWith } from './support';

/** Every read the real fs makes, in order. */
function counting(fs: ImportFs): ImportFs & { reads: string[] } {
  const reads: string[] = [];
  return { reads, readFile: (file, max) => (reads.push(file), fs.readFile(file, max)) };
}

/** Files in memory, for paths of another platform. */
function memoryFs(files: Record<string, string>): ImportFs {
  return { readFile: async (file) => files[file] };
}

describe('importing: discovery', () => {
  it('every client\'s files: found, with how many remote and skipped entries each has', async () => {
    const tree = await buildTree(['vscode', 'claude-code', 'cursor', 'windsurf', 'claude-desktop']);
    try {
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      assert.deepEqual(discovery.problems, []);
      assert.deepEqual(
        discovery.sources.map((s) => [s.id.replace(tree.folder, '<app>'), s.found, s.remoteCount, s.skippedCount]),
        [
          ['vscode-workspace:<app>', true, 1, 0],
          ['vscode-user', true, 3, 1],
          ['claude-code-project:<app>', true, 2, 1],
          ['claude-code-local:<app>', true, 1, 0],
          ['claude-code-user', true, 2, 1],
          ['cursor-project:<app>', true, 1, 1],
          ['cursor-global', true, 3, 0],
          ['windsurf', true, 3, 1],
          ['claude-desktop', true, 3, 2],
        ],
      );
      assert.equal(discovery.candidates.length, 26);
    } finally {
      await tree.remove();
    }
  });

  it('an empty HOME: nothing found, no problems', async () => {
    const tree = await buildTree([]);
    try {
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      assert.deepEqual(discovery.candidates, []);
      assert.deepEqual(discovery.problems, []);
      assert.ok(discovery.sources.every((s) => !s.found && s.remoteCount === 0));
      assert.equal(await hasImportableServers(nodeImportFs(), tree.locations), false);
    } finally {
      await tree.remove();
    }
  });

  it('a broken ~/.claude.json: one problem for the file, though two sources read it; the other files still count', async () => {
    const tree = await treeWith({ 'home/.claude.json': '{ "mcpServers": { ', 'home/.cursor/mcp.json': '{ "mcpServers": { "a": { "url": "https://a.example.com/mcp" } } }' });
    try {
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      assert.deepEqual(discovery.problems, [`Claude Code's ${tree.home}/.claude.json is not valid JSON (line 1, column 19) — nothing was imported from it.`]);
      assert.deepEqual(discovery.candidates.map((c) => c.name), ['a']);
    } finally {
      await tree.remove();
    }
  });

  it('empty files and files without the servers key are found and hold nothing; a non-object root or section is a problem', async () => {
    const tree = await treeWith({
      'home/.cursor/mcp.json': '',
      'home/.claude.json': '{ "numStartups": 3 }',
      'home/.codeium/windsurf/mcp_config.json': '[1, 2]',
      'work/app/.mcp.json': '{ "mcpServers": ["not", "an", "object"] }',
    });
    try {
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      assert.deepEqual(discovery.problems, [
        `"mcpServers" in ${tree.folder}/.mcp.json is not an object — nothing was imported from Claude Code (project app, .mcp.json).`,
        `Windsurf's ${tree.home}/.codeium/windsurf/mcp_config.json does not hold a JSON object — nothing was imported from it.`,
      ]);
      assert.deepEqual(discovery.sources.filter((s) => s.found).map((s) => s.id.replace(tree.folder, '<app>')), [
        'claude-code-project:<app>',
        'claude-code-local:<app>',
        'claude-code-user',
        'cursor-global',
        'windsurf',
      ]);
    } finally {
      await tree.remove();
    }
  });

  it('unreadable paths are one sentence each: a directory, a FIFO (refused without blocking), an fs error with a code', async () => {
    const tree = await treeWith({});
    try {
      await mkdir(path.join(tree.home, '.cursor', 'mcp.json'), { recursive: true });
      await mkdir(path.join(tree.home, '.codeium', 'windsurf'), { recursive: true });
      execFileSync('mkfifo', [path.join(tree.home, '.codeium', 'windsurf', 'mcp_config.json')]);
      const discovery = await discoverImports(nodeImportFs(), tree.locations);
      assert.deepEqual(discovery.problems, [
        `Cursor's ${tree.home}/.cursor/mcp.json could not be read.`,
        `Windsurf's ${tree.home}/.codeium/windsurf/mcp_config.json could not be read.`,
      ]);
      const denied: ImportFs = {
        readFile: async (file) => {
          if (file.endsWith('.claude.json')) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
          return undefined;
        },
      };
      assert.deepEqual((await discoverImports(denied, tree.locations)).problems, [`Claude Code's ${tree.home}/.claude.json could not be read (EACCES).`]);
    } finally {
      await tree.remove();
    }
  });

  it('size bounds: nodeImportFs refuses a file over the limit before reading it; an injected fs that returns too much is refused too', async () => {
    const tree = await treeWith({});
    try {
      const file = path.join(tree.root, 'big.json');
      await writeFile(file, `{"pad": "${'x'.repeat(2000)}"}`);
      await assert.rejects(nodeImportFs().readFile(file, 1000), (error: unknown) => error instanceof FileTooLargeError && error.bytes === 2011);
      assert.equal((await nodeImportFs().readFile(file, 5000))?.length, 2011);
      assert.equal(await nodeImportFs().readFile(path.join(tree.root, 'missing.json'), 1000), undefined);

      const generous: ImportFs = { readFile: async (p) => (p === path.join(tree.home, '.cursor', 'mcp.json') ? `{"pad":"${'x'.repeat(5 * 1024 * 1024)}"}` : undefined) };
      assert.deepEqual((await discoverImports(generous, tree.locations)).problems, [`Cursor's ${tree.home}/.cursor/mcp.json is larger than 5 MB, so it was not read.`]);
    } finally {
      await tree.remove();
    }
  });

  it('hasImportableServers: true as soon as one file has a remote server, without reading the rest', async () => {
    const tree = await buildTree(['vscode', 'claude-code', 'cursor']);
    try {
      const fs = counting(nodeImportFs());
      assert.equal(await hasImportableServers(fs, tree.locations), true);
      assert.deepEqual(fs.reads, [path.join(tree.folder, '.vscode', 'mcp.json')]);
    } finally {
      await tree.remove();
    }
  });

  it('hasImportableServers: false when the files hold only stdio servers', async () => {
    const tree = await treeWith({
      'home/.config/Claude/claude_desktop_config.json': JSON.stringify({ mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] } } }),
      'home/.cursor/mcp.json': JSON.stringify({ mcpServers: { git: { command: 'uvx', args: ['mcp-server-git'] } } }),
    });
    try {
      assert.equal(await hasImportableServers(nodeImportFs(), tree.locations), false);
    } finally {
      await tree.remove();
    }
  });

  it('Windows: ~/.claude.json keys projects by path; the folder matches with either slash and any drive-letter case', async () => {
    const claudeJson = JSON.stringify({ projects: { 'c:/src/app': { mcpServers: { local: { type: 'http', url: 'https://local.example.com/mcp' } } } } });
    const discovery = await discoverImports(memoryFs({ 'C:\\Users\\me\\.claude.json': claudeJson }), {
      home: 'C:\\Users\\me',
      platform: 'win32',
      workspaceFolders: ['C:\\src\\app'],
    });
    assert.deepEqual(discovery.problems, []);
    assert.deepEqual(discovery.candidates.map((c) => [c.name, c.source.id]), [['local', 'claude-code-local:C:\\src\\app']]);
  });
});
