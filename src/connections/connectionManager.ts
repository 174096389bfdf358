import { Emitter } from '../common/events';
import type { GlobalSettings, ServerEntry } from '../config/serverConfig';
import { Connection, ConnectionOptions } from './connection';

export interface ManagerOptions extends Omit<ConnectionOptions, 'settings'> {
  /** Whether a server may connect without the user asking (workspace trust says no for some). */
  mayAutoConnect?: (entry: ServerEntry) => boolean;
}

/**
 * Owns one Connection per configured server. `apply` takes the whole new list and touches only
 * what changed: added servers connect, removed ones disconnect, changed ones reconnect.
 */
export class ConnectionManager {
  private readonly connections = new Map<string, Connection>();
  private settings: GlobalSettings | undefined;

  private readonly added = new Emitter<Connection>();
  private readonly removed = new Emitter<Connection>();
  private readonly changed = new Emitter<Connection>();
  readonly onDidAdd = this.added.event;
  readonly onDidRemove = this.removed.event;
  /** Any connection's state or details changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: ManagerOptions) {}

  get all(): Connection[] {
    return [...this.connections.values()];
  }

  get(name: string): Connection | undefined {
    return this.connections.get(name);
  }

  /** Applies a new configuration; resolves once removed servers are disconnected (not once others connect). */
  async apply(entries: ServerEntry[], settings: GlobalSettings): Promise<void> {
    const settingsChanged = this.settings !== undefined && JSON.stringify(this.settings) !== JSON.stringify(settings);
    this.settings = settings;
    const next = new Map(entries.map((entry) => [entry.name, entry]));
    const work: Promise<void>[] = [];

    for (const [name, connection] of this.connections) {
      if (next.has(name)) continue;
      this.connections.delete(name);
      this.removed.fire(connection);
      work.push(connection.dispose());
    }

    const ordered = new Map<string, Connection>();
    const addedNow: Connection[] = [];
    for (const entry of entries) {
      const existing = this.connections.get(entry.name);
      if (existing) {
        ordered.set(entry.name, existing);
        if (settingsChanged || !sameEntry(existing.entry, entry)) work.push(this.update(existing, entry, settings));
      } else {
        const connection = this.create(entry, settings);
        ordered.set(entry.name, connection);
        addedNow.push(connection);
      }
    }
    // Keep the configured order, which is the order the tree shows.
    this.connections.clear();
    for (const [name, connection] of ordered) this.connections.set(name, connection);
    for (const connection of addedNow) {
      this.added.fire(connection);
      if (this.shouldAutoConnect(connection.entry)) void connection.connect().catch(() => undefined);
    }
    await Promise.all(work);
  }

  async connectAll(): Promise<void> {
    await Promise.all(this.all.filter((c) => c.entry.config?.enabled).map((c) => c.connect().catch(() => undefined)));
  }

  async disconnectAll(): Promise<void> {
    await Promise.all(this.all.map((c) => c.disconnect()));
  }

  async dispose(): Promise<void> {
    const all = this.all;
    this.connections.clear();
    await Promise.all(all.map((c) => c.dispose()));
    this.added.dispose();
    this.removed.dispose();
    this.changed.dispose();
  }

  private create(entry: ServerEntry, settings: GlobalSettings): Connection {
    const connection = new Connection(entry, { ...this.options, settings });
    connection.onDidChange((c) => this.changed.fire(c));
    return connection;
  }

  private async update(connection: Connection, entry: ServerEntry, settings: GlobalSettings): Promise<void> {
    const wasWanted = connection.isWanted;
    await connection.update(entry, settings);
    if ((wasWanted && entry.config?.enabled) || this.shouldAutoConnect(entry)) void connection.connect().catch(() => undefined);
  }

  private shouldAutoConnect(entry: ServerEntry): boolean {
    const config = entry.config;
    if (!config || !config.enabled || !config.autoConnect) return false;
    return this.options.mayAutoConnect?.(entry) ?? true;
  }
}

function sameEntry(a: ServerEntry, b: ServerEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
