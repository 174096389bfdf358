import { guardAnswer, isEventStream, needsGuard } from './answerGuard';
import { EndpointRoutes } from './endpoint';
import { HeadersTimeoutError } from './failures';
import { discardBody, fetchWithinOrigin, linkSignal, mediaType, meansUnknownSession, noStreamResponse, readBodyStart, statusLine } from './http';
import { AnswerResumes, MAX_RESUMES_WITHOUT_PROGRESS } from './answerResumes';
import { classifyFetchError } from './failures';
import { SignInRequiredError } from '../auth/errors';
import { EndpointAuth, isAuthFailure, requestKeyOf, sendAuthorized } from './endpointAuth';
import { AnswerTooLargeError, AuthenticationError, BrokenAnswerData, FetchLike, parseRetryAfter, ServerBusyError, SessionExpiredError, TransportEvent } from './types';

/** What the session fetch tells its transport; the transport reacts in one place. */
export type FetchSignal =
  /** `notifications/initialized` was accepted: the session may open its GET stream. */
  | { kind: 'initialized' }
  /** These requests' answer stream ended without their answers, and the SDK will not resume it. */
  | { kind: 'answer-broken'; requestIds: (string | number)[]; why: BrokenAnswerData }
  /** A resumed answer stream learned that the server no longer knows the session. */
  | { kind: 'session-expired'; trigger: string }
  /** The GET stream was refused and the sign-in cannot fix it without the user: the server needs a sign-in. */
  | { kind: 'sign-in-required'; error: Error };

export interface SessionFetchOptions {
  server: string;
  routes: EndpointRoutes;
  baseFetch: FetchLike;
  /** Headers for the MCP endpoint (configured ones, resolved per request so secrets are read only when needed). */
  headers: () => Promise<Record<string, string>>;
  /** How long a GET may take to answer with its headers. */
  getHeadersTimeoutMs: number;
  /** The most a POST answer may hold (JSON body, or one SSE event). */
  maxAnswerBytes: number;
  /** Whether answers are read through the size and end guard (a benchmark switches it off to measure it). */
  guardAnswers: boolean;
  /** Whether anyone shows wire detail; when not, no trace line is built. */
  traceEnabled: () => boolean;
  emit: (event: TransportEvent) => void;
  signal: (signal: FetchSignal) => void;
  /** The server's OAuth sign-in, when it applies: its token goes with every request to the endpoint (and nowhere else). */
  auth?: EndpointAuth;
  /** Told every Authorization value the sign-in supplies, so it is redacted wherever it could show. */
  remember: (authorization: string) => void;
}

/** Headers the transport itself owns; configuration cannot override them. */
const PROTOCOL_HEADERS = new Set(['mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'content-type', 'accept']);

export function withConfiguredHeaders(requestHeaders: HeadersInit | undefined, configured: Record<string, string>): Headers {
  const headers = new Headers(requestHeaders);
  for (const [name, value] of Object.entries(configured)) {
    if (!PROTOCOL_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  return headers;
}

/**
 * The `fetch` given to one SDK `StreamableHTTPClientTransport` (one MCP session). Requests for the
 * MCP endpoint get the configured headers and the transport's rules: the answer guard, session
 * expiry, and the GET stream, which is the session's `GetStream` and never the SDK's (its GET is
 * answered "no stream" at once). Every other URL passes to the base fetch untouched.
 */
export class SessionFetch {
  private readonly resumes = new AnswerResumes();

  constructor(private readonly options: SessionFetchOptions) {}

  readonly fetch: FetchLike = async (url, init = {}) => {
    if (!this.options.routes.includes(url)) return this.options.baseFetch(url, init);
    const method = (init.method ?? 'GET').toUpperCase();
    if (method === 'GET') {
      const lastEventId = new Headers(init.headers).get('last-event-id');
      // The SDK's own standalone stream: the session's GetStream has it.
      if (lastEventId === null) return noStreamResponse();
      return this.resumeAnswer(new URL(String(url)), init);
    }
    return this.send(method, new URL(String(url)), init);
  };

  /** One GET of the endpoint for the session's GetStream (with the session's own headers); the wait for its headers is bounded. */
  async getStream(lastEventId: string | undefined, session: { id?: string; protocolVersion?: string }, signal: AbortSignal): Promise<Response> {
    const headers = new Headers({ accept: 'text/event-stream' });
    if (session.id) headers.set('mcp-session-id', session.id);
    if (session.protocolVersion) headers.set('mcp-protocol-version', session.protocolVersion);
    if (lastEventId !== undefined) headers.set('last-event-id', lastEventId);
    this.trace(() => `→ GET${lastEventId !== undefined ? ` (resume after event ${lastEventId})` : ''}`);
    const ms = this.options.getHeadersTimeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new HeadersTimeoutError(ms)), ms);
    try {
      const response = await this.request(this.options.routes.endpointUrl, { method: 'GET', headers, signal: AbortSignal.any([signal, timeout.signal]) });
      this.trace(() => `← ${statusLine(response.status, response.statusText)} ${mediaType(response.headers.get('content-type'))}`);
      return response;
    } catch (error) {
      if (isAuthFailure(error)) {
        // Never a sign-in from the GET stream: it only says that one is needed. What a sign-in would not fix (a renewal
        // that could not reach the authorization server, a refusal without a challenge, a step-up) is a stream problem.
        if (error instanceof SignInRequiredError && error.reason !== 'insufficient-scope') this.options.signal({ kind: 'sign-in-required', error });
        return new Response(null, { status: 401, statusText: 'Unauthorized' });
      }
      throw timeout.signal.aborted ? timeout.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A request to the endpoint: configured headers (unless given), the sign-in's token, same-origin redirects followed. */
  private async request(url: URL, init: RequestInit, headers?: Headers, requestKey?: string): Promise<Response> {
    const sent = headers ?? withConfiguredHeaders(init.headers, await this.options.headers());
    const { auth, server, remember } = this.options;
    return sendAuthorized({ auth, server, requestKey, remember }, sent, (authorized) =>
      fetchWithinOrigin(this.options.baseFetch, url, { ...init, headers: authorized }, (target) => this.options.routes.add(target)),
    );
  }

  private async send(method: string, url: URL, init: RequestInit): Promise<Response> {
    const started = Date.now();
    const body = readBody(init.body); // parsed once, for the trace, the initialized check and the guard
    this.trace(() => `→ ${method} ${body.description}`.trimEnd());
    const link = linkSignal(init.signal);
    const headers = withConfiguredHeaders(init.headers, await this.options.headers());
    let response: Response;
    try {
      response = await this.request(url, { ...init, signal: link.signal }, headers, body.requestKey);
    } catch (error) {
      link.release();
      throw error;
    }
    this.trace(() => `← ${statusLine(response.status, response.statusText)} ${mediaType(response.headers.get('content-type')) || '(no body)'} (${Date.now() - started} ms)`);
    if (response.ok && body.description === 'notifications/initialized') this.options.signal({ kind: 'initialized' });
    const refusal = await refusalOf(response, headers.has('authorization'));
    if (refusal) {
      link.release();
      throw refusal;
    }
    const hadSession = new Headers(init.headers).has('mcp-session-id');
    if (method === 'POST' && hadSession && (await meansUnknownSession(response))) {
      link.release();
      await discardBody(response);
      throw new SessionExpiredError(response.status, `POST answered ${statusLine(response.status, response.statusText)}`);
    }
    if (method === 'POST' && response.ok && response.status !== 202 && response.body && this.options.guardAnswers && needsGuard(response, this.options.maxAnswerBytes)) {
      return this.guarded(response, body.requestIds, link.release);
    }
    // A body the guard does not read is read at once by the SDK, or is bounded by its declared length.
    link.release();
    return response;
  }

  /**
   * A POST answer, read with a size limit. A JSON answer over the limit rejects the request with
   * the reason. An SSE answer that ends — over the limit, cut, or closed — without answering its
   * requests, and that the SDK will not resume (no event id came), is reported, so those requests
   * fail at once instead of waiting for their timeout.
   */
  private guarded(response: Response, ids: (string | number)[], release: () => void): Response {
    const sse = isEventStream(response);
    const body = guardAnswer(response.body!, {
      maxBytes: this.options.maxAnswerBytes,
      sse,
      onEnd: (error, lastEventId) => {
        release();
        if (!sse || error?.name === 'AbortError') return 'error';
        if (ids.length && (error instanceof AnswerTooLargeError || lastEventId === undefined)) {
          this.broken(ids, brokenBy(error));
          return 'close';
        }
        // A resumable stream: the SDK resumes it with Last-Event-ID (if the answer has not come).
        if (lastEventId !== undefined && ids.length) this.resumes.broke(lastEventId, ids);
        return 'error';
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** The SDK resuming a POST's answer stream after an event id (GET with Last-Event-ID): paced, bounded. */
  private async resumeAnswer(url: URL, init: RequestInit): Promise<Response> {
    const callerSignal = init.signal ?? undefined;
    const from = new Headers(init.headers).get('last-event-id') ?? '';
    const chain = this.resumes.chainOf(from);
    if (chain && !(await this.resumes.admit(chain, callerSignal))) {
      this.resumes.forget(from);
      this.broken(chain.requestIds, { brokenAnswer: 'stalled', resumes: MAX_RESUMES_WITHOUT_PROGRESS });
      return noStreamResponse();
    }
    this.trace(() => `→ GET (resume an answer after event ${from})`);
    const link = linkSignal(callerSignal);
    let response: Response;
    try {
      response = await this.request(url, { ...init, signal: link.signal });
    } catch (error) {
      link.release();
      throw error;
    }
    this.trace(() => `← ${statusLine(response.status, response.statusText)} ${mediaType(response.headers.get('content-type'))}`);
    if (response.ok && isEventStream(response) && response.body) {
      this.options.emit({ kind: 'answer-resumed', server: this.options.server, time: new Date() });
      // A resumed stream that breaks again is resumed again by the SDK; it must not reach the host as an error.
      const body = guardAnswer(response.body, {
        maxBytes: this.options.maxAnswerBytes,
        sse: true,
        onEnd: (error, lastEventId) => {
          link.release();
          if (error instanceof AnswerTooLargeError && chain) this.broken(chain.requestIds, brokenBy(error));
          else if (chain) this.resumes.ended(from, chain, lastEventId);
          return 'close';
        },
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    link.release();
    if (await meansUnknownSession(response)) {
      await discardBody(response);
      if (!callerSignal?.aborted) this.options.signal({ kind: 'session-expired', trigger: `GET resume answered ${statusLine(response.status, response.statusText)}` });
      return noStreamResponse();
    }
    return response;
  }

  /** These requests will get no answer: the transport fails them at once. */
  private broken(requestIds: (string | number)[], why: BrokenAnswerData): void {
    // The SDK parses what already arrived in microtasks: after them, an answer that came is routed.
    setImmediate(() => this.options.signal({ kind: 'answer-broken', requestIds, why }));
  }

  private trace(text: () => string): void {
    if (this.options.traceEnabled()) this.options.emit({ kind: 'wire', server: this.options.server, text: text(), time: new Date() });
  }
}

/**
 * What a POST carries, from one parse: "initialize", "tools/call (id 3)", "response (id 2)" — never
 * the parameters, which may hold secrets — and the ids of its requests.
 */
function readBody(body: unknown): { description: string; requestIds: (string | number)[]; requestKey?: string } {
  if (typeof body !== 'string' || body.length > 65_536) return { description: '', requestIds: [] };
  let messages: { method?: unknown; id?: unknown; params?: unknown }[];
  try {
    messages = ([] as { method?: unknown; id?: unknown }[]).concat(JSON.parse(body));
  } catch {
    return { description: '', requestIds: [] };
  }
  return {
    requestKey: requestKeyOf(messages),
    description: messages.map((m) => (typeof m.method === 'string' ? `${m.method}${m.id !== undefined ? ` (id ${m.id})` : ''}` : `response (id ${m.id})`)).join(', '),
    requestIds: messages.filter((m) => typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')).map((m) => m.id as string | number),
  };
}

function brokenBy(error: Error | undefined): BrokenAnswerData {
  if (error instanceof AnswerTooLargeError) return { brokenAnswer: 'too-large', limitBytes: error.limitBytes };
  return error ? { brokenAnswer: 'cut', failure: classifyFetchError(error) } : { brokenAnswer: 'unanswered' };
}

/**
 * An answer that says who may ask, or when: 401/403 (with the server's challenge), and 429/503 with
 * Retry-After. These become errors of their own, so the connection can phrase them and wait.
 */
async function refusalOf(response: Response, sentAuthorization: boolean): Promise<Error | undefined> {
  const { status } = response;
  if (status === 401 || status === 403) {
    const scheme = /^\s*([A-Za-z][\w-]*)/.exec(response.headers.get('www-authenticate') ?? '')?.[1]?.toLowerCase();
    return new AuthenticationError(status, scheme, sentAuthorization, await readBodyStart(response, 1024));
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfterMs !== undefined) return new ServerBusyError(status, retryAfterMs, await readBodyStart(response, 1024));
  }
  return undefined;
}
