import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';

/** "connected/total" in the status bar; a warning look only when a server has failed, an account icon when one waits for a sign-in. */
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
    const needSignIn = all.filter((c) => c.state.kind === 'needs-sign-in');
    item.text = `$(${failed.length ? 'warning' : needSignIn.length ? 'account' : 'plug'}) MCP ${connected}/${all.length}`;
    item.tooltip = [
      `MCP Connections: ${connected} of ${all.length} servers connected`,
      failed.length ? `failed: ${failed.map((c) => c.name).join(', ')}` : '',
      needSignIn.length ? `waiting for you to sign in: ${needSignIn.map((c) => c.name).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    item.backgroundColor = failed.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const subscriptions = [manager.onDidAdd(update), manager.onDidRemove(update), manager.onDidChange(update)];
  update();
  return { dispose: () => [...subscriptions, item].forEach((d) => d.dispose()) };
}
