import * as vscode from 'vscode';
import { hasImportableServers, nodeImportFs } from '../importing/discover';
import type { ImportLocations } from '../importing/sources';

/** The context key the empty tree's welcome view uses to offer "Import Servers…". */
export const IMPORTABLE_CONTEXT_KEY = 'mcpConnections.importable';
/** Reading other clients' files (~/.claude.json can be large) may not hold the welcome view up longer. */
const CHECK_TIMEOUT_MS = 3000;

/**
 * Keeps `mcpConnections.importable` true while another MCP client's config file has a remote server.
 * Checked after activation returns, again when settings or the open folders change — only while
 * `wanted()` (no server is configured: the welcome view shows only then, and the files can be large).
 * A check that takes longer than CHECK_TIMEOUT_MS counts as "nothing to import".
 */
export function watchImportable(locations: () => ImportLocations, wanted: () => boolean, onSet: (value: boolean) => void = () => undefined): vscode.Disposable {
  let generation = 0;
  const check = async () => {
    if (!wanted()) return;
    const mine = ++generation;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
    const value = await Promise.race([hasImportableServers(nodeImportFs(), locations()).catch(() => false), late]).finally(() => clearTimeout(timer));
    if (mine !== generation) return;
    await vscode.commands.executeCommand('setContext', IMPORTABLE_CONTEXT_KEY, value);
    onSet(value);
  };
  const started = setImmediate(() => void check());
  const subscriptions = [
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('mcpConnections') && void check()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void check()),
  ];
  return { dispose: () => (clearImmediate(started), generation++, subscriptions.forEach((s) => s.dispose())) };
}
