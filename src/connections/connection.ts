import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolResult,
  CallToolResultSchema,
  CompleteRequest,
  CompleteResult,
  GetPromptResult,
  Progress,
  LoggingMessageNotification,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ReadResourceResult,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { OAuthSession } from '../auth/oauthSession';
import type { AuthStatus, AuthStore, InteractiveSignIn } from '../auth/types';
import { backoffDelay } from '../common/backoff';
import { Emitter } from '../common/events';
import type { Logger } from '../common/logger';
import { Redactor } from '../common/redactor';
import { escapeControls, excerpt } from '../common/text';
import { CLIENT_SECRET_KEY, HeaderSource } from '../config/headerValues';
import { GlobalSettings, ServerConfig, ServerEntry, usesOAuth } from '../config/serverConfig';
import { isServerGone } from '../transport/failures';
import type { TolerantTransport, TolerantTransportOptions } from '../transport/tolerantTransport';
import type { GetFallbackEvent, TransportEvent } from '../transport/types';
import { Catalog, fetchCatalog, LIST_LABELS, LIST_NAMES, ListName } from './catalog';
import { Failure, failureOf } from './failures';
import { authLogLineFor, LogLevel, logLineFor } from './logLines';
import { dropReason, SentenceContext, sentenceFor } from './sentences';
import { closeQuietly, OpenSession, openSession, SessionDeps } from './session';
import type { ConnectSlots } from './connectSlots';
import type { Elicitor, RootsSource } from './serverRequests';
import { Capabilities, ConnectedState, ConnectionState, GetFallback, sameState, SignedIn } from './state';
import { issuerHost } from '../auth/errors';

export interface ConnectionOptions {
  logger: Logger;
  settings: GlobalSettings;
  /** Resolves the configured header values (env and secret references) for one request. */
  headers: HeaderSource;
  clientInfo: { name: string; version: string };
  /** Jitter for the reconnect delays (default Math.random). */
  random?: () => number;
  /** Transport tuning, for tests and benchmarks. */
  transport?: Partial<TolerantTransportOptions>;
  /** Whether the workspace is trusted: servers from workspace settings wait for it (default yes). */
  workspaceTrusted?: boolean;
  /** Shared by the connections of a manager: how many connect at once. */
  slots?: ConnectSlots;
  /** Asks the user what a server requests (elicitation); without it the client does not offer elicitation. */
  elicit?: Elicitor;
  /** The roots offered to servers; without them the client does not offer roots. */
  roots?: RootsSource;
  /** Where OAuth tokens and registered clients are kept; without it OAuth sign-in is not available. */
  authStore?: AuthStore;
  /** Opens an authorization URL in the user's browser; only `signIn()` ever calls it. */
  openBrowser?: (url: URL) => Promise<void>;
  /** Asks the user for a client ID when the authorization server offers no registration. */
  askForClient?: InteractiveSignIn['askForClient'];
  /** How long a sign-in waits for the browser to come back (default 5 minutes). */
  signInTimeoutMs?: number;
}

/** How long `signIn()` waits for the browser by default. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** How a use-side request is made. */
export interface UseOptions {
  /** Cancels the request (the server is sent notifications/cancelled). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Who asked, when it was not the user here ("chat"): said in the log line. */
  origin?: string;
  /** Logged at debug level (frequent, routine requests). */
  quiet?: boolean;
}

/** Requests made through this connection for someone else (chat): how many, and the last one. */
export interface Usage {
  calls: number;
  last?: { what: string; outcome: string; at: Date };
}

/** Raised when a connect was superseded by a disconnect or a newer connect. */
export class ConnectCancelledError extends Error {
  constructor() {
    super('The connect was cancelled');
    this.name = 'ConnectCancelledError';
  }
}

/** A connect or request failure: its kind, and already phrased as one sentence for the user. */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
    readonly failure: Failure,
  ) {
    super(reason);
    this.name = 'ConnectionError';
  }
}

/** The live session behind a connected state. */
interface Live {
  client: Client;
  transport: TolerantTransport;
}

/** One configured server: its state, its live MCP client, and the policy that keeps it connected. */
export class Connection {
  private readonly changed = new Emitter<Connection>();
  /** Fires on every change of state. */
  readonly onDidChange = this.changed.event;
  private readonly resourceUpdated = new Emitter<string>();
  /** A subscribed resource changed on the server (notifications/resources/updated); the URI. */
  readonly onDidUpdateResource = this.resourceUpdated.event;
  private readonly serverLogged = new Emitter<LoggingMessageNotification['params']>();
  /** The server sent a log message (notifications/message), as it sent it. */
  readonly onDidLogMessage = this.serverLogged.event;
  /** Who answers the server's elicitations instead of the user here, latest first (the chat that made the call). */
  private readonly elicitationRelays: Elicitor[] = [];
  private _usage: Usage = { calls: 0 };

  private _state: ConnectionState;
  private live: Live | undefined;
  private inFlight: Promise<void> | undefined;
  private cancelInFlight: (() => void) | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Bumped by every connect and disconnect; work from an older generation is discarded. */
  private generation = 0;
  private wanted = false;
  /** Not before this time (ms since the epoch) may the server be asked again: it answered 429/503 with Retry-After. */
  private notBefore = 0;
  private busyStatus = 503;
  private trusted: boolean;
  private redactor: Redactor;
  /** The server's OAuth sign-in, made on first need for the current entry (its client secret resolved then). */
  private oauth: Promise<OAuthSession> | undefined;

  constructor(
    private _entry: ServerEntry,
    private options: ConnectionOptions,
  ) {
    this.trusted = options.workspaceTrusted ?? true;
    this.redactor = redactorFor(_entry);
    this._state = this.restingState();
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
  get displayUrl(): string | undefined {
    return this._entry.config?.endpoint.displayUrl;
  }
  /** The requests made for others (chat), for the tooltip. */
  get usage(): Usage {
    return this._usage;
  }
  /** Whether the user (or auto-connect) wants this server connected. */
  get isWanted(): boolean {
    return this.wanted;
  }
  /** Whether workspace trust keeps this server from connecting. */
  get blockedByTrust(): boolean {
    return this._entry.scope === 'workspace' && !this.trusted;
  }
  /** Whether OAuth sign-in applies to this server (its "auth" setting and headers allow it), store or not. */
  get usesOAuth(): boolean {
    return this._entry.config !== undefined && usesOAuth(this._entry.config);
  }

  /**
   * The interactive OAuth sign-in (the only path that opens a browser), then a connect. Rejects with a ConnectionError
   * whose failure says why: cancelled, timed out, denied, no client, sign-in unavailable here…
   */
  async signIn(options: { signal?: AbortSignal } = {}): Promise<void> {
    const refusal = this.refusal();
    if (refusal) throw this.failed(refusal);
    if (!this.usesOAuth) throw this.failed({ kind: 'sign-in-unavailable', why: 'not-oauth' });
    if (!this.options.authStore) throw this.failed({ kind: 'sign-in-unavailable', why: 'no-store' });
    const openBrowser = this.options.openBrowser;
    if (!openBrowser) throw this.failed({ kind: 'sign-in-unavailable', why: 'no-browser' });
    try {
      const oauth = await this.oauthSession();
      await oauth.signIn({ openBrowser, askForClient: this.options.askForClient, timeoutMs: this.options.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS }, options.signal);
    } catch (error) {
      throw this.failed(this.failureOf(error));
    }
    if (this._state.kind === 'connected') {
      // Signed in again while connected (more permissions): the live session takes the new token with its next request.
      const auth = await this.signedIn();
      if (this._state.kind === 'connected') this.setState({ ...this._state, auth });
      return;
    }
    await this.connect();
  }

  /** Forgets the sign-in's tokens (and the registered client, if asked), ends the session; the server then needs a sign-in. */
  async signOut(options: { forgetClient?: boolean } = {}): Promise<void> {
    if (!this.usesOAuth || !this.options.authStore) return;
    const oauth = await this.oauthSession().catch((error: unknown) => {
      throw this.failed(this.failureOf(error));
    });
    const issuer = (await oauth.status())?.issuer ?? oauth.needsSignIn?.issuer;
    await this.disconnect();
    await oauth.signOut(options);
    this.setState(this.needsSignInState(issuer));
  }

  /** The secret `oauth.clientSecret` names changed: the next sign-in or refresh reads it again. */
  clientSecretChanged(): void {
    this.oauth = undefined;
  }

  /** How the server is signed in (issuer, scopes, expiry; never a token), or undefined when it is not. */
  async authStatus(): Promise<AuthStatus | undefined> {
    if (!this.usesOAuth || !this.options.authStore) return undefined;
    const oauth = await this.oauthSession().catch(() => undefined);
    return oauth?.status();
  }

  /** Connects, or joins the connect already under way. Rejects with a ConnectionError sentence. */
  connect(): Promise<void> {
    if (this._state.kind === 'connected') return Promise.resolve();
    if (this.inFlight) return this.inFlight;
    // The server asked (Retry-After) not to be asked again before then: the scheduled attempt stands.
    const wait = this.notBefore - Date.now();
    if (wait > 0) return Promise.reject(this.failed({ kind: 'busy', status: this.busyStatus, retryAfterMs: wait, detail: '' }));
    this.clearReconnectTimer();
    const refusal = this.refusal();
    if (refusal) return Promise.reject(new ConnectionError(this.name, this.sentence(refusal), refusal));
    this.wanted = true;
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
    this.setState(this.restingState());
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
    this.redactor = redactorFor(entry);
    this.oauth = undefined;
    this.setState(this.restingState());
  }

  /** The workspace was trusted (or not): a server from workspace settings shows whether it waits for that. */
  setWorkspaceTrusted(trusted: boolean): void {
    this.trusted = trusted;
    if (this._state.kind === 'disconnected') this.setState(this.restingState());
  }

  /** Re-reads the server's lists (all of them, or those named), a failed one included. */
  async refreshLists(only: readonly ListName[] = LIST_NAMES): Promise<void> {
    const live = this.live;
    const state = this._state;
    if (!live || state.kind !== 'connected') return;
    const lists = await fetchCatalog(live.client, state.capabilities, { timeout: this.timeoutMs(), sentence: (failure) => this.sentence(failure) }, only).catch((error: unknown) => {
      throw this.requestFailed(live, error);
    });
    if (live !== this.live || this._state.kind !== 'connected') return;
    const catalog = { ...this._state.catalog, ...lists };
    this.logLists(catalog, only);
    this.setState({ ...this._state, catalog });
  }

  /**
   * Waits (at most `maxWaitMs`) until the first GET has answered, so a one-shot caller such as the
   * CLI can report the mode. A connection itself never waits on the GET.
   */
  async whenModeKnown(maxWaitMs: number): Promise<void> {
    await this.live?.transport.whenModeKnown(maxWaitMs);
  }

  /** `text` with this server's secrets (header values as sent, the URL's credentials) replaced by ***: for showing what the server sent as it sent it. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Connects if it is not connected (joining a connect under way); rejects with the reason it cannot. */
  async ensureConnected(): Promise<void> {
    if (this._state.kind !== 'connected') await this.connect();
  }

  /** tools/call: the raw result (its structured content is not checked against the tool's output schema, so what the server sent is shown). */
  callTool(name: string, args: Record<string, unknown>, options: UseOptions = {}): Promise<CallToolResult> {
    return this.use(`tools/call ${name}`, args, options, (client, request) =>
      client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, request),
    ).then((result) => result as CallToolResult);
  }

  readResource(uri: string, options: UseOptions = {}): Promise<ReadResourceResult> {
    return this.use(`resources/read ${uri}`, undefined, options, (client, request) => client.readResource({ uri }, request));
  }

  getPrompt(name: string, args: Record<string, string> | undefined, options: UseOptions = {}): Promise<GetPromptResult> {
    return this.use(`prompts/get ${name}`, args, options, (client, request) => client.getPrompt({ name, arguments: args }, request));
  }

  /** completion/complete, for an argument being typed: quiet in the log (there is one per keystroke). */
  complete(params: CompleteRequest['params'], options: UseOptions = {}): Promise<CompleteResult> {
    return this.use('completion/complete', undefined, { ...options, quiet: true }, (client, request) => client.complete(params, request));
  }

  /** resources/subscribe; `onDidUpdateResource` then fires for the URI. */
  async subscribe(uri: string): Promise<void> {
    await this.use(`resources/subscribe ${uri}`, undefined, { quiet: true }, (client, request) => client.subscribeResource({ uri }, request));
  }

  async unsubscribe(uri: string): Promise<void> {
    await this.use(`resources/unsubscribe ${uri}`, undefined, { quiet: true }, (client, request) => client.unsubscribeResource({ uri }, request));
  }

  /**
   * While the returned disposable lives, the server's elicitations go to `elicitor` (the chat whose
   * call is running) instead of the user here.
   */
  relayElicitation(elicitor: Elicitor): { dispose(): void } {
    this.elicitationRelays.push(elicitor);
    return {
      dispose: () => {
        const at = this.elicitationRelays.indexOf(elicitor);
        if (at >= 0) this.elicitationRelays.splice(at, 1);
      },
    };
  }

  /** The workspace's roots changed: tell the server (it asks for them again). */
  rootsChanged(): void {
    void this.live?.client.sendRootsListChanged().catch(() => undefined);
  }

  /**
   * One request of the use side: on the live client, within the server's timeout (or the caller's
   * signal), with progress passed on; one log line for it (arguments at trace level only).
   */
  private async use<T>(label: string, args: unknown, options: UseOptions, run: (client: Client, request: RequestOptions) => Promise<T>): Promise<T> {
    const live = this.live;
    if (!live) throw this.failed({ kind: 'not-connected' });
    const what = `${options.origin ? `${options.origin}: ` : ''}${this.shown(label, 200)}`;
    if (args !== undefined && (this.options.logger.isTraceEnabled?.() ?? true)) this.log('trace', `${what} arguments: ${this.shown(JSON.stringify(args), 2000)}`);
    const started = Date.now();
    const request: RequestOptions = {
      timeout: this.timeoutMs(),
      signal: options.signal,
      ...(options.onProgress ? { onprogress: options.onProgress, resetTimeoutOnProgress: true } : {}),
    };
    try {
      const result = await run(live.client, request);
      const isError = (result as { isError?: unknown }).isError === true;
      this.log(options.quiet ? 'debug' : 'info', `${what} — ${isError ? 'error result' : 'ok'} in ${Date.now() - started} ms`);
      this.count(options, label, isError ? 'error result' : 'ok');
      return result;
    } catch (error) {
      const failed = options.signal?.aborted ? this.failed({ kind: 'cancelled' }) : this.requestFailed(live, error);
      this.log(options.quiet ? 'debug' : 'warn', `${what} — failed after ${Date.now() - started} ms: ${failed.reason}`);
      this.count(options, label, 'failed');
      throw failed;
    }
  }

  private count(options: UseOptions, label: string, outcome: string): void {
    if (!options.origin || options.quiet) return;
    this._usage = { calls: this._usage.calls + 1, last: { what: this.shown(label, 120), outcome, at: new Date() } };
    this.changed.fire(this);
  }

  async dispose(): Promise<void> {
    await this.disconnect();
    this.changed.dispose();
    this.resourceUpdated.dispose();
    this.serverLogged.dispose();
  }

  // ---- connecting -------------------------------------------------------------------------------

  /** Why this server may not connect now, if it may not. */
  private refusal(): Failure | undefined {
    const { config, problem } = this._entry;
    if (!config) return { kind: 'config', problem: problem ?? 'The server is not configured.' };
    if (!config.enabled) return { kind: 'disabled' };
    if (this.blockedByTrust) return { kind: 'untrusted' };
    return undefined;
  }

  /** The state of a server that is not connected and not trying to be. */
  private restingState(): ConnectionState {
    const { config, problem } = this._entry;
    if (!config) return { kind: 'error', reason: problem ?? 'The server is not configured.', invalidConfig: true };
    if (!config.enabled) return { kind: 'disconnected', blocked: 'disabled' };
    if (this.blockedByTrust) return { kind: 'disconnected', blocked: 'untrusted' };
    return { kind: 'disconnected' };
  }

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
    const config = this._entry.config!;
    this.setState(showAs);
    const cancel = new AbortController();
    this.cancelInFlight = () => cancel.abort(new ConnectCancelledError());
    let release = () => undefined as void;
    let open: OpenSession;
    try {
      // Before a slot is taken: a client secret that cannot be resolved fails here without holding one.
      const oauth = this.usesOAuth && this.options.authStore ? await this.oauthSession() : undefined;
      if (this.options.slots) release = await this.options.slots.acquire(cancel.signal);
      this.log('info', `Connecting to ${config.endpoint.displayUrl} (transport: ${config.transport})`);
      open = await openSession(config, this.sessionDeps(oauth), cancel.signal).finally(release);
      if (oauth) open.auth = await signedInWith(oauth);
    } catch (error) {
      if (error instanceof ConnectCancelledError || generation !== this.generation) throw new ConnectCancelledError();
      const failure = this.failureOf(error);
      const reason = this.sentence(failure);
      if (failure.kind === 'sign-in-required') {
        // Not an error to retry: nothing changes until the user signs in.
        this.log('info', `Not connected: ${reason}`);
        this.setState(this.needsSignInState(failure.issuer));
        throw new ConnectionError(this.name, reason, failure);
      }
      this.log('error', `Connect failed: ${reason}`);
      if (failure.kind === 'busy') {
        this.notBefore = Date.now() + failure.retryAfterMs;
        this.busyStatus = failure.status;
        // A busy server is not a broken one: a first connect, too, is tried again once it may be.
        if (showAs.kind !== 'reconnecting') this.scheduleReconnect(1, reason);
      } else if (showAs.kind !== 'reconnecting') this.setState({ kind: 'error', reason });
      throw new ConnectionError(this.name, reason, failure);
    }
    if (generation !== this.generation) {
      await closeQuietly(open.client);
      throw new ConnectCancelledError();
    }
    const live: Live = { client: open.client, transport: open.transport };
    this.live = live;
    this.watchLists(live.client);
    const state = this.connectedState(live, open.capabilities, open.catalog, open.auth);
    this.setState(state);
    this.log('info', `Connected in ${Date.now() - open.startedAt} ms — ${this.describeConnected(state)}`);
    this.logLists(state.catalog, LIST_NAMES);
  }

  private sessionDeps(oauth: OAuthSession | undefined): SessionDeps {
    const config = this._entry.config!;
    return {
      clientInfo: this.options.clientInfo,
      settings: this.options.settings,
      headers: async () => ({ 'User-Agent': this.userAgent(), ...(await this.options.headers(config.headers)) }),
      traceEnabled: () => this.options.logger.isTraceEnabled?.() ?? true,
      transport: { random: this.options.random, redactor: this.redactor, auth: oauth, ...this.options.transport },
      onEvent: (transport, event) => this.onTransportEvent(transport, event),
      onError: (error) => this.log('warn', `Transport error: ${this.sentence(this.failureOf(error))}`),
      sentence: (failure) => this.sentence(failure),
      serverRequests: {
        elicit: this.options.elicit && ((request, signal) => (this.elicitationRelays.at(-1) ?? this.options.elicit!)(request, signal)),
        roots: this.options.roots,
        note: (text, level) => this.log(level, text),
      },
    };
  }

  /** What is known about the live connection, as one state: the server's words, the transport's facts. */
  private connectedState(live: Live, capabilities: Capabilities, catalog: Catalog, auth: SignedIn | undefined): ConnectedState {
    const info = live.client.getServerVersion();
    return {
      kind: 'connected',
      ...this.transportFacts(live.transport),
      server: { name: info?.name, version: info?.version },
      capabilities,
      catalog,
      ...(auth ? { auth } : {}),
    };
  }

  // ---- OAuth ------------------------------------------------------------------------------------

  /** This entry's OAuth session (one per entry, so refreshes and sign-ins are single-flight); its client secret resolved now. */
  private oauthSession(): Promise<OAuthSession> {
    const config = this._entry.config!;
    this.oauth ??= this.newOAuthSession(config).catch((error: unknown) => {
      this.oauth = undefined; // a secret set later is read at the next try
      throw error;
    });
    return this.oauth;
  }

  private async newOAuthSession(config: ServerConfig): Promise<OAuthSession> {
    const { clientSecret: template, ...settings } = config.oauth;
    const clientSecret = template === undefined ? undefined : (await this.options.headers({ [CLIENT_SECRET_KEY]: template }))[CLIENT_SECRET_KEY];
    if (clientSecret) this.redactor.add(clientSecret);
    return new OAuthSession({
      server: this.name,
      resourceUrl: config.endpoint.requestUrl,
      settings: { ...settings, clientSecret },
      store: this.options.authStore!,
      fetch: this.options.transport?.fetch as typeof fetch | undefined,
      clientName: this.options.clientInfo.name,
      onEvent: (event) => {
        const { level, text } = authLogLineFor(event, this.shown);
        this.log(level, text);
        if ((event.kind === 'refreshed' || event.kind === 'signed-in') && this._state.kind === 'connected') {
          this.setState({ ...this._state, auth: { issuer: event.issuer, scopes: event.scopes, ...(event.expiresAt ? { expiresAt: event.expiresAt } : {}) } });
        }
      },
      onSecret: (value) => this.redactor.add(value),
    });
  }

  private async signedIn(): Promise<SignedIn | undefined> {
    const oauth = await this.oauth;
    return oauth && signedInWith(oauth);
  }

  private needsSignInState(issuer: string | undefined): ConnectionState {
    const host = issuerHost(issuer);
    return { kind: 'needs-sign-in', ...(host ? { issuer: this.shown(host, 100) } : {}) };
  }

  /** The sign-in is gone under a live connection (revoked, refresh refused): stop, and wait for the user. */
  private signInLost(issuer: string | undefined): void {
    if (this._state.kind === 'needs-sign-in') return;
    this.generation++;
    this.clearReconnectTimer();
    void this.closeClient();
    this.setState(this.needsSignInState(issuer));
  }

  /** A list cut short, or one that failed, is said in the log (the tree and its tooltip show it too). */
  private logLists(catalog: Catalog, only: readonly ListName[]): void {
    for (const name of only) {
      const list = catalog[name];
      if (list.error) this.log('warn', `Could not list the ${LIST_LABELS[name]}: ${list.error}`);
      else if (list.cut) this.log('warn', `The ${LIST_LABELS[name]} list was cut after ${list.items.length} items: ${list.cut}`);
    }
  }

  private transportFacts(transport: TolerantTransport): Pick<ConnectedState, 'mode' | 'getFallback' | 'session'> {
    const mode = transport.mode === 'pending' ? 'post-only' : transport.mode;
    const fallback = transport.lastGetFallback;
    return {
      mode,
      getFallback: fallback && this.shownFallback(fallback),
      session: { id: transport.sessionId, protocolVersion: transport.negotiatedProtocolVersion, reinitialisations: transport.reinitialisations },
    };
  }

  private shownFallback(event: GetFallbackEvent): GetFallback {
    return { status: event.status, statusText: this.shown(event.statusText, 80), bodyExcerpt: event.bodyExcerpt, time: event.time };
  }

  private watchLists(client: Client): void {
    const refresh = (what: string, lists: ListName[]) => () => {
      this.log('info', `Server changed its ${what} — refreshing`);
      this.refreshLists(lists).catch((error: unknown) => this.log('warn', `Could not refresh the ${what}: ${error instanceof ConnectionError ? error.reason : this.sentence(this.failureOf(error))}`));
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh('tools', ['tools']));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh('resources', ['resources', 'resourceTemplates']));
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh('prompts', ['prompts']));
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => this.resourceUpdated.fire(notification.params.uri));
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => this.serverLogged.fire(notification.params));
  }

  // ---- staying connected ------------------------------------------------------------------------

  private onTransportEvent(transport: TolerantTransport, event: TransportEvent): void {
    const { level, text } = logLineFor(event, this.sentenceContext());
    this.log(level, text);
    if (event.kind === 'wire' || transport !== this.live?.transport) return; // still connecting, or an old transport
    if (event.kind === 'session-lost') return this.dropped({ kind: 'session-lost', cause: event.cause });
    if (event.kind === 'sign-in-required') {
      const failure = this.failureOf(event.cause);
      return this.signInLost(failure.kind === 'sign-in-required' ? failure.issuer : undefined);
    }
    if ((event.kind === 'stream-problem' || event.kind === 'stream-given-up') && event.problem.kind === 'network' && event.problem.failure.kind === 'refused') {
      return this.dropped({ kind: 'network', failure: event.problem.failure });
    }
    if (this._state.kind !== 'connected') return;
    // Most events change nothing shown: fire only for a real change.
    const next: ConnectedState = { ...this._state, ...this.transportFacts(transport) };
    if (!sameState(next, this._state)) this.setState(next);
  }

  /** A request failed: its sentence, and what the failure says about the connection. */
  private requestFailed(live: Live, error: unknown): ConnectionError {
    const failure = this.failureOf(error);
    // A POST-only connection learns that its server went away only when a request fails.
    if (failure.kind === 'network' && isServerGone(failure.failure)) this.dropped(failure);
    else if (failure.kind === 'request-timeout') this.checkAnswering(live.client);
    else if (failure.kind === 'sign-in-required' && live === this.live) {
      // A step-up is one operation's need; the connection stays up for the rest.
      if (failure.reason !== 'insufficient-scope') this.signInLost(failure.issuer);
    }
    return new ConnectionError(this.name, this.sentence(failure), failure);
  }

  /**
   * A request went unanswered: a slow tool, or a server that stopped answering (hung, frozen, gone
   * behind a proxy that still accepts)? A ping decides; if it goes unanswered too, the connection
   * counts as dropped and reconnects with backoff, so the state shows it.
   */
  private checkAnswering(client: Client): void {
    client.ping({ timeout: this.timeoutMs() }).catch((error: unknown) => {
      if (client !== this.live?.client) return;
      const failure = this.failureOf(error);
      if (failure.kind === 'request-timeout') this.dropped({ kind: 'other', message: `no answer within ${this.timeoutMs() / 1000} s` });
      else if (failure.kind === 'network' && isServerGone(failure.failure)) this.dropped(failure);
    });
  }

  /** The server went away under a live connection: reconnect with backoff while it is still wanted. */
  private dropped(failure: Failure): void {
    if (!this.wanted || this._state.kind !== 'connected') return;
    const reason = dropReason(failure, this.sentenceContext());
    this.log('warn', `Connection lost: ${reason}`);
    void this.closeClient();
    this.scheduleReconnect(1, reason);
  }

  private scheduleReconnect(attempt: number, reason: string): void {
    const { maxAttempts } = this.options.settings.reconnect;
    if (attempt > maxAttempts) {
      const sentence = `Gave up reconnecting after ${maxAttempts} attempts: ${reason}`;
      this.setState({ kind: 'error', reason: sentence });
      this.log('error', sentence);
      return;
    }
    const backoff = backoffDelay(attempt, this.options.settings.reconnect, this.options.random);
    const askedFor = this.notBefore - Date.now();
    const delay = Math.max(backoff, askedFor);
    const retryAt = askedFor >= backoff ? new Date(Date.now() + delay) : undefined;
    this.setState({ kind: 'reconnecting', attempt, maxAttempts, reason, ...(retryAt ? { retryAt } : {}) });
    this.log('info', `Reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${attempt}/${maxAttempts})${retryAt ? `, at ${retryAt.toLocaleTimeString()} as the server asked (Retry-After)` : ''}`);
    const generation = this.generation;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.wanted || generation !== this.generation) return;
      this.startAttempt({ kind: 'reconnecting', attempt, maxAttempts, reason }).then(
        () => this.log('info', `Reconnected after ${attempt} attempt${attempt === 1 ? '' : 's'}`),
        (error: unknown) => {
          if (error instanceof ConnectCancelledError || !this.wanted || this._state.kind === 'needs-sign-in') return;
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
    const live = this.live;
    this.live = undefined;
    if (live) await closeQuietly(live.client);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private setState(state: ConnectionState): void {
    this._state = state;
    this.changed.fire(this);
  }

  private timeoutMs(): number {
    return (this._entry.config?.timeoutSeconds ?? 0) * 1000;
  }

  private failureOf(error: unknown): Failure {
    const failure = failureOf(error, this._entry.config?.endpoint.requestUrl);
    // A Bearer challenge that did not start a sign-in: say why not.
    if (failure.kind === 'unauthorized' && failure.challenge === 'bearer' && !failure.tokenSent) {
      return { ...failure, oauth: this._entry.config?.auth === 'headers' ? 'off' : 'unavailable' };
    }
    return failure;
  }

  private failed(failure: Failure): ConnectionError {
    return new ConnectionError(this.name, this.sentence(failure), failure);
  }

  /**
   * Untrusted text made safe to show: redacted while whole (a shortened copy could hide a secret's
   * start), every control character shown as an escape (CR and LF too: one event stays one line),
   * markup stripped, then shortened.
   */
  private shown = (text: string, max: number): string => excerpt(escapeControls(this.redactor.redact(text)), max);

  private sentenceContext(): SentenceContext {
    const endpoint = this._entry.config?.endpoint;
    return { host: endpoint?.host ?? '', displayUrl: endpoint?.displayUrl ?? '', shown: this.shown };
  }

  private sentence(failure: Failure): string {
    return sentenceFor(failure, this.sentenceContext());
  }

  private describeConnected(state: ConnectedState): string {
    const { name, version } = state.server;
    const who = name ? this.shown(`${name}${version ? ` ${version}` : ''}`, 120) : 'server';
    const { tools, resources, resourceTemplates, prompts } = state.catalog;
    const templates = resourceTemplates.items.length ? `, ${resourceTemplates.items.length} resource templates` : '';
    return `${who}, protocol ${state.session.protocolVersion ?? 'unknown'}, ${tools.items.length} tools, ${resources.items.length} resources${templates}, ${prompts.items.length} prompts`;
  }

  /** Every line is made of our words and fragments already made safe (`shown`, sentences): nothing to redact here. */
  /** Who is asking, for the server's logs: our client's name and version (a configured User-Agent wins). */
  private userAgent(): string {
    const { name, version } = this.options.clientInfo;
    return `${name}/${version}`;
  }

  private log(level: LogLevel, text: string): void {
    this.options.logger[level](`[${this.name}] ${text}`);
  }
}

/** One redactor per configured server: the configured header values and the URL's credentials, to begin with. */
function redactorFor(entry: ServerEntry): Redactor {
  const config = entry.config;
  return new Redactor(config ? [...config.endpoint.secretValues, ...Object.values(config.headers)] : []);
}

async function signedInWith(oauth: OAuthSession): Promise<SignedIn | undefined> {
  const status = await oauth.status();
  return status && { issuer: status.issuer, scopes: status.scopes, ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}) };
}
