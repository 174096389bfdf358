import * as path from 'node:path';

/** The clients whose config files "Import Servers…" reads. */
export type ClientId = 'vscode' | 'claude-code' | 'cursor' | 'windsurf' | 'claude-desktop';

/** Where the caller's machine keeps things. Nothing here is read from `process.env`: the caller passes it. */
export interface ImportLocations {
  home: string;
  /** `process.platform` of the machine the files are on. */
  platform: string;
  /** `%APPDATA%` on Windows (default `<home>\AppData\Roaming`). */
  appData?: string;
  /** `$XDG_CONFIG_HOME` on Linux (default `<home>/.config`). */
  xdgConfigHome?: string;
  /** Absolute paths of the open workspace folders. */
  workspaceFolders: string[];
  /** The current VS Code profile's User directory (the one holding its `settings.json` and `mcp.json`). */
  vscodeUserDir?: string;
}

/**
 * One place servers are configured: a file, and for `~/.claude.json` the part of it. Several sources
 * can share a file (`~/.claude.json` holds the user scope and one local scope per project).
 */
export interface ImportSource {
  /** Stable and unique, e.g. `cursor-project:/home/me/app`. */
  id: string;
  client: ClientId;
  /** For people, e.g. `Claude Code (user, ~/.claude.json)`. */
  label: string;
  path: string;
  /** Whether the client uses these servers everywhere (`user`) or in one folder (`workspace`). */
  scope: 'user' | 'workspace';
  /** The workspace folder the servers belong to; resolves `${workspaceFolder}`. */
  folder?: string;
  /**
   * Where the servers are in the file: `servers` (VS Code's mcp.json), `mcpServers` (everyone else),
   * or `projects[folder].mcpServers` (Claude Code's local scope in `~/.claude.json`).
   */
  section: 'servers' | 'mcpServers' | 'project';
  /** Larger files are not read. */
  maxBytes: number;
}

export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;
/** Claude Code keeps its history in `~/.claude.json` too; 65–100 MB files have been reported. */
export const MAX_CLAUDE_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Every config file the importer looks at, in precedence order: when the same server is in several
 * files, the first one listed wins. Per client, a folder's own file comes before the user-wide one.
 */
export function importSources(locations: ImportLocations): ImportSource[] {
  const p = locations.platform === 'win32' ? path.win32 : path.posix;
  const home = locations.home;
  const folders = [...new Set(locations.workspaceFolders)];
  const show = (file: string): string => shortPath(file, home, p);
  const sources: ImportSource[] = [];
  const add = (source: Omit<ImportSource, 'maxBytes'> & { maxBytes?: number }): void => {
    sources.push({ maxBytes: MAX_CONFIG_BYTES, ...source });
  };

  for (const folder of folders) {
    add({ id: `vscode-workspace:${folder}`, client: 'vscode', label: `VS Code (workspace ${p.basename(folder)}, .vscode/mcp.json)`, path: p.join(folder, '.vscode', 'mcp.json'), scope: 'workspace', folder, section: 'servers' });
  }
  if (locations.vscodeUserDir) {
    const file = p.join(locations.vscodeUserDir, 'mcp.json');
    add({ id: 'vscode-user', client: 'vscode', label: `VS Code (user, ${show(file)})`, path: file, scope: 'user', section: 'servers' });
  }

  const claudeJson = p.join(home, '.claude.json');
  for (const folder of folders) {
    add({ id: `claude-code-project:${folder}`, client: 'claude-code', label: `Claude Code (project ${p.basename(folder)}, .mcp.json)`, path: p.join(folder, '.mcp.json'), scope: 'workspace', folder, section: 'mcpServers' });
  }
  for (const folder of folders) {
    add({ id: `claude-code-local:${folder}`, client: 'claude-code', label: `Claude Code (local ${p.basename(folder)}, ${show(claudeJson)})`, path: claudeJson, scope: 'workspace', folder, section: 'project', maxBytes: MAX_CLAUDE_JSON_BYTES });
  }
  add({ id: 'claude-code-user', client: 'claude-code', label: `Claude Code (user, ${show(claudeJson)})`, path: claudeJson, scope: 'user', section: 'mcpServers', maxBytes: MAX_CLAUDE_JSON_BYTES });

  for (const folder of folders) {
    add({ id: `cursor-project:${folder}`, client: 'cursor', label: `Cursor (project ${p.basename(folder)}, .cursor/mcp.json)`, path: p.join(folder, '.cursor', 'mcp.json'), scope: 'workspace', folder, section: 'mcpServers' });
  }
  const cursorGlobal = p.join(home, '.cursor', 'mcp.json');
  add({ id: 'cursor-global', client: 'cursor', label: `Cursor (global, ${show(cursorGlobal)})`, path: cursorGlobal, scope: 'user', section: 'mcpServers' });

  const windsurf = p.join(home, '.codeium', 'windsurf', 'mcp_config.json');
  add({ id: 'windsurf', client: 'windsurf', label: `Windsurf (${show(windsurf)})`, path: windsurf, scope: 'user', section: 'mcpServers' });

  const desktop = claudeDesktopConfig(locations, p);
  add({ id: 'claude-desktop', client: 'claude-desktop', label: `Claude Desktop (${show(desktop)})`, path: desktop, scope: 'user', section: 'mcpServers' });

  // A workspace folder that is the home directory makes a folder file and a user file the same file.
  const seen = new Set<string>();
  return sources.filter((source) => {
    const key = `${source.path}\0${source.section}\0${source.section === 'project' ? source.folder : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Claude Desktop's file, where VS Code's own discovery looks for it (nativeMcpDiscoveryAdapters.ts). */
function claudeDesktopConfig(locations: ImportLocations, p: path.PlatformPath): string {
  if (locations.platform === 'win32') {
    return p.join(locations.appData || p.join(locations.home, 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  }
  if (locations.platform === 'darwin') {
    return p.join(locations.home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  }
  return p.join(locations.xdgConfigHome || p.join(locations.home, '.config'), 'Claude', 'claude_desktop_config.json');
}

/** `~/…` for a path inside the home directory, the path itself otherwise. */
function shortPath(file: string, home: string, p: path.PlatformPath): string {
  const relative = p.relative(home, file);
  if (relative === '' || relative.startsWith('..') || p.isAbsolute(relative)) return file;
  return `~${p.sep}${relative}`;
}
