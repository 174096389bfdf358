export type TransportKind = 'auto' | 'streamable-http' | 'sse';

/** How the server-to-client direction works for the current session. */
export type StreamMode = 'pending' | 'streaming' | 'post-only' | 'legacy-sse';

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_TOLERATED_GET_STATUSES: readonly number[] = [400, 404, 405, 406];
export const DEFAULT_GET_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 5 };
export const DEFAULT_GET_HEADERS_TIMEOUT_MS = 10_000;
/** The most a POST answer may hold (a JSON body, or one SSE event) before the transport stops reading it. */
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** A first GET answered with a status that means "no server-to-client stream here". */
export interface GetFallbackEvent {
  kind: 'get-fallback';
  server: string;
  url: string;
  status: number;
  statusText: string;
  bodyExcerpt: string;
  time: Date;
}

/** Everything the transport reports; each surface (log, tree, CLI) renders from these. */
export type TransportEvent =
  | GetFallbackEvent
  | { kind: 'stream-open'; server: string; resumed: boolean; time: Date }
  | { kind: 'stream-problem'; server: string; reason: string; resume: boolean; attempt: number; maxAttempts: number; retryInMs: number; time: Date }
  | { kind: 'stream-interrupted'; server: string; reason: string; time: Date }
  | { kind: 'stream-given-up'; server: string; reason: string; attempts: number; time: Date }
  | { kind: 'session-reinitialised'; server: string; trigger: string; time: Date }
  | { kind: 'session-lost'; server: string; reason: string; time: Date }
  | { kind: 'legacy-sse-fallback'; server: string; status: number; time: Date }
  | { kind: 'wire'; server: string; text: string; time: Date };

/** Thrown by the session fetch when a request that carried a session id was answered "unknown session". */
export class SessionExpiredError extends Error {
  constructor(
    readonly status: number,
    readonly trigger: string,
  ) {
    super(`Session expired (HTTP ${status})`);
    this.name = 'SessionExpiredError';
  }
}

/** A POST answer grew past the transport's limit; it was not read further. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The server's answer exceeded ${formatMegabytes(limitBytes)}`);
    this.name = 'AnswerTooLargeError';
  }
}

/**
 * `data` of the JSON-RPC error the transport hands the client for a request whose answer stream
 * ended (cut, over the size limit, or closed) without the answer: the request fails at once
 * instead of waiting for its timeout.
 */
export type BrokenAnswerData = { brokenAnswer: 'too-large'; limitBytes: number } | { brokenAnswer: 'cut' | 'unanswered'; reason: string };

export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
