import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AuthRejectedError, InsufficientScopeError, SignInFailedError, SignInRequiredError, TokenRefreshError } from '../auth/errors';
import type { SignInFailureKind, SignInRequiredReason } from '../auth/types';
import { HeaderValueError } from '../config/headerValues';
import { classifyFetchError, NetworkFailure } from '../transport/failures';
import { SessionLostError } from '../transport/tolerantTransport';
import { AnswerTooLargeError, AuthenticationError, BrokenAnswerData, InitializeRejectedError, ServerBusyError, SessionLossCause } from '../transport/types';

/**
 * What went wrong, as a kind: behaviour is decided on `kind`, and sentences are chosen by it at the
 * edge (sentences.ts). `failureOf` is the one place that reads errors — the SDK's included — to
 * tell them apart; nothing else compares error or sentence text.
 */
export type Failure =
  | { kind: 'network'; failure: NetworkFailure }
  /** Our own bound on a connect. */
  | { kind: 'connect-timeout'; seconds: number }
  /** The SDK gave up waiting for the answer to a request (not an error the server sent). */
  | { kind: 'request-timeout'; seconds: number }
  /** The server answered with an HTTP error; `detail` is its words (body or reason phrase), untrusted. */
  | { kind: 'http'; status: number; detail: string; redirectTarget?: string }
  /**
   * 401/403 outside OAuth: who may ask. `challenge` is the scheme the server asked for; `tokenSent`, whether a credential
   * went with the request; `oauth`, why a Bearer challenge did not start a sign-in ("auth" is "headers", or no token store).
   */
  | { kind: 'unauthorized'; status: number; challenge?: string; tokenSent: boolean; detail: string; oauth?: 'off' | 'unavailable' }
  /** The server needs an OAuth sign-in by the user before it can be used; nothing was opened. */
  | { kind: 'sign-in-required'; reason: SignInRequiredReason; issuer?: string; scopes: string[] }
  /** An interactive sign-in ended without tokens; `message` is the sign-in's own sentence (secrets already removed). */
  | { kind: 'sign-in-failed'; failure: SignInFailureKind; issuer?: string; message: string }
  /** Signing in cannot be done here: no token store, no way to open a browser, or the server does not use OAuth. */
  | { kind: 'sign-in-unavailable'; why: 'no-store' | 'no-browser' | 'not-oauth' }
  /** Signed in, the server still refused: a 401 without an OAuth challenge, or a 403 that asks for no more scope. */
  | { kind: 'oauth-refused'; status: number }
  /** Step-up sign-ins did not get the permission the server keeps asking for. */
  | { kind: 'insufficient-scope'; scopes: string[]; attempts: number }
  /** Renewing the tokens failed for a reason a sign-in would not fix; `message` is the sign-in's sentence. */
  | { kind: 'token-refresh-failed'; message: string }
  /** 429/503 with Retry-After: the server asks to be left alone for a while. */
  | { kind: 'busy'; status: number; retryAfterMs: number; detail: string }
  /** The initialize POST was refused, and the legacy SSE transport failed too. */
  | { kind: 'initialize-rejected'; status: number }
  | { kind: 'unexpected-content-type'; contentType: string }
  | { kind: 'not-json' }
  | { kind: 'not-json-rpc' }
  | { kind: 'broken-answer'; data: BrokenAnswerData }
  /** A JSON-RPC error the server sent; `message` is its words, untrusted. */
  | { kind: 'mcp-error'; code: number; message: string }
  | { kind: 'session-lost'; cause: SessionLossCause }
  /** Our own sentence about the configuration (an invalid entry, a missing secret). */
  | { kind: 'config'; problem: string }
  | { kind: 'disabled' }
  | { kind: 'untrusted' }
  | { kind: 'not-connected' }
  /** The caller cancelled the request. */
  | { kind: 'cancelled' }
  | { kind: 'other'; message: string };

export class ConnectTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`No answer within ${seconds} s`);
    this.name = 'ConnectTimeoutError';
  }
}

/** A failure that is already a kind (raised by the connection model itself). */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.kind);
    this.name = 'FailureError';
  }
}

/** The kind of `error`; `url` is the request's (it names a refused port). */
export function failureOf(error: unknown, url?: URL): Failure {
  if (error instanceof FailureError) return error.failure;
  if (error instanceof ConnectTimeoutError) return { kind: 'connect-timeout', seconds: error.seconds };
  if (error instanceof HeaderValueError) return { kind: 'config', problem: error.message };
  if (error instanceof SignInRequiredError) return { kind: 'sign-in-required', reason: error.reason, issuer: error.issuer, scopes: error.scopes };
  if (error instanceof SignInFailedError) return { kind: 'sign-in-failed', failure: error.kind, issuer: error.issuer, message: error.message };
  if (error instanceof AuthRejectedError) return { kind: 'oauth-refused', status: error.status };
  if (error instanceof InsufficientScopeError) return { kind: 'insufficient-scope', scopes: error.scopes, attempts: error.attempts };
  if (error instanceof TokenRefreshError) return { kind: 'token-refresh-failed', message: error.message };
  if (error instanceof InitializeRejectedError) return { kind: 'initialize-rejected', status: error.status };
  if (error instanceof AuthenticationError) return { kind: 'unauthorized', status: error.status, challenge: error.challengeScheme, tokenSent: error.sentAuthorization, detail: error.detail };
  if (error instanceof ServerBusyError) return { kind: 'busy', status: error.status, retryAfterMs: error.retryAfterMs, detail: error.detail };
  if (error instanceof SessionLostError) return { kind: 'session-lost', cause: { kind: 'reinitialise-failed', detail: error.cause } };
  if (error instanceof AnswerTooLargeError) return { kind: 'broken-answer', data: { brokenAnswer: 'too-large', limitBytes: error.limitBytes } };
  if (error instanceof StreamableHTTPError) {
    if (typeof error.code === 'number' && error.code > 0) return httpFailure(error.code, error.message);
    const contentType = /^Streamable HTTP error: Unexpected content type: (.*)$/.exec(error.message)?.[1];
    if (contentType !== undefined) return { kind: 'unexpected-content-type', contentType: contentType.trim() || 'none' };
  }
  if (error instanceof McpError) {
    const data = error.data as { timeout?: unknown; brokenAnswer?: unknown } | undefined;
    if (error.code === ErrorCode.RequestTimeout && typeof data?.timeout === 'number') return { kind: 'request-timeout', seconds: data.timeout / 1000 };
    if (typeof data?.brokenAnswer === 'string') return { kind: 'broken-answer', data: data as BrokenAnswerData };
    return { kind: 'mcp-error', code: error.code, message: error.message };
  }
  if (error instanceof SyntaxError && /JSON/.test(error.message)) return { kind: 'not-json' };
  if (error instanceof Error && error.name === 'ZodError') return { kind: 'not-json-rpc' };
  const network = classifyFetchError(error, url);
  return network.kind === 'other' ? { kind: 'other', message: network.message } : { kind: 'network', failure: network };
}

/** "Streamable HTTP error: Error POSTing to endpoint: <body>" → the status, the server's words, a redirect target. */
function httpFailure(status: number, message: string): Failure {
  const detail = message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: |Failed to open SSE stream: )?/, '');
  const redirectTarget = status >= 300 && status < 400 ? (/Redirect to (\S+) not followed/.exec(detail)?.[1] ?? /try (\S+) instead/.exec(detail)?.[1]) : undefined;
  return { kind: 'http', status, detail, redirectTarget };
}
