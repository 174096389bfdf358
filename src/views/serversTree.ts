import * as vscode from 'vscode';
import { Connection } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ListedItem } from '../connections/state';
import { presentServer } from './presentation';

type Group = 'tools' | 'resources' | 'prompts';

/** A server's node is its Connection itself, so menus hand commands the Connection. */
export type TreeNode = Connection | { kind: 'group'; connection: Connection; group: Group; items: ListedItem[] } | { kind: 'item'; connection: Connection; group: Group; item: ListedItem };

const GROUPS = [
  { group: 'tools', label: 'Tools', icon: 'tools' },
  { group: 'resources', label: 'Resources', icon: 'file' },
  { group: 'prompts', label: 'Prompts', icon: 'comment-discussion' },
] as const;

/** The servers view: one node per configured server, its tools, resources and prompts beneath. */
export class ServersTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly expandable = new WeakMap<Connection, boolean>();

  constructor(private readonly manager: ConnectionManager) {
    this.subscriptions.push(
      manager.onDidAdd(() => this.changed.fire(undefined)),
      manager.onDidRemove(() => this.changed.fire(undefined)),
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
      this.changed.fire(connection);
    }
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.manager.all;
    if (node instanceof Connection) {
      const state = node.state;
      if (state.kind !== 'connected') return [];
      return GROUPS.filter(({ group }) => state.capabilities[group]).map(({ group }) => ({ kind: 'group', connection: node, group, items: state[group] }));
    }
    if (node.kind === 'group') return node.items.map((item) => ({ kind: 'item', connection: node.connection, group: node.group, item }));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node instanceof Connection ? undefined : node.connection;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof Connection) return this.serverItem(node);
    if (node.kind === 'group') {
      const spec = GROUPS.find((g) => g.group === node.group)!;
      const item = new vscode.TreeItem(spec.label, node.items.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `${node.connection.name}/${node.group}`;
      item.description = String(node.items.length);
      item.iconPath = new vscode.ThemeIcon(spec.icon);
      item.contextValue = `group:${node.group}`;
      return item;
    }
    const item = new vscode.TreeItem(node.item.title ?? node.item.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.connection.name}/${node.group}/${node.item.name}`;
    item.description = node.item.description?.split('\n')[0];
    item.tooltip = new vscode.MarkdownString().appendMarkdown(`**${node.item.name}**\n\n`).appendText(node.item.description ?? '');
    item.contextValue = `item:${node.group}`;
    return item;
  }

  private serverItem(connection: Connection): vscode.TreeItem {
    const look = presentServer(connection);
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

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

function isExpandable(connection: Connection): boolean {
  return connection.state.kind === 'connected';
}
