import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';

/** "connected/total" in the status bar; a warning look only when a server has failed. */
export function createStatusBar(manager: ConnectionManager, focusCommand: string): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mcpConnections.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'MCP Connections';
  item.command = focusCommand;
  const update = () => {
    const all = manager.all;
    if (all.length === 0) {
      item.hide();
      return;
    }
    const connected = all.filter((c) => c.state.kind === 'connected').length;
    const failed = all.filter((c) => c.state.kind === 'error');
    item.text = `$(${failed.length ? 'warning' : 'plug'}) MCP ${connected}/${all.length}`;
    item.tooltip = failed.length
      ? `MCP Connections: ${connected} of ${all.length} servers connected; failed: ${failed.map((c) => c.name).join(', ')}`
      : `MCP Connections: ${connected} of ${all.length} servers connected`;
    item.backgroundColor = failed.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const subscriptions = [manager.onDidAdd(update), manager.onDidRemove(update), manager.onDidChange(update)];
  update();
  return { dispose: () => [...subscriptions, item].forEach((d) => d.dispose()) };
}
