import type { NetworkFailure } from './failures';

/** How the server-to-client direction works for the current session. */
export type StreamMode = 'pending' | 'streaming' | 'post-only' | 'legacy-sse';

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** A first GET answered with a status that means "no server-to-client stream here". */
export interface GetFallbackEvent {
  kind: 'get-fallback';
  server: string;
  /** The endpoint as it may be shown (no credentials, secret query values masked). */
  url: string;
  status: number;
  statusText: string;
  /** The start of the answer's body: secrets redacted, markup stripped, at most 200 characters. */
  bodyExcerpt: string;
  time: Date;
}

/** Why the GET stream is not working right now. */
export type StreamProblem =
  | { kind: 'network'; failure: NetworkFailure }
  | { kind: 'status'; status: number; statusText: string }
  | { kind: 'not-event-stream'; status: number; statusText: string; contentType: string }
  /** It opened and ended without delivering an event: a server that keeps closing the stream. */
  | { kind: 'closed-empty' }
  | { kind: 'event-too-large'; limitBytes: number };

/** Everything the transport reports; each surface (log, tree, CLI) renders from these. */
export type TransportEvent =
  | GetFallbackEvent
  /** `afterEmptyEnd`: it opened again after ending without an event (a server that keeps closing it). */
  | { kind: 'stream-open'; server: string; resumed: boolean; afterEmptyEnd: boolean; time: Date }
  | {
      kind: 'stream-problem';
      server: string;
      problem: StreamProblem;
      resume: boolean;
      attempt: number;
      maxAttempts: number;
      retryInMs: number;
      /** The same problem as the attempt before: worth a line once, not at every attempt. */
      repeated: boolean;
      time: Date;
    }
  | { kind: 'stream-interrupted'; server: string; problem: StreamProblem; time: Date }
  | { kind: 'stream-given-up'; server: string; problem: StreamProblem; attempts: number; time: Date }
  /** A POST's answer stream broke off after an event id and the SDK resumed it with GET + Last-Event-ID. */
  | { kind: 'answer-resumed'; server: string; time: Date }
  | { kind: 'session-reinitialised'; server: string; trigger: string; time: Date }
  | { kind: 'session-lost'; server: string; cause: SessionLossCause; time: Date }
  | { kind: 'legacy-sse-fallback'; server: string; status: number; time: Date }
  /** The GET stream was refused and only a sign-in by the user would help (`cause`: the sign-in's typed error). */
  | { kind: 'sign-in-required'; server: string; cause: Error; time: Date }
  | { kind: 'wire'; server: string; text: string; time: Date };

/** Why a session is gone for good (the connection must reconnect). */
export type SessionLossCause =
  | { kind: 'network'; failure: NetworkFailure }
  /** A new session could not be started after the server ended the old one. */
  | { kind: 'reinitialise-failed'; detail: unknown }
  /** The legacy SSE stream, which is the session, closed or broke. */
  | { kind: 'legacy-stream-ended'; failure?: NetworkFailure; detail?: string };

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

/** An answer grew past the transport's limit; it was not read further. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The server's answer exceeded ${formatMegabytes(limitBytes)}`);
    this.name = 'AnswerTooLargeError';
  }
}

/** A request for the endpoint was answered 401 or 403: what the server asked for, and whether a credential was sent. */
export class AuthenticationError extends Error {
  constructor(
    readonly status: number,
    /** The scheme of the server's WWW-Authenticate challenge ("bearer", lower case), if it sent one. */
    readonly challengeScheme: string | undefined,
    /** The request carried an Authorization header (configured, or the URL's credentials). */
    readonly sentAuthorization: boolean,
    /** The start of the answer's body: the server's words, untrusted. */
    readonly detail: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'AuthenticationError';
  }
}

/** A request was answered 429 or 503 with Retry-After: the server asks not to be asked again before then. */
export class ServerBusyError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number,
    /** The start of the answer's body: the server's words, untrusted. */
    readonly detail: string,
  ) {
    super(`HTTP ${status}, retry after ${Math.round(retryAfterMs / 1000)} s`);
    this.name = 'ServerBusyError';
  }
}

/** The most a Retry-After is followed for: a server may not park a connection for days. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** The initialize POST was refused and the legacy transport did not work either. */
export class InitializeRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly legacyFailure: unknown,
  ) {
    super(`The server answered initialize with HTTP ${status}, and the legacy SSE transport failed too`);
    this.name = 'InitializeRejectedError';
  }
}

/**
 * `data` of the JSON-RPC error the transport hands the client for a request whose answer stream
 * ended (cut, over the size limit, or closed) without the answer: the request fails at once
 * instead of waiting for its timeout.
 */
export type BrokenAnswerData =
  | { brokenAnswer: 'too-large'; limitBytes: number }
  | { brokenAnswer: 'cut'; failure: NetworkFailure }
  | { brokenAnswer: 'unanswered' }
  /** Resumed again and again without a new event: the server keeps closing the answer stream. */
  | { brokenAnswer: 'stalled'; resumes: number };

export function formatMegabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
