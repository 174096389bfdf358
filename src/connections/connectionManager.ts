import { Disposable, Emitter } from '../common/events';
import { CLIENT_SECRET_KEY, referencesSecret } from '../config/headerValues';
import { GlobalSettings, sameEntry, sameSettings, ServerEntry } from '../config/serverConfig';
import { Connection, ConnectionOptions } from './connection';
import { ConnectSlots } from './connectSlots';

export type ManagerOptions = Omit<ConnectionOptions, 'settings' | 'slots'> & {
  /** How many servers connect at once (default CONCURRENT_CONNECTS). */
  concurrentConnects?: number;
};

/** Enough to connect a hundred loopback servers about as fast as all at once, few enough to keep every turn of the event loop short. */
export const CONCURRENT_CONNECTS = 6;

/**
 * Owns one Connection per configured server. `apply` takes the whole new list and touches only
 * what changed: added servers connect, removed ones disconnect, changed ones reconnect. It also
 * decides what may connect without being asked: enabled, auto-connecting, and — for servers from
 * workspace settings — only in a trusted workspace.
 */
export class ConnectionManager {
  private readonly connections = new Map<string, Connection>();
  private settings: GlobalSettings | undefined;
  private trusted: boolean;
  /** What was last logged about each entry's settings, so a problem is said once, not at every apply. */
  private readonly settingsNotes = new Map<string, string>();

  private readonly added = new Emitter<Connection>();
  private readonly removed = new Emitter<Connection>();
  private readonly changed = new Emitter<Connection>();
  readonly onDidAdd = this.added.event;
  readonly onDidRemove = this.removed.event;
  /** Any connection's state changed. */
  readonly onDidChange = this.changed.event;

  private readonly slots: ConnectSlots;
  private readonly rootsWatch: Disposable | undefined;

  constructor(private readonly options: ManagerOptions) {
    this.trusted = options.workspaceTrusted ?? true;
    this.slots = new ConnectSlots(options.concurrentConnects ?? CONCURRENT_CONNECTS);
    this.rootsWatch = options.roots?.onDidChange(() => this.all.forEach((c) => c.rootsChanged()));
  }

  get all(): Connection[] {
    return [...this.connections.values()];
  }

  get(name: string): Connection | undefined {
    return this.connections.get(name);
  }

  /**
   * Applies a new configuration; resolves once removed servers are disconnected (not once others
   * connect). `problems` are the global settings' problems, logged once each.
   */
  async apply(entries: ServerEntry[], settings: GlobalSettings, problems: string[] = []): Promise<void> {
    this.logSettingsProblems(entries, problems);
    const settingsChanged = this.settings !== undefined && !sameSettings(this.settings, settings);
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
      if (this.shouldAutoConnect(connection)) void connection.connect().catch(() => undefined);
    }
    await Promise.all(work);
  }

  /** The workspace was trusted (or not): servers from workspace settings follow, and connect if they auto-connect. */
  setWorkspaceTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    for (const connection of this.all) connection.setWorkspaceTrusted(trusted);
    if (!trusted) return;
    this.options.logger.info('Workspace trusted — connecting the servers it defines');
    for (const connection of this.all) {
      if (connection.entry.scope === 'workspace' && this.shouldAutoConnect(connection)) void connection.connect().catch(() => undefined);
    }
  }

  /** Connects every server that may connect and is not connected; resolves with those that failed and those that need a sign-in. */
  async connectAll(): Promise<{ attempted: Connection[]; failed: Connection[]; needSignIn: Connection[] }> {
    const attempted = this.all.filter((c) => c.entry.config?.enabled && !c.blockedByTrust && c.state.kind !== 'connected');
    await Promise.all(attempted.map((c) => c.connect().catch(() => undefined)));
    return { attempted, failed: attempted.filter((c) => c.state.kind === 'error'), needSignIn: attempted.filter((c) => c.state.kind === 'needs-sign-in') };
  }

  async disconnectAll(): Promise<void> {
    await Promise.all(this.all.map((c) => c.disconnect()));
  }

  /**
   * A secret changed: values are read per request anyway, but a reconnect also renews the GET
   * stream and retries a server that failed for want of it. Only wanted servers that use it.
   */
  reconnectUsingSecret(name: string): void {
    for (const c of this.all) {
      const clientSecret = c.entry.config?.oauth.clientSecret;
      const signsInWithIt = clientSecret !== undefined && referencesSecret({ [CLIENT_SECRET_KEY]: clientSecret }, name);
      // A new client secret means a new sign-in session: the live one (and its refreshes) must not run beside it.
      if (signsInWithIt) c.clientSecretChanged();
      if (c.isWanted && (signsInWithIt || referencesSecret(c.entry.config?.headers ?? {}, name))) void c.reconnect().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    const all = this.all;
    this.connections.clear();
    await Promise.all(all.map((c) => c.dispose()));
    this.rootsWatch?.dispose();
    this.added.dispose();
    this.removed.dispose();
    this.changed.dispose();
  }

  private create(entry: ServerEntry, settings: GlobalSettings): Connection {
    const connection = new Connection(entry, { ...this.options, settings, workspaceTrusted: this.trusted, slots: this.slots });
    connection.onDidChange((c) => this.changed.fire(c));
    return connection;
  }

  private async update(connection: Connection, entry: ServerEntry, settings: GlobalSettings): Promise<void> {
    const wasWanted = connection.isWanted;
    await connection.update(entry, settings);
    const mayConnect = entry.config?.enabled && !connection.blockedByTrust;
    if ((wasWanted && mayConnect) || this.shouldAutoConnect(connection)) void connection.connect().catch(() => undefined);
  }

  private shouldAutoConnect(connection: Connection): boolean {
    const config = connection.entry.config;
    return !!config && config.enabled && config.autoConnect && !connection.blockedByTrust;
  }

  private logSettingsProblems(entries: ServerEntry[], problems: string[]): void {
    const notes: [string, string, boolean][] = entries.map((entry) => [entry.name, [entry.problem, ...entry.warnings].filter(Boolean).join(' '), !!entry.problem]);
    notes.push(['(settings)', problems.join(' '), problems.length > 0]);
    for (const [name, text, isProblem] of notes) {
      if (text && this.settingsNotes.get(name) !== text) {
        const line = name === '(settings)' ? `Settings: ${text}` : `[${name}] Settings: ${text}`;
        if (isProblem) this.options.logger.warn(line);
        else this.options.logger.info(line);
      }
      this.settingsNotes.set(name, text);
    }
  }
}
