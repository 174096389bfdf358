import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RetryPolicy } from '../common/backoff';
import { Emitter } from '../common/events';
import { Redactor } from '../common/redactor';
import {
  DEFAULT_GET_FALLBACK_STATUSES,
  DEFAULT_GET_HEADERS_TIMEOUT_MS,
  DEFAULT_GET_RETRY,
  DEFAULT_MAX_ANSWER_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DELETE_TIMEOUT_MS,
  LEGACY_FALLBACK_STATUSES,
  TransportKind,
} from './defaults';
import { Endpoint, EndpointRoutes } from './endpoint';
import { classifyFetchError, formatDuration } from './failures';
import { GetStream } from './getStream';
import { EndpointAuth, isAuthFailure } from './endpointAuth';
import { legacyFetch } from './legacyFetch';
import { FetchSignal, SessionFetch } from './sessionFetch';
import {
  BrokenAnswerData,
  FetchLike,
  GetFallbackEvent,
  InitializeRejectedError,
  SessionExpiredError,
  SessionLossCause,
  StreamMode,
  TransportEvent,
} from './types';

export interface TolerantTransportOptions {
  /** Shown in every event and log line. */
  server: string;
  endpoint: Endpoint;
  transport?: TransportKind;
  /** Configured headers; called for every request, so secrets are resolved only when one is made. */
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  getFallbackStatuses?: readonly number[];
  getRetry?: RetryPolicy;
  getHeadersTimeoutMs?: number;
  /** Bound on the transport's own requests (the re-initialisation handshake). */
  requestTimeoutMs?: number;
  /** The most an answer may hold (a JSON body, or one SSE event); default 16 MB. */
  maxAnswerBytes?: number;
  /** Whether POST answers are read through the size and end guard (default yes; a benchmark measures it off). */
  guardAnswers?: boolean;
  /** Whether wire-level `wire` events are wanted (default: yes); building them costs a little per request. */
  traceEnabled?: () => boolean;
  /** Keeps secrets out of what the transport reports; fed with every resolved header value (default: one of its own). */
  redactor?: Redactor;
  fetch?: FetchLike;
  random?: () => number;
  /** The server's OAuth sign-in, when it applies: its token goes with every request to the endpoint, and only there. */
  auth?: EndpointAuth;
}

type Session =
  | { kind: 'streamable'; transport: StreamableHTTPClientTransport; stream: GetStream }
  | { kind: 'legacy'; transport: SSEClientTransport };

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

  private _reinitialisations = 0;
  private session: Session | undefined;
  private reinit: Promise<Session> | undefined;
  /** The session whose initialize is in flight in 'auto' mode; its errors reach the caller as a rejection. */
  private deciding: Session | undefined;
  private initializeRequest: JSONRPCRequest | undefined;
  private protocolVersion: string | undefined;
  private closed = false;
  private internalIds = 0;
  private readonly internalRequests = new Map<string, { resolve(result: Record<string, unknown>): void; reject(error: Error): void }>();
  /** Requests sent for the host and not answered yet: the ones a broken answer stream must fail. */
  private readonly unanswered = new Set<string | number>();

  private readonly kind: TransportKind;
  private readonly fallbackStatuses: ReadonlySet<number>;
  private readonly baseFetch: FetchLike;
  private readonly redactor: Redactor;

  constructor(private readonly options: TolerantTransportOptions) {
    this.kind = options.transport ?? 'auto';
    this.fallbackStatuses = new Set(options.getFallbackStatuses ?? DEFAULT_GET_FALLBACK_STATUSES);
    this.baseFetch = options.fetch ?? fetch;
    this.redactor = options.redactor ?? new Redactor();
    for (const secret of options.endpoint.secretValues) this.redactor.add(secret);
  }

  get mode(): StreamMode {
    const session = this.session;
    if (!session) return 'pending';
    return session.kind === 'legacy' ? 'legacy-sse' : session.stream.mode;
  }

  get lastGetFallback(): GetFallbackEvent | undefined {
    return this.session?.kind === 'streamable' ? this.session.stream.lastGetFallback : undefined;
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

  /**
   * Resolves once the first GET has answered (or after `maxWaitMs`), so a one-shot caller such as
   * the CLI can report the mode. A connection itself never waits on the GET.
   */
  async whenModeKnown(maxWaitMs: number): Promise<void> {
    if (this.mode !== 'pending') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      const subscription = this.onEvent(() => this.mode !== 'pending' && done());
    });
  }

  async start(): Promise<void> {
    this.session = this.kind === 'sse' ? await this.startLegacySession() : await this.startStreamableSession();
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
      if (mayFallBack && status !== undefined && LEGACY_FALLBACK_STATUSES.includes(status)) {
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
    for (const pending of this.internalRequests.values()) pending.reject(new Error('The connection was closed'));
    this.internalRequests.clear();
    const session = (await this.reinit?.catch(() => undefined)) ?? this.session;
    if (session) await this.closeSession(session, { endSession: true });
    this.onclose?.();
  }

  // ---- sessions -------------------------------------------------------------------------------

  private async currentSession(): Promise<Session> {
    if (this.reinit) return this.reinit;
    if (!this.session) throw new Error('The transport is not started');
    return this.session;
  }

  private headers = async (): Promise<Record<string, string>> => {
    const configured = (await this.options.headers?.()) ?? {};
    this.redactor.remember(configured);
    const credentials = this.options.endpoint.credentialsHeader;
    const configuresAuthorization = Object.keys(configured).some((name) => name.toLowerCase() === 'authorization');
    return credentials && !configuresAuthorization ? { Authorization: credentials, ...configured } : configured;
  };

  private rememberAuthorization = (authorization: string): void => this.redactor.remember({ authorization });

  private async startStreamableSession(): Promise<Session> {
    const routes = new EndpointRoutes(this.options.endpoint);
    const fetcher: SessionFetch = new SessionFetch({
      server: this.options.server,
      routes,
      baseFetch: this.baseFetch,
      headers: this.headers,
      getHeadersTimeoutMs: this.options.getHeadersTimeoutMs ?? DEFAULT_GET_HEADERS_TIMEOUT_MS,
      maxAnswerBytes: this.options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
      guardAnswers: this.options.guardAnswers ?? true,
      traceEnabled: this.options.traceEnabled ?? (() => true),
      emit: (event) => this.emit(event),
      signal: (signal) => this.onFetchSignal(session, signal),
      auth: this.options.auth,
      remember: this.rememberAuthorization,
    });
    const previous = this.session?.kind === 'streamable' ? this.session.stream : undefined;
    const stream: GetStream = new GetStream({
      server: this.options.server,
      displayUrl: this.options.endpoint.displayUrl,
      redact: (text) => this.redactor.redact(text),
      request: (lastEventId, signal) => fetcher.getStream(lastEventId, { id: transport.sessionId, protocolVersion: transport.protocolVersion }, signal),
      fallbackStatuses: this.fallbackStatuses,
      retry: this.options.getRetry ?? DEFAULT_GET_RETRY,
      random: this.options.random ?? Math.random,
      maxEventBytes: this.options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
      previous: previous && { mode: previous.mode, lastGetFallback: previous.lastGetFallback },
      emit: (event) => this.emit(event),
      deliver: (message) => this.route(session, message),
      malformed: (error) => session === this.session && this.onerror?.(error),
      sessionExpired: (trigger) => void this.reinitialise(session, trigger).catch(() => undefined),
    });
    const transport = new StreamableHTTPClientTransport(this.options.endpoint.requestUrl, { fetch: fetcher.fetch });
    const session: Session = { kind: 'streamable', transport, stream };
    this.wire(session);
    await transport.start();
    return session;
  }

  private async startLegacySession(): Promise<Session> {
    const fetcher = legacyFetch(new EndpointRoutes(this.options.endpoint), this.baseFetch, this.headers, {
      auth: this.options.auth,
      server: this.options.server,
      remember: this.rememberAuthorization,
    });
    const transport = new SSEClientTransport(this.options.endpoint.requestUrl, { fetch: fetcher });
    const session: Session = { kind: 'legacy', transport };
    await transport.start(); // opens the SSE stream and waits for its `endpoint` event
    this.wire(session);
    if (this.protocolVersion) transport.setProtocolVersion(this.protocolVersion);
    return session;
  }

  private onFetchSignal(session: Session, signal: FetchSignal): void {
    switch (signal.kind) {
      case 'initialized':
        if (session.kind === 'streamable' && !this.closed) session.stream.start();
        return;
      case 'answer-broken':
        return this.answerBroken(signal.requestIds, signal.why);
      case 'session-expired':
        void this.reinitialise(session, signal.trigger).catch(() => undefined);
        return;
      case 'sign-in-required':
        if (session === this.session && !this.closed) this.emit({ kind: 'sign-in-required', server: this.options.server, cause: signal.error, time: new Date() });
        return;
    }
  }

  private wire(session: Session): void {
    const { transport } = session;
    transport.onmessage = (message: JSONRPCMessage) => this.route(session, message);
    transport.onerror = (error) => {
      // A sign-in's refusal reaches the request's caller; reported here too it would be said twice.
      if (this.closed || session !== this.session || session === this.deciding || error instanceof SessionExpiredError || isAbort(error) || isAuthFailure(error)) return;
      if (session.kind === 'legacy') {
        // The legacy stream carries the session; once it breaks the session is gone.
        this.emit({ kind: 'session-lost', server: this.options.server, cause: legacyStreamEnded(error), time: new Date() });
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
  private answerBroken(ids: (string | number)[], data: BrokenAnswerData): void {
    if (this.closed) return; // closing aborted the stream; the client fails its own requests
    // Called after every SSE answer without event ids; almost always every request was answered.
    if (!ids.some((id) => this.unanswered.has(id) || this.internalRequests.has(String(id)))) return;
    const reason = new Error(data.brokenAnswer === 'unanswered' ? 'the server ended its answer without answering' : 'the answer broke off');
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
    if (session.kind === 'streamable') {
      session.stream.close();
      // DELETE ends the session on the server; a server that does not allow it answers 405, which is fine.
      if (endSession && session.transport.sessionId) await withTimeout(session.transport.terminateSession(), DELETE_TIMEOUT_MS).catch(() => undefined);
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
      this.emit({ kind: 'session-lost', server: this.options.server, cause: { kind: 'reinitialise-failed', detail: error }, time: new Date() });
      throw new SessionLostError(error);
    }
    this._reinitialisations++;
    this.emit({ kind: 'session-reinitialised', server: this.options.server, trigger, time: new Date() });
    return session;
  }

  private internalRequest(session: Session, method: string, params: unknown): Promise<Record<string, unknown>> {
    const id = `mcp-connections:${method}:${++this.internalIds}`;
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new Error(`no answer to ${method} within ${formatDuration(timeoutMs)}`))), timeoutMs);
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
      throw new InitializeRejectedError(status, error);
    }
    this.session = legacy;
    this.emit({ kind: 'legacy-sse-fallback', server: this.options.server, status, time: new Date() });
    await legacy.transport.send(initialize);
  }

  private emit(event: TransportEvent): void {
    this.events.fire(event);
  }
}

/** The server ended the session and a new one could not be started; `cause` says why. */
export class SessionLostError extends Error {
  constructor(override readonly cause: unknown) {
    super('The server ended the session and a new one could not be started');
    this.name = 'SessionLostError';
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

/** What the SDK's legacy transport reported when its stream ended ("SSE error: …"). */
function legacyStreamEnded(error: unknown): SessionLossCause {
  const failure = classifyFetchError(error);
  if (failure.kind !== 'other') return { kind: 'legacy-stream-ended', failure };
  const detail = failure.message.replace(/^SSE error:\s*(undefined)?\s*/, '');
  return { kind: 'legacy-stream-ended', detail: detail || undefined };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
