import * as vscode from 'vscode';
import type { Connection } from '../connections/connection';
import type { ConnectionManager } from '../connections/connectionManager';
import type { Calls } from './calls';
import { McpDocuments } from './documents';

/**
 * Keeps open resource documents current: while one is open and its server offers subscriptions,
 * the resource is subscribed to (again after a reconnect); an update from the server reads it again,
 * and the document changes in place.
 */
export class ResourceSubscriptions implements vscode.Disposable {
  /** Open resource documents, by document URI. */
  private readonly open = new Map<string, { uri: vscode.Uri; server: string; resource: string }>();
  private readonly listening = new WeakSet<Connection>();
  private readonly wasConnected = new WeakMap<Connection, boolean>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly manager: ConnectionManager,
    private readonly documents: McpDocuments,
    private readonly calls: Calls,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.opened(document.uri)),
      vscode.workspace.onDidCloseTextDocument((document) => this.closed(document.uri)),
      manager.onDidChange((connection) => this.connectionChanged(connection)),
    );
    vscode.workspace.textDocuments.forEach((document) => this.opened(document.uri));
  }

  private opened(uri: vscode.Uri): void {
    const resource = McpDocuments.resourceOf(uri);
    if (!resource || this.open.has(uri.toString())) return;
    const first = !this.isOpen(resource.server, resource.uri);
    this.open.set(uri.toString(), { uri, server: resource.server, resource: resource.uri });
    if (first) this.subscribe(resource.server, resource.uri);
  }

  private closed(uri: vscode.Uri): void {
    const entry = this.open.get(uri.toString());
    if (!entry) return;
    this.open.delete(uri.toString());
    if (this.isOpen(entry.server, entry.resource)) return;
    const connection = this.manager.get(entry.server);
    if (connection?.state.kind === 'connected' && connection.state.capabilities.subscribe) void connection.unsubscribe(entry.resource).catch(() => undefined);
  }

  private isOpen(server: string, resource: string): boolean {
    return [...this.open.values()].some((e) => e.server === server && e.resource === resource);
  }

  private subscribe(server: string, resource: string): void {
    const connection = this.manager.get(server);
    if (!connection || connection.state.kind !== 'connected' || !connection.state.capabilities.subscribe) return;
    this.listen(connection);
    void connection.subscribe(resource).catch(() => undefined);
  }

  private listen(connection: Connection): void {
    if (this.listening.has(connection)) return;
    this.listening.add(connection);
    this.subscriptions.push(connection.onDidUpdateResource((resource) => this.updated(connection.name, resource)));
  }

  private updated(server: string, resource: string): void {
    const open = [...this.open.values()].filter((e) => e.server === server && e.resource === resource);
    if (!open.length) return;
    void this.calls.reread(server, resource).then(
      (bytes) => open.forEach((e) => this.documents.put(McpDocuments.segmentsOf(e.uri), bytes)),
      () => undefined,
    );
  }

  /** A new session has no subscriptions: the open documents' resources are subscribed to again. */
  private connectionChanged(connection: Connection): void {
    const connected = connection.state.kind === 'connected';
    const was = this.wasConnected.get(connection) ?? false;
    this.wasConnected.set(connection, connected);
    if (!connected || was) return;
    const resources = new Set([...this.open.values()].filter((e) => e.server === connection.name).map((e) => e.resource));
    resources.forEach((resource) => this.subscribe(connection.name, resource));
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
  }
}
