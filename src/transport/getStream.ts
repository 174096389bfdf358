import { JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { backoffDelay, RetryPolicy } from '../common/backoff';
import { escapeControls, excerpt } from '../common/text';
import { guardAnswer, isEventStream } from './answerGuard';
import { classifyFetchError } from './failures';
import { discardBody, mediaType, meansUnknownSession, readBodyStart, reasonPhrase, textDecoder } from './http';
import { AnswerTooLargeError, GetFallbackEvent, StreamMode, StreamProblem, TransportEvent } from './types';

/** What one GET attempt, or the end of an open stream, came to. */
export type StreamOutcome = 'opened' | 'no-stream' | 'problem' | 'given-up';

/**
 * The mode after an outcome: a pure rule. An open stream that hiccups stays "streaming" while it is
 * retried; anything that is not an open stream before one has worked is "post-only".
 */
export function nextMode(mode: StreamMode, outcome: StreamOutcome): StreamMode {
  switch (outcome) {
    case 'opened':
      return 'streaming';
    case 'no-stream':
    case 'given-up':
      return 'post-only';
    case 'problem':
      return mode === 'streaming' ? 'streaming' : 'post-only';
  }
}

/** The SSE `retry:` field is honoured within these bounds: a tiny value must never make a tight loop. */
export const MIN_RECONNECT_DELAY_MS = 1000;

export interface GetStreamOptions {
  server: string;
  /** The endpoint as it may be shown, for the fallback event. */
  displayUrl: string;
  /** Makes a body excerpt safe to show (secrets redacted while the text is whole). */
  redact: (text: string) => string;
  /** One GET of the MCP endpoint: configured headers applied, same-origin redirects followed, headers bounded in time. */
  request: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  fallbackStatuses: ReadonlySet<number>;
  retry: RetryPolicy;
  random: () => number;
  /** The most one event may hold before the stream is cut. */
  maxEventBytes: number;
  /** Where the previous session's stream stood, so a re-initialised session does not start from nothing. */
  previous?: { mode: StreamMode; lastGetFallback?: GetFallbackEvent };
  emit: (event: TransportEvent) => void;
  deliver: (message: JSONRPCMessage) => void;
  /** An event that is not a JSON-RPC message. */
  malformed: (error: Error) => void;
  /** A reconnect learned that the server no longer knows the session. */
  sessionExpired: (trigger: string) => void;
}

/**
 * The standalone GET stream of one streamable session: every attempt, the retry schedule, the mode
 * decision and the events live here. The SDK never opens or reconnects this stream itself (its GET
 * is answered "no stream" without touching the network); messages arriving on it are parsed here and
 * handed to the transport as if the SDK had read them.
 */
export class GetStream {
  private _mode: StreamMode;
  private _lastGetFallback: GetFallbackEvent | undefined;
  private started = false;
  private closed = false;
  private hasWorked = false;
  /** Failed attempts in a row (an opened stream that delivered nothing counts as failed). */
  private failures = 0;
  /** Opened streams in a row that ended without delivering an event. */
  private emptyEnds = 0;
  private lastProblem: string | undefined;
  private lastEventId: string | undefined;
  private serverRetryMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: GetStreamOptions) {
    this._mode = options.previous?.mode ?? 'pending';
    this._lastGetFallback = options.previous?.lastGetFallback;
  }

  get mode(): StreamMode {
    return this._mode;
  }

  get lastGetFallback(): GetFallbackEvent | undefined {
    return this._lastGetFallback;
  }

  /** Opens the stream (once): the session is initialised. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.attempt();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  private async attempt(): Promise<void> {
    const resume = this.lastEventId;
    let response: Response;
    try {
      response = await this.options.request(resume, this.abort.signal);
    } catch (error) {
      if (this.closed) return;
      return this.failed({ kind: 'network', failure: classifyFetchError(error) }, resume);
    }
    if (this.closed) return void discardBody(response);
    const { status, statusText } = response;
    if (response.ok) {
      if (isEventStream(response) && response.body) return this.read(response.body, resume !== undefined);
      await discardBody(response);
      return this.failed({ kind: 'not-event-stream', status, statusText, contentType: mediaType(response.headers.get('content-type')) }, resume);
    }
    const reconnect = this.hasWorked || resume !== undefined;
    if (!reconnect && this.options.fallbackStatuses.has(status)) return this.noStream(response);
    if (reconnect && (await meansUnknownSession(response))) {
      await discardBody(response);
      if (this.closed) return;
      this.closed = true;
      this.options.sessionExpired(`GET ${resume !== undefined ? 'resume' : 'reconnect'} answered ${status} ${reasonPhrase(status, statusText)}`);
      return;
    }
    await discardBody(response);
    return this.failed({ kind: 'status', status, statusText }, resume);
  }

  private async noStream(response: Response): Promise<void> {
    const body = escapeControls(excerpt(this.options.redact(await readBodyStart(response))));
    this._lastGetFallback = {
      kind: 'get-fallback',
      server: this.options.server,
      url: this.options.displayUrl,
      status: response.status,
      statusText: reasonPhrase(response.status, response.statusText),
      bodyExcerpt: body,
      time: new Date(),
    };
    this._mode = nextMode(this._mode, 'no-stream');
    this.options.emit(this._lastGetFallback);
  }

  /** Reads an open stream to its end, then schedules the reconnect. */
  private async read(body: ReadableStream<Uint8Array>, resumed: boolean): Promise<void> {
    this.hasWorked = true;
    this._mode = nextMode(this._mode, 'opened');
    this.options.emit({ kind: 'stream-open', server: this.options.server, resumed, afterEmptyEnd: this.emptyEnds > 0, time: new Date() });
    const events = guardAnswer(body, { maxBytes: this.options.maxEventBytes, sse: true, onEnd: () => 'error' })
      .pipeThrough(textDecoder())
      .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (this.serverRetryMs = ms) }));
    const reader = events.getReader();
    let delivered = 0;
    let cut: StreamProblem | undefined;
    try {
      for (;;) {
        const { value: event, done } = await reader.read();
        if (done) break;
        if (event.id !== undefined) this.lastEventId = event.id;
        delivered++;
        if (!event.data || (event.event && event.event !== 'message')) continue; // priming events, keep-alives
        this.dispatch(event.data);
      }
    } catch (error) {
      if (this.closed) return;
      cut = error instanceof AnswerTooLargeError ? { kind: 'event-too-large', limitBytes: error.limitBytes } : { kind: 'network', failure: classifyFetchError(error) };
    } finally {
      reader.cancel().catch(() => undefined);
    }
    if (this.closed) return;
    if (cut) this.options.emit({ kind: 'stream-interrupted', server: this.options.server, problem: cut, time: new Date() });
    if (delivered > 0) {
      // It worked: the next attempt starts a fresh count, after the server's `retry` (within bounds).
      this.failures = 0;
      this.lastProblem = undefined;
      this.emptyEnds = 0;
      return this.schedule(this.reconnectDelay(this.options.retry.initialDelayMs));
    }
    // Opened and ended without an event: not a success. Once may be a restart; again is a server
    // that keeps closing the stream, and it is said once, with the time of the next try.
    this.emptyEnds++;
    if (this.emptyEnds === 1 && this.failures === 0) {
      this.failures = 1;
      return this.schedule(this.reconnectDelay(backoffDelay(1, this.options.retry, this.options.random)));
    }
    this.failed(cut ?? { kind: 'closed-empty' }, this.lastEventId);
  }

  private dispatch(data: string): void {
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(data));
    } catch (error) {
      this.options.malformed(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.options.deliver(message);
  }

  private failed(problem: StreamProblem, resume: string | undefined): void {
    const attempt = ++this.failures;
    const { maxAttempts } = this.options.retry;
    if (attempt > maxAttempts) {
      this._mode = nextMode(this._mode, 'given-up');
      this.options.emit({ kind: 'stream-given-up', server: this.options.server, problem, attempts: maxAttempts, time: new Date() });
      return;
    }
    this._mode = nextMode(this._mode, 'problem');
    const delay = this.reconnectDelay(backoffDelay(attempt, this.options.retry, this.options.random));
    const signature = JSON.stringify(problem);
    const repeated = signature === this.lastProblem;
    this.lastProblem = signature;
    this.options.emit({ kind: 'stream-problem', server: this.options.server, problem, resume: resume !== undefined, attempt, maxAttempts, retryInMs: delay, repeated, time: new Date() });
    this.schedule(delay);
  }

  /** At least `delay`, and at least what the server asked for with `retry:`, within bounds. */
  private reconnectDelay(delay: number): number {
    const { maxDelayMs } = this.options.retry;
    const asked = this.serverRetryMs === undefined ? 0 : Math.max(Math.min(this.serverRetryMs, maxDelayMs), MIN_RECONNECT_DELAY_MS);
    return Math.max(delay, asked);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) void this.attempt();
    }, delay);
  }
}
