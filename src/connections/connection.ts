import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { backoffDelay } from '../common/backoff';
import { Emitter } from '../common/events';
import type { Logger } from '../common/logger';
import { displayUrl, excerpt, redactSecrets } from '../common/redact';
import type { GlobalSettings, ServerEntry } from '../config/serverConfig';
import { FetchLike } from '../transport/sessionFetch';
import { describeFetchError } from '../transport/http';
import { TolerantTransport } from '../transport/tolerantTransport';
import type { GetFallbackEvent, RetryPolicy, TransportEvent } from '../transport/types';
import { ConnectTimeoutError, describeError, isRequestTimeout } from './describeError';
import { describeTransportEvent } from './eventLog';
import type { ConnectionState, ListedItem, ServerDetails } from './state';

export interface ConnectionOptions {
  logger: Logger;
  settings: GlobalSettings;
  /** Resolves the configured header values (env and secret references) for one request. */
  resolveHeaders: (headers: Record<string, string>) => Promise<Record<string, string>>;
  clientInfo: { name: string; version: string };
  fetch?: FetchLike;
  random?: () => number;
  /** Transport tuning, for tests and benchmarks. */
  getRetry?: RetryPolicy;
  getHeadersTimeoutMs?: number;
}

/** Raised when a connect was superseded by a disconnect or a newer connect. */
export class ConnectCancelledError extends Error {
  constructor() {
    super('The connect was cancelled');
    this.name = 'ConnectCancelledError';
  }
}

/** A connect or request failure, already phrased as one sentence for the user. */
export class ConnectionError extends Error {
  constructor(readonly server: string, readonly reason: string) {
    super(reason);
    this.name = 'ConnectionError';
  }
}

const MAX_LIST_PAGES = 50;

/** One configured server: its state, its live MCP client, and the policy that keeps it connected. */
export class Connection {
  private readonly changed = new Emitter<Connection>();
  /** Fires on every change of state or details. */
  readonly onDidChange = this.changed.event;

  private _state: ConnectionState;
  private _details: ServerDetails | undefined;
  private _lastError: string | undefined;
  private _lastGetFallback: GetFallbackEvent | undefined;
  private _reinitialisations = 0;

  private client: Client | undefined;
  private transport: TolerantTransport | undefined;
  private inFlight: Promise<void> | undefined;
  private cancelInFlight: (() => void) | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Bumped by every connect and disconnect; work from an older generation is discarded. */
  private generation = 0;
  private wanted = false;
  /** Header values as resolved for requests (secrets, env values), kept only to redact them. */
  private readonly resolvedHeaderValues = new Set<string>();

  constructor(
    private _entry: ServerEntry,
    private options: ConnectionOptions,
  ) {
    this._state = _entry.problem ? { kind: 'error', reason: _entry.problem, invalidConfig: true } : { kind: 'disconnected' };
  }

  get name(): string {
    return this._entry.name;
  }
  get entry(): ServerEntry {
    return this._entry;
  }
  get state(): ConnectionState {
    return this._state;
  }
  get details(): ServerDetails | undefined {
    return this._details;
  }
  get lastError(): string | undefined {
    return this._lastError;
  }
  get lastGetFallback(): GetFallbackEvent | undefined {
    return this._lastGetFallback;
  }
  get reinitialisations(): number {
    return this._reinitialisations;
  }
  get displayUrl(): string | undefined {
    return this._entry.config ? displayUrl(this._entry.config.url) : undefined;
  }
  /** Whether the user (or auto-connect) wants this server connected. */
  get isWanted(): boolean {
    return this.wanted;
  }

  /** Connects, or joins the connect already under way. Rejects with a ConnectionError sentence. */
  connect(): Promise<void> {
    if (this._state.kind === 'connected') return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    this.wanted = true;
    this.clearReconnectTimer();
    return this.startAttempt({ kind: 'connecting' });
  }

  /** Cancels whatever is in flight, ends the session (DELETE) and stays disconnected. */
  async disconnect(): Promise<void> {
    const was = this._state.kind;
    this.wanted = false;
    this.generation++;
    this.clearReconnectTimer();
    this.cancelInFlight?.();
    // A connect() from now on starts afresh instead of joining the cancelled attempt.
    this.inFlight = undefined;
    this.cancelInFlight = undefined;
    const closing = this.closeClient();
    if (!this._entry.problem) this.setState({ kind: 'disconnected' });
    if (was === 'connected' || was === 'connecting' || was === 'reconnecting') this.log('info', was === 'connected' ? 'Disconnected' : `Disconnected (cancelled while ${was})`);
    await closing;
  }

  async reconnect(): Promise<void> {
    await this.disconnect();
    await this.connect();
  }

  /** Takes a changed entry or settings: ends the current connection; the caller decides whether to connect. */
  async update(entry: ServerEntry, settings: GlobalSettings): Promise<void> {
    await this.disconnect();
    this._entry = entry;
    this.options = { ...this.options, settings };
    this._details = undefined;
    this._lastError = undefined;
    this._lastGetFallback = undefined;
    this.setState(entry.problem ? { kind: 'error', reason: entry.problem, invalidConfig: true } : { kind: 'disconnected' });
  }

  /** Re-reads tools, resources and prompts from a connected server. */
  async refreshLists(): Promise<void> {
    const client = this.client;
    if (!client || !this._details) return;
    const lists = await this.fetchLists(client, this._details.capabilities).catch((error) => {
      if (isRequestTimeout(error)) this.checkAnswering(client);
      throw error;
    });
    if (client !== this.client) return;
    this._details = { ...this._details, ...lists };
    this.changed.fire(this);
  }

  /**
   * Waits (at most `maxWaitMs`) until the first GET has answered, so a one-shot caller such as the
   * CLI can report the mode. A connection itself never waits on the GET.
   */
  async whenStreamSettled(maxWaitMs: number): Promise<void> {
    const transport = this.transport;
    if (!transport || transport.mode !== 'pending') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      const subscription = transport.onEvent(() => transport.mode !== 'pending' && done());
      function done() {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
    if (this._state.kind === 'connected') this.setState(this.connectedState(transport));
  }

  async callTool(name: string, args: Record<string, unknown>) {
    const client = this.client;
    if (!client) throw new ConnectionError(this.name, 'The server is not connected.');
    try {
      return await client.callTool({ name, arguments: args }, undefined, { timeout: this.timeoutMs() });
    } catch (error) {
      const cause = describeFetchError(error);
      // A POST-only connection learns that its server went away only when a request fails.
      if (cause === 'connection refused' || cause === 'connection reset by the server') this.dropped(cause);
      else if (isRequestTimeout(error)) this.checkAnswering(client);
      throw new ConnectionError(this.name, this.sentence(error));
    }
  }

  /**
   * A request went unanswered: a slow tool, or a server that stopped answering (hung, frozen, gone
   * behind a proxy that still accepts)? A ping decides; if it goes unanswered too, the connection
   * counts as dropped and reconnects with backoff, so the state shows it.
   */
  private checkAnswering(client: Client): void {
    client.ping({ timeout: this.timeoutMs() }).catch((error) => {
      if (client !== this.client) return;
      const cause = describeFetchError(error);
      if (isRequestTimeout(error)) this.dropped(`no answer within ${this.timeoutMs() / 1000} s`);
      else if (cause === 'connection refused' || cause === 'connection reset by the server') this.dropped(cause);
    });
  }

  async dispose(): Promise<void> {
    await this.disconnect();
    this.changed.dispose();
  }

  // ---- connecting -------------------------------------------------------------------------------

  private startAttempt(showAs: ConnectionState): Promise<void> {
    const generation = ++this.generation;
    const attempt = this.attempt(generation, showAs).finally(() => {
      if (this.inFlight === attempt) {
        this.inFlight = undefined;
        this.cancelInFlight = undefined;
      }
    });
    this.inFlight = attempt;
    return attempt;
  }

  private async attempt(generation: number, showAs: ConnectionState): Promise<void> {
    const { config, problem } = this._entry;
    if (!config) {
      this.setState({ kind: 'error', reason: problem ?? 'The server is not configured.', invalidConfig: true });
      throw new ConnectionError(this.name, problem ?? 'The server is not configured.');
    }
    if (!config.enabled) {
      throw new ConnectionError(this.name, 'The server is disabled — set "enabled": true to connect it.');
    }
    this.setState(showAs);
    this.log('info', `Connecting to ${displayUrl(config.url)} (transport: ${config.transport})`);
    const started = Date.now();

    const transport = new TolerantTransport({
      server: this.name,
      url: new URL(config.url),
      transport: config.transport,
      headers: async () => this.rememberResolved(await this.options.resolveHeaders(config.headers)),
      toleratedGetStatuses: this.options.settings.toleratedGetStatuses,
      requestTimeoutMs: this.timeoutMs(),
      fetch: this.options.fetch,
      random: this.options.random,
      getRetry: this.options.getRetry,
      getHeadersTimeoutMs: this.options.getHeadersTimeoutMs,
      traceEnabled: () => this.options.logger.isTraceEnabled?.() ?? true,
      secrets: () => this.secrets(),
    });
    const client = new Client(this.options.clientInfo, { capabilities: {} });
    transport.onEvent((event) => this.onTransportEvent(transport, event));
    client.onerror = (error) => this.log('warn', `Transport error: ${this.sentence(error)}`);

    // Aborting a request's signal after it completed still makes the SDK send notifications/cancelled,
    // so the signal is aborted only on timeout or cancel, never on success.
    const abort = new AbortController();
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const gate = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ConnectTimeoutError(config.timeoutSeconds));
      }, this.timeoutMs());
      this.cancelInFlight = () => {
        cancelled = true;
        abort.abort();
        reject(new ConnectCancelledError());
      };
    });
    gate.catch(() => undefined);

    try {
      await Promise.race([client.connect(transport, { signal: abort.signal, timeout: this.timeoutMs() }), gate]);
      const capabilities = readCapabilities(client);
      const lists = await Promise.race([this.fetchLists(client, capabilities, abort.signal), gate]);
      clearTimeout(timer);
      if (generation !== this.generation) throw new ConnectCancelledError();
      this.client = client;
      this.transport = transport;
      this._reinitialisations = 0;
      this._lastError = undefined;
      const info = client.getServerVersion();
      this._details = {
        serverName: info?.name,
        serverVersion: info?.version,
        protocolVersion: transport.negotiatedProtocolVersion,
        sessionId: transport.sessionId,
        capabilities,
        ...lists,
      };
      this.watchLists(client);
      this.setState(this.connectedState(transport));
      this.log('info', `Connected in ${Date.now() - started} ms — ${describeDetails(this._details)}`);
    } catch (error) {
      clearTimeout(timer);
      await closeQuietly(client);
      if (cancelled || generation !== this.generation || error instanceof ConnectCancelledError) throw new ConnectCancelledError();
      const reason = this.sentence(error);
      this._lastError = reason;
      if (showAs.kind !== 'reconnecting') this.setState({ kind: 'error', reason });
      this.log('error', `Connect failed: ${reason}`);
      throw new ConnectionError(this.name, reason);
    }
  }

  private connectedState(transport: TolerantTransport): ConnectionState {
    const fallback = transport.lastGetFallback;
    const mode = transport.mode === 'pending' ? 'post-only' : transport.mode;
    return fallback && mode === 'post-only'
      ? { kind: 'connected', mode, getFallback: { status: fallback.status, statusText: fallback.statusText } }
      : { kind: 'connected', mode };
  }

  private async fetchLists(client: Client, capabilities: ServerDetails['capabilities'], signal?: AbortSignal) {
    const options = { signal, timeout: this.timeoutMs() };
    const collect = async <T>(enabled: boolean, page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>) => {
      if (!enabled) return [];
      const items: T[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
        const result = await page(cursor);
        items.push(...result.items);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return items;
    };
    const [tools, resources, prompts] = await Promise.all([
      collect(capabilities.tools, async (cursor) => {
        const r = await client.listTools(cursor ? { cursor } : undefined, options);
        return { items: r.tools.map(item), nextCursor: r.nextCursor };
      }),
      collect(capabilities.resources, async (cursor) => {
        const r = await client.listResources(cursor ? { cursor } : undefined, options);
        return { items: r.resources.map(item), nextCursor: r.nextCursor };
      }),
      collect(capabilities.prompts, async (cursor) => {
        const r = await client.listPrompts(cursor ? { cursor } : undefined, options);
        return { items: r.prompts.map(item), nextCursor: r.nextCursor };
      }),
    ]);
    return { tools, resources, prompts };
  }

  private watchLists(client: Client): void {
    const refresh = (what: string) => () => {
      this.log('info', `Server changed its ${what} — refreshing`);
      this.refreshLists().catch((error) => this.log('warn', `Could not refresh the ${what}: ${this.sentence(error)}`));
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh('tools'));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh('resources'));
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh('prompts'));
  }

  // ---- staying connected ------------------------------------------------------------------------

  private onTransportEvent(transport: TolerantTransport, event: TransportEvent): void {
    const { level, text } = describeTransportEvent(event);
    this.log(level, text);
    if (event.kind === 'get-fallback') this._lastGetFallback = event;
    if (event.kind === 'session-reinitialised') this._reinitialisations++;
    if (transport !== this.transport) return; // still connecting, or an old transport
    const sessionChanged = !!this._details && this._details.sessionId !== transport.sessionId;
    if (this._details && sessionChanged) this._details = { ...this._details, sessionId: transport.sessionId };
    const droppedBecause =
      event.kind === 'session-lost'
        ? event.reason
        : (event.kind === 'stream-problem' || event.kind === 'stream-given-up') && event.reason === 'connection refused'
          ? 'connection refused'
          : undefined;
    if (droppedBecause) return this.dropped(droppedBecause);
    if (this._state.kind !== 'connected') return;
    // Most events (every wire line) change nothing shown: fire only for a real change.
    const next = this.connectedState(transport);
    if (sessionChanged || JSON.stringify(next) !== JSON.stringify(this._state)) this.setState(next);
  }

  /** The server went away under a live connection: reconnect with backoff while it is still wanted. */
  private dropped(why: string): void {
    if (!this.wanted || this._state.kind !== 'connected') return;
    // The reason can carry a server's words (a legacy POST's error body): it is shown in the state.
    const reason = excerpt(redactSecrets(why, this.secrets()), 200);
    this.log('warn', `Connection lost: ${reason}`);
    this._lastError = `Connection lost: ${reason}`;
    void this.closeClient();
    this.scheduleReconnect(1, reason);
  }

  private scheduleReconnect(attempt: number, reason: string): void {
    const { maxAttempts } = this.options.settings.reconnect;
    if (attempt > maxAttempts) {
      const sentence = `Gave up reconnecting after ${maxAttempts} attempts: ${reason}`;
      this._lastError = sentence;
      this.setState({ kind: 'error', reason: sentence });
      this.log('error', sentence);
      return;
    }
    const delay = backoffDelay(attempt, this.options.settings.reconnect, this.options.random);
    this.setState({ kind: 'reconnecting', attempt, maxAttempts, reason });
    this.log('info', `Reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt}/${maxAttempts})`);
    const generation = this.generation;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.wanted || generation !== this.generation) return;
      this.startAttempt({ kind: 'reconnecting', attempt, maxAttempts, reason }).then(
        () => this.log('info', `Reconnected after ${attempt} attempt${attempt === 1 ? '' : 's'}`),
        (error) => {
          if (error instanceof ConnectCancelledError || !this.wanted) return;
          this.scheduleReconnect(attempt + 1, error instanceof ConnectionError ? error.reason : String(error));
        },
      );
    }, delay);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.transport = undefined;
    this._details = undefined;
    if (client) await closeQuietly(client);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private setState(state: ConnectionState): void {
    this._state = state;
    this.changed.fire(this);
  }

  private timeoutMs(): number {
    return (this._entry.config?.timeoutSeconds ?? 30) * 1000;
  }

  /** Phrases an error for the user, with every configured header value kept out. */
  private sentence(error: unknown): string {
    const redact = (text: string) => redactSecrets(text, this.secrets());
    return redact(error instanceof ConnectionError ? error.reason : describeError(error, this.displayUrl ?? '', redact));
  }

  private log(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', text: string): void {
    this.options.logger[level](`[${this.name}] ${redactSecrets(text, this.secrets())}`);
  }

  private rememberResolved(headers: Record<string, string>): Record<string, string> {
    for (const value of Object.values(headers)) {
      this.resolvedHeaderValues.add(value);
      // "Bearer <token>": a server may echo the token alone.
      const credentials = /^\S+\s+(\S{8,})$/.exec(value)?.[1];
      if (credentials) this.resolvedHeaderValues.add(credentials);
    }
    return headers;
  }

  /**
   * Configured header values (templates), the values they resolved to, and credentials in the URL
   * (the password, and the Basic value the transport sends for them); longest first.
   */
  private secrets(): string[] {
    const all = new Set([...Object.values(this._entry.config?.headers ?? {}), ...this.resolvedHeaderValues, ...urlCredentials(this._entry.config?.url)]);
    return [...all].sort((a, b) => b.length - a.length);
  }
}

function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  const { username, password } = new URL(url);
  if (!password) return [];
  const user = decodeURIComponent(username);
  const pass = decodeURIComponent(password);
  return [pass, password, Buffer.from(`${user}:${pass}`).toString('base64')];
}

function item(entry: { name: string; title?: string; description?: string; uri?: string }): ListedItem {
  return { name: entry.name, title: entry.title, description: entry.description };
}

function readCapabilities(client: Client): ServerDetails['capabilities'] {
  const caps = client.getServerCapabilities() ?? {};
  return { tools: !!caps.tools, resources: !!caps.resources, prompts: !!caps.prompts, logging: !!caps.logging };
}

function describeDetails(details: ServerDetails): string {
  const who = details.serverName ? `${details.serverName}${details.serverVersion ? ` ${details.serverVersion}` : ''}` : 'server';
  return `${who}, protocol ${details.protocolVersion ?? 'unknown'}, ${details.tools.length} tools, ${details.resources.length} resources, ${details.prompts.length} prompts`;
}

async function closeQuietly(client: Client): Promise<void> {
  await client.close().catch(() => undefined);
}
