import { excerpt, redactSecrets } from '../common/redact';
import {
  describeFetchError,
  endQuietlyOnError,
  guardAnswer,
  mediaType,
  noStreamResponse,
  readBodyStart,
  reasonPhrase,
  statusLine,
} from './http';
import { AnswerTooLargeError, SessionExpiredError, TransportEvent } from './types';

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface SessionFetchOptions {
  server: string;
  displayUrl: string;
  baseFetch: FetchLike;
  /** Configured headers, resolved anew for every request so secrets are read only when needed. */
  resolveHeaders: () => Promise<Record<string, string>>;
  /** Values to keep out of anything shown (configured header values). */
  secrets: () => Iterable<string>;
  toleratedGetStatuses: ReadonlySet<number>;
  getHeadersTimeoutMs: number;
  /** The most a POST answer may hold (JSON body, or one SSE event). */
  maxAnswerBytes: number;
  /** Whether anyone shows wire detail; when not, no trace line is built. */
  traceEnabled: () => boolean;
  /**
   * The answer stream to these requests ended (cut, over the size limit, or closed) and the SDK will
   * not resume it: those still unanswered will get no answer unless the transport says so.
   */
  onAnswerBroken: (requestIds: (string | number)[], error: Error | undefined) => void;
  emit: (event: TransportEvent) => void;
  /** A GET failed in a way worth retrying; `lastEventId` is set for a failed resume. */
  onGetFailure: (reason: string, lastEventId: string | undefined) => void;
  /**
   * The server answered `notifications/initialized` with 200 instead of 202; the SDK opens the GET
   * stream only after a 202, so the transport has to.
   */
  onInitializedNotAccepted: () => void;
  /** A GET reconnect learned that the session is gone. */
  onStreamSessionExpired: (trigger: string) => void;
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
 * The `fetch` given to one SDK `StreamableHTTPClientTransport` (one MCP session). This is where the
 * tolerance lives: the SDK sees every GET answer as either a working SSE stream or a plain 405, and
 * this class decides — and reports — what the real answer meant.
 */
export class SessionFetch {
  private streamHasWorked = false;
  private openStreams = 0;

  constructor(private readonly options: SessionFetchOptions) {}

  /** GET streams open right now: the standalone one, plus any resumed request streams. */
  get hasOpenStream(): boolean {
    return this.openStreams > 0;
  }

  readonly fetch: FetchLike = async (url, init = {}) => {
    const headers = withConfiguredHeaders(init.headers, await this.options.resolveHeaders());
    const request = { ...init, headers };
    const method = (init.method ?? 'GET').toUpperCase();
    return method === 'GET' ? this.get(url, request, headers) : this.send(method, url, request, headers);
  };

  private async send(method: string, url: string | URL, init: RequestInit, headers: Headers): Promise<Response> {
    const started = Date.now();
    const body = readBody(init.body); // parsed once, for the trace, the initialized check and the guard
    this.trace(() => `→ ${method} ${body.description}`.trimEnd());
    const response = await this.options.baseFetch(url, init);
    this.trace(() => `← ${statusLine(response.status, response.statusText)} ${mediaType(response.headers.get('content-type')) || '(no body)'} (${Date.now() - started} ms)`);
    if (response.ok && response.status !== 202 && body.description === 'notifications/initialized') {
      this.options.onInitializedNotAccepted();
    }
    if (method === 'POST' && headers.has('mcp-session-id') && (await this.meansUnknownSession(response))) {
      await response.body?.cancel().catch(() => undefined);
      throw new SessionExpiredError(response.status, `POST answered ${statusLine(response.status, response.statusText)}`);
    }
    if (method === 'POST' && response.ok && response.status !== 202 && response.body && this.needsGuard(response)) return this.guarded(response, body.requestIds);
    return response;
  }

  /**
   * A POST answer, read with a size limit. A JSON answer over the limit rejects the request with
   * the reason. An SSE answer that ends — over the limit, cut, or closed — without answering its
   * requests, and that the SDK will not resume (no event id came), is reported, so those requests
   * fail at once instead of waiting for their timeout.
   */
  private guarded(response: Response, ids: (string | number)[]): Response {
    const sse = mediaType(response.headers.get('content-type')) === 'text/event-stream';
    const body = guardAnswer(response.body!, {
      maxBytes: this.options.maxAnswerBytes,
      sse,
      onEnd: (error, sawEventId) => {
        if (!sse || error?.name === 'AbortError') return 'error';
        if (ids.length && (error instanceof AnswerTooLargeError || !sawEventId)) {
          // The SDK parses what already arrived in microtasks: after them, an answer that came is routed.
          setImmediate(() => this.options.onAnswerBroken(ids, error));
          return 'close';
        }
        return 'error'; // a resumable stream: the SDK resumes it with Last-Event-ID
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** A JSON answer whose declared length is within the limit cannot grow past it: no wrapping needed. */
  private needsGuard(response: Response): boolean {
    if (mediaType(response.headers.get('content-type')) === 'text/event-stream') return true;
    const length = Number(response.headers.get('content-length') ?? NaN);
    return !(Number.isFinite(length) && length <= this.options.maxAnswerBytes);
  }

  private async get(url: string | URL, init: RequestInit, headers: Headers): Promise<Response> {
    const lastEventId = headers.get('last-event-id') ?? undefined;
    const isReconnect = lastEventId !== undefined || this.streamHasWorked;
    const callerSignal = init.signal ?? undefined;
    this.trace(() => `→ GET${lastEventId ? ` (resume after event ${lastEventId})` : ''}`);

    let response: Response;
    try {
      response = await this.fetchWithHeadersTimeout(url, init, callerSignal);
    } catch (error) {
      if (callerSignal?.aborted) throw error; // the transport is closing
      return this.getFailed(describeFetchError(error), lastEventId);
    }
    this.trace(() => `← ${statusLine(response.status, response.statusText)} ${mediaType(response.headers.get('content-type'))}`);

    if (response.ok) {
      const type = mediaType(response.headers.get('content-type'));
      if (type !== 'text/event-stream' || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        return this.getFailed(`GET answered ${statusLine(response.status, response.statusText)} with content type "${type || 'none'}" instead of an event stream`, lastEventId);
      }
      return this.streamOpened(response, lastEventId !== undefined, callerSignal);
    }

    if (!isReconnect && this.options.toleratedGetStatuses.has(response.status)) {
      const body = await readBodyStart(response);
      this.options.emit({
        kind: 'get-fallback',
        server: this.options.server,
        url: this.options.displayUrl,
        status: response.status,
        statusText: reasonPhrase(response.status, response.statusText),
        bodyExcerpt: excerpt(redactSecrets(body, this.options.secrets())),
        time: new Date(),
      });
      return noStreamResponse();
    }

    if (isReconnect && (await this.meansUnknownSession(response))) {
      await response.body?.cancel().catch(() => undefined);
      this.options.onStreamSessionExpired(`GET ${lastEventId ? 'resume' : 'reconnect'} answered ${statusLine(response.status, response.statusText)}`);
      return noStreamResponse();
    }

    await response.body?.cancel().catch(() => undefined);
    return this.getFailed(`GET answered ${statusLine(response.status, response.statusText)}`, lastEventId);
  }

  private streamOpened(response: Response, resumed: boolean, callerSignal: AbortSignal | undefined): Response {
    this.streamHasWorked = true;
    this.openStreams++;
    this.options.emit({ kind: 'stream-open', server: this.options.server, resumed, time: new Date() });
    const body = endQuietlyOnError(response.body!, (error) => {
      this.openStreams--;
      if (error !== undefined && !callerSignal?.aborted) {
        this.options.emit({ kind: 'stream-interrupted', server: this.options.server, reason: describeFetchError(error), time: new Date() });
      }
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  private getFailed(reason: string, lastEventId: string | undefined): Response {
    this.options.onGetFailure(reason, lastEventId);
    return noStreamResponse();
  }

  /**
   * 404 is the spec's "session not found". Some widely used servers answer 400 instead; only a 400
   * whose body talks about the session counts, so a genuinely bad request is not retried.
   */
  private async meansUnknownSession(response: Response): Promise<boolean> {
    if (response.status === 404) return true;
    if (response.status !== 400) return false;
    const body = await readBodyStart(response.clone());
    return /session/i.test(body);
  }

  /** A GET that never answers must not hang forever: only the wait for the headers is bounded. */
  private async fetchWithHeadersTimeout(url: string | URL, init: RequestInit, callerSignal: AbortSignal | undefined): Promise<Response> {
    const timeout = new AbortController();
    const ms = this.options.getHeadersTimeoutMs;
    const limit = ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`; // not "within 0 s" for a sub-second limit
    const timer = setTimeout(() => timeout.abort(new Error(`no answer within ${limit}`)), ms);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    try {
      return await this.options.baseFetch(url, { ...init, signal });
    } catch (error) {
      throw timeout.signal.aborted ? timeout.signal.reason : error;
    } finally {
      clearTimeout(timer);
    }
  }

  private trace(text: () => string): void {
    if (this.options.traceEnabled()) this.options.emit({ kind: 'wire', server: this.options.server, text: text(), time: new Date() });
  }

}

/**
 * What a POST carries, from one parse: "initialize", "tools/call (id 3)", "response (id 2)" — never
 * the parameters, which may hold secrets — and the ids of its requests.
 */
function readBody(body: unknown): { description: string; requestIds: (string | number)[] } {
  if (typeof body !== 'string' || body.length > 65_536) return { description: '', requestIds: [] };
  let messages: { method?: unknown; id?: unknown }[];
  try {
    messages = ([] as { method?: unknown; id?: unknown }[]).concat(JSON.parse(body));
  } catch {
    return { description: '', requestIds: [] };
  }
  return {
    description: messages.map((m) => (typeof m.method === 'string' ? `${m.method}${m.id !== undefined ? ` (id ${m.id})` : ''}` : `response (id ${m.id})`)).join(', '),
    requestIds: messages.filter((m) => typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')).map((m) => m.id as string | number),
  };
}
