import * as vscode from 'vscode';
import type { ListName, ListResult } from '../connections/catalog';
import { Connection } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import { groupsOf, itemView, ItemView, listProblem } from './catalogPresentation';
import { presentServer, type ServerNotes } from './presentation';

/** A server's node is its Connection itself, so menus hand commands the Connection. */
export type TreeNode = Connection | GroupNode | ItemNode | ProblemNode;

export interface GroupNode {
  kind: 'group';
  connection: Connection;
  list: ListName;
  result: ListResult<unknown>;
}

export interface ItemNode {
  kind: 'item';
  connection: Connection;
  list: ListName;
  /** The item as the server listed it (a Tool, Resource, ResourceTemplate or Prompt). */
  item: unknown;
  view: ItemView;
}

/** A list that could not be read, or was cut short: said where its items would be. */
export interface ProblemNode {
  kind: 'problem';
  connection: Connection;
  list: ListName;
  text: string;
}

/** What the tree shows about servers besides their connections (see ServerNotes), and when that changes. */
export interface ServerNotesSource {
  notesFor(name: string): ServerNotes;
  readonly onDidChange: vscode.Event<void>;
}

/** The servers view: one node per configured server, its tools, resources, templates and prompts beneath. */
export class ServersTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly expandable = new WeakMap<Connection, boolean>();

  constructor(
    private readonly manager: ConnectionManager,
    private readonly notes?: ServerNotesSource,
  ) {
    if (notes) this.subscriptions.push(notes.onDidChange(() => this.changed.fire(undefined)));
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
      return groupsOf(state).map(({ list, result }) => ({ kind: 'group', connection: node, list, result }));
    }
    if (node.kind === 'group') {
      const problem = listProblem(node.result);
      const items: TreeNode[] = node.result.items.map((item) => ({ kind: 'item', connection: node.connection, list: node.list, item, view: itemView(node.list, item) }));
      return problem ? [...items, { kind: 'problem', connection: node.connection, list: node.list, text: problem }] : items;
    }
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node instanceof Connection) return undefined;
    if (node.kind === 'group') return node.connection;
    const state = node.connection.state;
    const group = state.kind === 'connected' ? groupsOf(state).find((g) => g.list === node.list) : undefined;
    return group && { kind: 'group', connection: node.connection, list: group.list, result: group.result };
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof Connection) return this.serverItem(node);
    const id = (...parts: string[]) => JSON.stringify([node.connection.name, node.list, ...parts]);
    switch (node.kind) {
      case 'group': {
        const spec = GROUPS[node.list];
        const hasChildren = node.result.items.length > 0 || listProblem(node.result) !== undefined;
        const item = new vscode.TreeItem(spec.label, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = id();
        item.description = node.result.error ? 'failed' : `${node.result.items.length}${node.result.cut ? ' (cut)' : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.result.error ? 'warning' : spec.icon, node.result.error ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        item.contextValue = `group:${node.list}`;
        return item;
      }
      case 'item': {
        const item = new vscode.TreeItem(node.view.label, vscode.TreeItemCollapsibleState.None);
        item.id = id(node.view.key);
        item.description = node.view.description;
        item.tooltip = new vscode.MarkdownString(node.view.tooltip);
        item.contextValue = `item:${node.list}`;
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = id('(problem)');
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = node.text;
        item.contextValue = 'problem';
        return item;
      }
    }
  }

  private serverItem(connection: Connection): vscode.TreeItem {
    const look = presentServer(connection, this.notes?.notesFor(connection.name));
    const expandable = isExpandable(connection);
    this.expandable.set(connection, expandable);
    const item = new vscode.TreeItem(connection.name, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    // The id changes with expandability: VS Code keeps a node's collapsible state by id otherwise.
    item.id = JSON.stringify(['server', connection.name, expandable ? 'open' : 'closed']);
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

const GROUPS: Record<ListName, { label: string; icon: string }> = {
  tools: { label: 'Tools', icon: 'tools' },
  resources: { label: 'Resources', icon: 'file' },
  resourceTemplates: { label: 'Resource Templates', icon: 'file-symlink-file' },
  prompts: { label: 'Prompts', icon: 'comment-discussion' },
};

function isExpandable(connection: Connection): boolean {
  return connection.state.kind === 'connected';
}


