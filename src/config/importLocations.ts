import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportLocations } from '../importing/sources';

/**
 * The current VS Code profile's User directory, where its own `mcp.json` is: the folder two above the
 * extension's global storage (`<User>/globalStorage/<extension id>`). Undefined when that storage is
 * not on a local disk (a virtual file system), or when it does not have that shape.
 */
export function vscodeUserDir(globalStorageUri: vscode.Uri): string | undefined {
  if (globalStorageUri.scheme !== 'file') return undefined;
  const storage = path.dirname(globalStorageUri.fsPath);
  return path.basename(storage) === 'globalStorage' ? path.dirname(storage) : undefined;
}

/** Where this machine's MCP clients keep their config files, for the open folders. */
export function importLocations(userDir: string | undefined): ImportLocations {
  return {
    home: os.homedir(),
    platform: process.platform,
    appData: process.env.APPDATA,
    xdgConfigHome: process.env.XDG_CONFIG_HOME,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath),
    vscodeUserDir: userDir,
  };
}
