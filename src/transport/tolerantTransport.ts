import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { backoffDelay } from '../common/backoff';
import { Emitter } from '../common/events';
import { displayUrl } from '../common/redact';
import { describeFetchError } from './http';
import { FetchLike, SessionFetch, withConfiguredHeaders } from './sessionFetch';
import {
  AnswerTooLargeError,
  BrokenAnswerData,
  DEFAULT_GET_HEADERS_TIMEOUT_MS,
  DEFAULT_GET_RETRY,
  DEFAULT_MAX_ANSWER_BYTES,
  DEFAULT_TOLERATED_GET_STATUSES,
  GetFallbackEvent,
  RetryPolicy,
  SessionExpiredError,
  StreamMode,
  TransportEvent,
  TransportKind,
} from './types';

export interface TolerantTransportOptions {
  /** Shown in every event and log line. */
  server: string;
  url: URL;
  transport?: TransportKind;
  /** Configured headers; called for every request, so secrets are resolved only when one is made. */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  toleratedGetStatuses?: readonly number[];
  getRetry?: RetryPolicy;
  getHeadersTimeoutMs?: number;
  /** Bound on the transport's own requests (the re-initialisation handshake). */
  requestTimeoutMs?: number;
  /** The most a POST answer may hold (a JSON body, or one SSE event); default 16 MB. */
  maxAnswerBytes?: number;
  /** Further values to keep out of what the transport reports (the host knows its secrets best). */
  secrets?: () => Iterable<string>;
  /** Whether wire-level `wire` events are wanted (default: yes); building them costs a little per request. */
  traceEnabled?: () => boolean;
  fetch?: FetchLike;
  random?: () => number;
}

type Session =
  | { kind: 'streamable'; transport: StreamableHTTPClientTransport; fetch: SessionFetch }
  | { kind: 'legacy'; transport: SSEClientTransport };

/** Statuses of the initialize POST after which `auto` tries the 2024-11-05 HTTP+SSE transport. */
const LEGACY_FALLBACK_STATUSES = new Set([400, 404, 405]);
const DELETE_TIMEOUT_MS = 3000;

/**
 * A Streamable HTTP client transport that keeps connections the stock SDK transport would report
 * as broken: a first GET answered 400/404/405/406 means "POST-only server", an expired session is
 * re-initialised transparently, and a failing GET stream is retried in the background. Built on the
 * SDK's transports through their public `fetch` option; the host sees one ordinary `Transport`.
 */
export class TolerantTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  private readonly events = new Emitter<TransportEvent>();
  readonly onEvent = this.events.event;

  private _mode: StreamMode = 'pending';
  private _lastGetFallback: GetFallbackEvent | undefined;
  private _reinitialisations = 0;

  private session: Session | undefined;
  private reinit: Promise<Session> | undefined;
  /** The session whose initialize is in flight in 'auto' mode; its errors reach the caller as a rejection. */
  private deciding: Session | undefined;
  private initializeRequest: JSONRPCRequest | undefined;
  private protocolVersion: string | undefined;
  private getRetryTimer: NodeJS.Timeout | undefined;
  private getRetryAttempt = 0;
  private closed = false;
  private internalIds = 0;
  private readonly internalRequests = new Map<string, { resolve(result: Record<string, unknown>): void; reject(error: Error): void }>();
  /** Requests sent for the host and not answered yet: the ones a broken answer stream must fail. */
  private readonly unanswered = new Set<string | number>();

  private readonly kind: TransportKind;
  private readonly displayUrl: string;
  private readonly tolerated: ReadonlySet<number>;
  private readonly getRetry: RetryPolicy;
  private readonly baseFetch: FetchLike;
  private readonly random: () => number;
  private lastResolvedHeaders: Record<string, string> = {};
  /** The URL requests go to: fetch refuses a URL with user:password, so those travel as Basic auth. */
  private readonly requestUrl: URL;
  private readonly urlCredentials: { authorization: string; password: string } | undefined;

  constructor(private readonly options: TolerantTransportOptions) {
    this.kind = options.transport ?? 'auto';
    this.displayUrl = displayUrl(options.url);
    this.requestUrl = new URL(options.url.href);
    if (this.requestUrl.username || this.requestUrl.password) {
      const password = decodeUrlPart(this.requestUrl.password);
      const userPass = `${decodeUrlPart(this.requestUrl.username)}:${password}`;
      this.urlCredentials = { authorization: `Basic ${Buffer.from(userPass).toString('base64')}`, password };
      this.requestUrl.username = '';
      this.requestUrl.password = '';
    }
    this.tolerated = new Set(options.toleratedGetStatuses ?? DEFAULT_TOLERATED_GET_STATUSES);
    this.getRetry = options.getRetry ?? DEFAULT_GET_RETRY;
    this.baseFetch = options.fetch ?? fetch;
    this.random = options.random ?? Math.random;
  }

  get mode(): StreamMode {
    return this._mode;
  }

  get lastGetFallback(): GetFallbackEvent | undefined {
    return this._lastGetFallback;
  }

  get reinitialisations(): number {
    return this._reinitialisations;
  }

  get negotiatedProtocolVersion(): string | undefined {
    return this.protocolVersion;
  }

  get sessionId(): string | undefined {
    return this.session?.kind === 'streamable' ? this.session.transport.sessionId : undefined;
  }

  async start(): Promise<void> {
    this.session = this.kind === 'sse' ? await this.startLegacySession() : await this.startStreamableSession();
    if (this.session.kind === 'legacy') this._mode = 'legacy-sse';
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isRequest(message, 'initialize')) this.initializeRequest = message;
    if ('method' in message && 'id' in message && isId(message.id)) this.unanswered.add(message.id);
    if ('method' in message && message.method === 'notifications/cancelled') this.unanswered.delete((message.params as { requestId?: string | number })?.requestId ?? '');
    const session = await this.currentSession();
    // In 'auto' a refused initialize may only mean "legacy server": the SDK reports the refusal to
    // onerror before it throws, so it is held back here and decided below (fall back, or reject).
    const mayFallBack = this.kind === 'auto' && session.kind === 'streamable' && isRequest(message, 'initialize');
    if (mayFallBack) this.deciding = session;
    try {
      await sendOn(session, message, options);
    } catch (error) {
      if (error instanceof SessionExpiredError) {
        const fresh = await this.reinitialise(session, error.trigger);
        return sendOn(fresh, message, options); // retried once; a second expiry reaches the caller
      }
      if (isAbort(error) && !this.closed && (this.reinit !== undefined || session !== this.session)) {
        // Another request found the session expired, and closing it aborted this one on the wire:
        // the server had forgotten the session anyway, so send it again on the new one.
        return sendOn(await this.currentSession(), message, options);
      }
      const status = httpStatusOf(error);
      if (this.kind === 'auto' && session.kind === 'streamable' && isRequest(message, 'initialize') && status !== undefined && LEGACY_FALLBACK_STATUSES.has(status)) {
        return this.fallBackToLegacy(session, message, status);
      }
      if ('id' in message && isId(message.id)) this.unanswered.delete(message.id); // the caller gets the error itself
      throw error;
    } finally {
      if (mayFallBack) this.deciding = undefined;
    }
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
    this.session?.transport.setProtocolVersion(version);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearGetRetry();
    for (const pending of this.internalRequests.values()) pending.reject(new Error('The connection was closed'));
    this.internalRequests.clear();
    const session = await this.reinit?.catch(() => undefined) ?? this.session;
    if (session) await this.closeSession(session, { endSession: true });
    this.onclose?.();
  }

  // ---- sessions -------------------------------------------------------------------------------

  private async currentSession(): Promise<Session> {
    if (this.reinit) return this.reinit;
    if (!this.session) throw new Error('The transport is not started');
    return this.session;
  }

  private async startStreamableSession(): Promise<Session> {
    const fetcher: SessionFetch = new SessionFetch({
      server: this.options.server,
      displayUrl: this.displayUrl,
      baseFetch: this.baseFetch,
      resolveHeaders: () => this.resolveHeaders(),
      secrets: () => [...(this.options.secrets?.() ?? []), ...Object.values(this.lastResolvedHeaders), ...(this.urlCredentials ? [this.urlCredentials.password] : [])],
      toleratedGetStatuses: this.tolerated,
      getHeadersTimeoutMs: this.options.getHeadersTimeoutMs ?? DEFAULT_GET_HEADERS_TIMEOUT_MS,
      maxAnswerBytes: this.options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
      traceEnabled: this.options.traceEnabled ?? (() => true),
      onAnswerBroken: (ids, error) => this.answerBroken(ids, error),
      emit: (event) => this.emit(event),
      onGetFailure: (reason, lastEventId) => this.retryGetLater(session, reason, lastEventId),
      onStreamSessionExpired: (trigger) => void this.reinitialise(session, trigger).catch(() => undefined),
      onInitializedNotAccepted: () => setImmediate(() => this.openStandaloneStream(session)),
    });
    const transport = new StreamableHTTPClientTransport(this.requestUrl, { fetch: fetcher.fetch });
    const session: Session = { kind: 'streamable', transport, fetch: fetcher };
    this.wire(session);
    await transport.start();
    return session;
  }

  private async startLegacySession(): Promise<Session> {
    const fetchWithHeaders: FetchLike = async (url, init = {}) =>
      this.baseFetch(url, { ...init, headers: withConfiguredHeaders(init.headers, await this.resolveHeaders()) });
    const transport = new SSEClientTransport(this.requestUrl, { fetch: fetchWithHeaders });
    const session: Session = { kind: 'legacy', transport };
    await transport.start(); // opens the SSE stream and waits for its `endpoint` event
    this.wire(session);
    if (this.protocolVersion) transport.setProtocolVersion(this.protocolVersion);
    return session;
  }

  private wire(session: Session): void {
    const { transport } = session;
    transport.onmessage = (message: JSONRPCMessage) => this.route(session, message);
    transport.onerror = (error) => {
      if (this.closed || session !== this.session || session === this.deciding || error instanceof SessionExpiredError || isAbort(error)) return;
      if (session.kind === 'legacy') {
        // The legacy stream carries the session; once it breaks the session is gone.
        this.emit({ kind: 'session-lost', server: this.options.server, reason: legacyStreamBroke(error), time: new Date() });
        return;
      }
      this.onerror?.(error);
    };
    transport.onclose = undefined;
  }

  private route(session: Session, message: JSONRPCMessage): void {
    if ('id' in message && typeof message.id === 'string' && this.internalRequests.has(message.id) && !('method' in message)) {
      const pending = this.internalRequests.get(message.id)!;
      this.internalRequests.delete(message.id);
      if ('error' in message) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result as Record<string, unknown>);
      return;
    }
    if ('id' in message && !('method' in message) && isId(message.id)) this.unanswered.delete(message.id);
    if (session === this.session) this.onmessage?.(message);
  }

  /** The answers to these requests will not come: the client gets an error for each at once. */
  private answerBroken(ids: (string | number)[], error: Error | undefined): void {
    if (this.closed) return; // closing aborted the stream; the client fails its own requests
    // Called after every SSE answer without event ids; almost always every request was answered.
    if (!ids.some((id) => this.unanswered.has(id) || this.internalRequests.has(String(id)))) return;
    const data: BrokenAnswerData =
      error instanceof AnswerTooLargeError
        ? { brokenAnswer: 'too-large', limitBytes: error.limitBytes }
        : error
          ? { brokenAnswer: 'cut', reason: describeFetchError(error) }
          : { brokenAnswer: 'unanswered', reason: 'the server ended its answer without answering' };
    const reason = error ?? new Error(data.brokenAnswer === 'unanswered' ? data.reason : 'the answer broke off');
    for (const id of ids) {
      if (this.internalRequests.has(String(id))) {
        this.internalRequests.get(String(id))!.reject(reason);
        continue;
      }
      if (!this.unanswered.delete(id)) continue;
      this.onmessage?.({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message: reason.message, data } });
    }
  }

  private async closeSession(session: Session, { endSession }: { endSession: boolean }): Promise<void> {
    session.transport.onmessage = undefined;
    session.transport.onerror = undefined;
    if (endSession && session.kind === 'streamable' && session.transport.sessionId) {
      // DELETE ends the session on the server; a server that does not allow it answers 405, which is fine.
      await withTimeout(session.transport.terminateSession(), DELETE_TIMEOUT_MS).catch(() => undefined);
    }
    await session.transport.close().catch(() => undefined);
  }

  // ---- session expiry ---------------------------------------------------------------------------

  private reinitialise(failed: Session, trigger: string): Promise<Session> {
    if (this.reinit) return this.reinit;
    if (this.session !== failed) return this.currentSession(); // another request already re-initialised
    this.reinit = this.startReplacementSession(failed, trigger).finally(() => {
      this.reinit = undefined;
    });
    return this.reinit;
  }

  private async startReplacementSession(failed: Session, trigger: string): Promise<Session> {
    this.clearGetRetry();
    this.getRetryAttempt = 0; // the new session's GET stream gets its own retries
    void this.closeSession(failed, { endSession: false });
    let session: Session | undefined;
    try {
      if (this.closed) throw new Error('the connection was closed');
      if (!this.initializeRequest) throw new Error('the connection was never initialised');
      session = await this.startStreamableSession();
      const result = await this.internalRequest(session, 'initialize', this.initializeRequest.params);
      const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : this.protocolVersion;
      if (version) session.transport.setProtocolVersion(version);
      this.session = session;
      await session.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    } catch (error) {
      if (session) void this.closeSession(session, { endSession: false });
      const reason = describeFetchError(error);
      this.emit({ kind: 'session-lost', server: this.options.server, reason, time: new Date() });
      throw new Error(`The server ended the session and a new one could not be started: ${reason}`);
    }
    this._reinitialisations++;
    this.emit({ kind: 'session-reinitialised', server: this.options.server, trigger, time: new Date() });
    return session;
  }

  private internalRequest(session: Session, method: string, params: unknown): Promise<Record<string, unknown>> {
    const id = `mcp-connections:${method}:${++this.internalIds}`;
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new Error(`no answer to ${method} within ${Math.round(timeoutMs / 1000)} s`))), timeoutMs);
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        this.internalRequests.delete(id);
        finish();
      };
      this.internalRequests.set(id, {
        resolve: (result) => settle(() => resolve(result)),
        reject: (error) => settle(() => reject(error)),
      });
      session.transport
        .send({ jsonrpc: '2.0', id, method, params: params as Record<string, unknown> })
        .catch((error: Error) => settle(() => reject(error)));
    });
  }

  // ---- legacy HTTP+SSE ----------------------------------------------------------------------------

  private async fallBackToLegacy(failed: Session, initialize: JSONRPCRequest, status: number): Promise<void> {
    void this.closeSession(failed, { endSession: false });
    let legacy: Session;
    try {
      legacy = await this.startLegacySession();
    } catch (error) {
      throw new InitializeRejectedError(status, describeFetchError(error));
    }
    this.session = legacy;
    this.emit({ kind: 'legacy-sse-fallback', server: this.options.server, status, time: new Date() });
    await legacy.transport.send(initialize);
  }

  // ---- GET stream retries -----------------------------------------------------------------------

  private retryGetLater(session: Session, reason: string, lastEventId: string | undefined): void {
    if (this.closed || session !== this.session || session.kind !== 'streamable') return;
    const attempt = ++this.getRetryAttempt;
    const { maxAttempts } = this.getRetry;
    if (attempt > maxAttempts) {
      this.emit({ kind: 'stream-given-up', server: this.options.server, reason, attempts: maxAttempts, time: new Date() });
      return;
    }
    const delay = backoffDelay(attempt, this.getRetry, this.random);
    this.emit({ kind: 'stream-problem', server: this.options.server, reason, resume: lastEventId !== undefined, attempt, maxAttempts, retryInMs: delay, time: new Date() });
    this.clearGetRetry();
    this.getRetryTimer = setTimeout(() => {
      this.getRetryTimer = undefined;
      if (lastEventId === undefined) this.openStandaloneStream(session);
      else if (!this.closed && session === this.session) session.transport.resumeStream(lastEventId).catch(() => undefined);
    }, delay);
  }

  /** Opens the standalone GET stream, unless one is open: stateful servers refuse a second with 409. */
  private openStandaloneStream(session: Session): void {
    if (this.closed || session !== this.session || session.kind !== 'streamable' || session.fetch.hasOpenStream) return;
    // An empty resumption token makes the SDK open a fresh GET.
    session.transport.resumeStream('').catch(() => undefined);
  }

  private clearGetRetry(): void {
    if (this.getRetryTimer) clearTimeout(this.getRetryTimer);
    this.getRetryTimer = undefined;
  }

  // ---- events -----------------------------------------------------------------------------------

  private emit(event: TransportEvent): void {
    switch (event.kind) {
      case 'get-fallback':
        this._lastGetFallback = event;
        this._mode = 'post-only';
        break;
      case 'stream-open':
        this.getRetryAttempt = 0;
        // A resumed request stream on a POST-only server does not make the server a streaming one.
        if (!event.resumed || this._mode !== 'post-only') this._mode = 'streaming';
        break;
      case 'stream-problem':
        // An open stream that hiccups stays "streaming" while it is retried.
        if (this._mode !== 'streaming') this._mode = 'post-only';
        break;
      case 'stream-given-up':
        this._mode = 'post-only';
        break;
      case 'legacy-sse-fallback':
        this._mode = 'legacy-sse';
        break;
    }
    this.events.fire(event);
  }

  private async resolveHeaders(): Promise<Record<string, string>> {
    const configured = (await this.options.headers?.()) ?? {};
    const configuresAuthorization = Object.keys(configured).some((name) => name.toLowerCase() === 'authorization');
    this.lastResolvedHeaders =
      this.urlCredentials && !configuresAuthorization ? { Authorization: this.urlCredentials.authorization, ...configured } : configured;
    return this.lastResolvedHeaders;
  }
}

/** The initialize POST was refused and the legacy transport did not work either. */
export class InitializeRejectedError extends Error {
  constructor(
    readonly status: number,
    legacyReason: string,
  ) {
    super(`The server answered initialize with HTTP ${status}, and the legacy SSE transport failed too (${legacyReason})`);
    this.name = 'InitializeRejectedError';
  }
}

function sendOn(session: Session, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
  return session.kind === 'streamable' ? session.transport.send(message, options) : session.transport.send(message);
}

function isId(id: unknown): id is string | number {
  return typeof id === 'string' || typeof id === 'number';
}

function isRequest(message: JSONRPCMessage, method: string): message is JSONRPCRequest {
  return 'method' in message && message.method === method && 'id' in message;
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code > 0) return error.code;
  return undefined;
}

/** "p%40ss" → "p@ss"; a stray "%" that is no escape stays as written. */
function decodeUrlPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function legacyStreamBroke(error: unknown): string {
  const detail = describeFetchError(error).replace(/^SSE error:\s*(undefined)?\s*/, '');
  return detail ? `the SSE stream broke: ${detail}` : 'the server closed the SSE stream';
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || /aborted/i.test(error.message));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
