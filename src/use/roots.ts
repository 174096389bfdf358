import * as vscode from 'vscode';
import type { Root } from '@modelcontextprotocol/sdk/types.js';
import { Emitter } from '../common/events';
import type { RootsSource } from '../connections/serverRequests';

/**
 * The roots offered to servers: the workspace's folders on disk (file URIs only), and only in a
 * trusted workspace — an untrusted one offers none. A change to either is announced.
 */
export function workspaceRoots(): RootsSource & vscode.Disposable {
  const changed = new Emitter<void>();
  const subscriptions = [
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
  ];
  return {
    list: (): Root[] => {
      if (!vscode.workspace.isTrusted) return [];
      return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => ({ uri: folder.uri.toString(), name: folder.name }));
    },
    onDidChange: changed.event,
    dispose: () => {
      subscriptions.forEach((s) => s.dispose());
      changed.dispose();
    },
  };
}
