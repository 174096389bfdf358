import * as vscode from 'vscode';
import type { Connection } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ListedItem } from '../connections/state';
import { presentServer } from './presentation';

export type TreeNode =
  | { kind: 'server'; connection: Connection }
  | { kind: 'group'; connection: Connection; group: 'tools' | 'resources' | 'prompts'; items: ListedItem[] }
  | { kind: 'item'; connection: Connection; group: 'tools' | 'resources' | 'prompts'; item: ListedItem };

const GROUPS = [
  { group: 'tools', label: 'Tools', icon: 'tools' },
  { group: 'resources', label: 'Resources', icon: 'file' },
  { group: 'prompts', label: 'Prompts', icon: 'comment-discussion' },
] as const;

/** The servers view: one node per configured server, its tools, resources and prompts beneath. */
export class ServersTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly serverNodes = new Map<Connection, TreeNode & { kind: 'server' }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly expandable = new WeakMap<Connection, boolean>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly isBlockedByTrust: (connection: Connection) => boolean,
  ) {
    this.subscriptions.push(
      manager.onDidAdd(() => this.changed.fire(undefined)),
      manager.onDidRemove((connection) => {
        this.serverNodes.delete(connection);
        this.changed.fire(undefined);
      }),
      manager.onDidChange((connection) => this.onConnectionChanged(connection)),
    );
  }

  /**
   * Only the node that changed is refreshed — unless it gained or lost children, which changes its
   * id (see serverItem) and so needs a refresh from the root.
   */
  private onConnectionChanged(connection: Connection): void {
    const expandable = isExpandable(connection);
    if (this.expandable.get(connection) !== expandable) {
      this.expandable.set(connection, expandable);
      this.changed.fire(undefined);
    } else {
      this.changed.fire(this.serverNode(connection));
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.manager.all.map((connection) => this.serverNode(connection));
    if (node.kind === 'server') {
      const details = node.connection.state.kind === 'connected' ? node.connection.details : undefined;
      if (!details) return [];
      return GROUPS.filter(({ group }) => details.capabilities[group]).map(({ group }) => ({ kind: 'group', connection: node.connection, group, items: details[group] }));
    }
    if (node.kind === 'group') return node.items.map((item) => ({ kind: 'item', connection: node.connection, group: node.group, item }));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.kind === 'server' ? undefined : this.serverNode(node.connection);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'server':
        return this.serverItem(node.connection);
      case 'group': {
        const spec = GROUPS.find((g) => g.group === node.group)!;
        const item = new vscode.TreeItem(spec.label, node.items.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `${node.connection.name}/${node.group}`;
        item.description = String(node.items.length);
        item.iconPath = new vscode.ThemeIcon(spec.icon);
        item.contextValue = `group:${node.group}`;
        return item;
      }
      case 'item': {
        const item = new vscode.TreeItem(node.item.title ?? node.item.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.connection.name}/${node.group}/${node.item.name}`;
        item.description = node.item.description?.split('\n')[0];
        item.tooltip = new vscode.MarkdownString().appendMarkdown(`**${node.item.name}**\n\n`).appendText(node.item.description ?? '');
        item.contextValue = `item:${node.group}`;
        return item;
      }
    }
  }

  private serverItem(connection: Connection): vscode.TreeItem {
    const look = presentServer(connection, { blockedByTrust: this.isBlockedByTrust(connection) });
    const expandable = isExpandable(connection);
    this.expandable.set(connection, expandable);
    const item = new vscode.TreeItem(connection.name, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    // The id changes with expandability: VS Code keeps a node's collapsible state by id otherwise.
    item.id = `server/${connection.name}/${expandable ? 'open' : 'closed'}`;
    item.description = look.description;
    item.tooltip = new vscode.MarkdownString(look.tooltip);
    item.iconPath = new vscode.ThemeIcon(look.icon.id, look.icon.color ? new vscode.ThemeColor(look.icon.color) : undefined);
    item.contextValue = look.contextValue;
    return item;
  }

  private serverNode(connection: Connection): TreeNode & { kind: 'server' } {
    let node = this.serverNodes.get(connection);
    if (!node) {
      node = { kind: 'server', connection };
      this.serverNodes.set(connection, node);
    }
    return node;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

function isExpandable(connection: Connection): boolean {
  return connection.state.kind === 'connected' && connection.details !== undefined;
}
