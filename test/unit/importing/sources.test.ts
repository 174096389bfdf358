import assert from 'node:assert/strict';
import { importSources, MAX_CLAUDE_JSON_BYTES, MAX_CONFIG_BYTES, type ImportSource } from '../../../src/importing/sources';

function brief(sources: ImportSource[]): Array<[string, string, string]> {
  return sources.map((s) => [s.id, s.label, s.path]);
}

describe('importing: where each client keeps its config', () => {
  it('Linux, one folder, a VS Code profile: every file in precedence order', () => {
    const sources = importSources({ home: '/home/me', platform: 'linux', workspaceFolders: ['/work/app'], vscodeUserDir: '/home/me/.config/Code/User' });
    assert.deepEqual(brief(sources), [
      ['vscode-workspace:/work/app', 'VS Code (workspace app, .vscode/mcp.json)', '/work/app/.vscode/mcp.json'],
      ['vscode-user', 'VS Code (user, ~/.config/Code/User/mcp.json)', '/home/me/.config/Code/User/mcp.json'],
      ['claude-code-project:/work/app', 'Claude Code (project app, .mcp.json)', '/work/app/.mcp.json'],
      ['claude-code-local:/work/app', 'Claude Code (local app, ~/.claude.json)', '/home/me/.claude.json'],
      ['claude-code-user', 'Claude Code (user, ~/.claude.json)', '/home/me/.claude.json'],
      ['cursor-project:/work/app', 'Cursor (project app, .cursor/mcp.json)', '/work/app/.cursor/mcp.json'],
      ['cursor-global', 'Cursor (global, ~/.cursor/mcp.json)', '/home/me/.cursor/mcp.json'],
      ['windsurf', 'Windsurf (~/.codeium/windsurf/mcp_config.json)', '/home/me/.codeium/windsurf/mcp_config.json'],
      ['claude-desktop', 'Claude Desktop (~/.config/Claude/claude_desktop_config.json)', '/home/me/.config/Claude/claude_desktop_config.json'],
    ]);
    const byId = Object.fromEntries(sources.map((s) => [s.id, s]));
    assert.deepEqual(
      sources.map((s) => [s.scope, s.section, s.folder]),
      [
        ['workspace', 'servers', '/work/app'],
        ['user', 'servers', undefined],
        ['workspace', 'mcpServers', '/work/app'],
        ['workspace', 'project', '/work/app'],
        ['user', 'mcpServers', undefined],
        ['workspace', 'mcpServers', '/work/app'],
        ['user', 'mcpServers', undefined],
        ['user', 'mcpServers', undefined],
        ['user', 'mcpServers', undefined],
      ],
    );
    assert.equal(byId['claude-code-user'].maxBytes, MAX_CLAUDE_JSON_BYTES);
    assert.equal(byId['cursor-global'].maxBytes, MAX_CONFIG_BYTES);
  });

  it('no profile directory given: no VS Code user file; no folders: no project files', () => {
    const ids = importSources({ home: '/home/me', platform: 'linux', workspaceFolders: [] }).map((s) => s.id);
    assert.deepEqual(ids, ['claude-code-user', 'cursor-global', 'windsurf', 'claude-desktop']);
  });

  it('Claude Desktop on Linux follows $XDG_CONFIG_HOME', () => {
    const desktop = importSources({ home: '/home/me', platform: 'linux', xdgConfigHome: '/xdg', workspaceFolders: [] }).at(-1)!;
    assert.equal(desktop.path, '/xdg/Claude/claude_desktop_config.json');
    assert.equal(desktop.label, 'Claude Desktop (/xdg/Claude/claude_desktop_config.json)');
  });

  it('macOS: Claude Desktop under Application Support', () => {
    const desktop = importSources({ home: '/Users/me', platform: 'darwin', workspaceFolders: [] }).at(-1)!;
    assert.equal(desktop.path, '/Users/me/Library/Application Support/Claude/claude_desktop_config.json');
    assert.equal(desktop.label, 'Claude Desktop (~/Library/Application Support/Claude/claude_desktop_config.json)');
  });

  it('Windows: backslashes, %APPDATA% for Claude Desktop (default AppData\\Roaming)', () => {
    const withAppData = importSources({ home: 'C:\\Users\\me', platform: 'win32', appData: 'D:\\Roaming', workspaceFolders: ['C:\\src\\app'] });
    assert.deepEqual(brief(withAppData).filter(([id]) => ['claude-desktop', 'cursor-global', 'cursor-project:C:\\src\\app', 'claude-code-user'].includes(id)), [
      ['claude-code-user', 'Claude Code (user, ~\\.claude.json)', 'C:\\Users\\me\\.claude.json'],
      ['cursor-project:C:\\src\\app', 'Cursor (project app, .cursor/mcp.json)', 'C:\\src\\app\\.cursor\\mcp.json'],
      ['cursor-global', 'Cursor (global, ~\\.cursor\\mcp.json)', 'C:\\Users\\me\\.cursor\\mcp.json'],
      ['claude-desktop', 'Claude Desktop (D:\\Roaming\\Claude\\claude_desktop_config.json)', 'D:\\Roaming\\Claude\\claude_desktop_config.json'],
    ]);
    const without = importSources({ home: 'C:\\Users\\me', platform: 'win32', workspaceFolders: [] }).at(-1)!;
    assert.equal(without.path, 'C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
  });

  it('a workspace folder that is the home directory: each file is listed once', () => {
    const sources = importSources({ home: '/home/me', platform: 'linux', workspaceFolders: ['/home/me', '/home/me'] });
    const paths = sources.map((s) => `${s.path}#${s.section}`);
    assert.equal(new Set(paths).size, paths.length);
    assert.deepEqual(sources.filter((s) => s.path === '/home/me/.cursor/mcp.json').map((s) => s.id), ['cursor-project:/home/me']);
    // ~/.claude.json still gives both its user part and the folder's local part.
    assert.deepEqual(sources.filter((s) => s.path === '/home/me/.claude.json').map((s) => s.id), ['claude-code-local:/home/me', 'claude-code-user']);
  });
});
