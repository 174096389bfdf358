import { issuerHost } from '../auth/errors';
import { capitalise } from '../common/text';
import { classifyFetchError, describeNetworkFailure, NetworkFailure } from '../transport/failures';
import { formatMegabytes, SessionLossCause } from '../transport/types';
import type { Failure } from './failures';

/** Where a sentence is said: the server's address, and how untrusted text is made safe to show. */
export interface SentenceContext {
  /** host:port of the server. */
  host: string;
  /** The URL as it may be shown. */
  displayUrl: string;
  /** Untrusted text (a server's words) made safe to show — redacted while whole, then shortened to `max`. */
  shown: (text: string, max: number) => string;
}

/**
 * One plain sentence for a failure to connect or to talk to a server: what happened and what to
 * do. The caller adds the server name where the surface needs it.
 */
export function sentenceFor(failure: Failure, context: SentenceContext): string {
  const { host, shown } = context;
  switch (failure.kind) {
    case 'connect-timeout':
      return `No answer from ${host} within ${failure.seconds} s — check that the server is running, or raise "timeoutSeconds".`;
    case 'request-timeout':
      return `No answer from ${host} within ${failure.seconds} s — check that the server is running, or raise "timeoutSeconds".`;
    case 'http':
      return statusSentence(failure.status, failure.detail, failure.redirectTarget, context);
    case 'unauthorized':
      return unauthorizedSentence(failure);
    case 'sign-in-required':
      return signInRequiredSentence(failure, shown);
    case 'sign-in-failed':
    case 'token-refresh-failed':
      return shown(failure.message, 400);
    case 'sign-in-unavailable':
      if (failure.why === 'not-oauth') return `The server does not use OAuth sign-in here — its "auth" is "headers", or an "Authorization" header is configured; remove it (or set "auth" to "oauth") to sign in.`;
      if (failure.why === 'no-browser') return 'Signing in needs a browser, and none can be opened here — sign in where one can be opened.';
      return `Signing in is not available here (there is nowhere to keep the tokens) — as a workaround, add an "Authorization": "Bearer <token>" header to this server's "headers".`;
    case 'oauth-refused':
      return failure.status === 403
        ? 'The server refused the request (HTTP 403) without asking for more permissions — check that your account may do this.'
        : `The server refused the request (HTTP ${failure.status}) without an OAuth challenge — it may not use OAuth sign-in; set "auth" to "headers" and add an "Authorization" header to its "headers".`;
    case 'insufficient-scope':
      return `The server still refuses the request for lack of permission after ${failure.attempts} sign-ins asking for more${failure.scopes.length ? ` (scope "${shown(failure.scopes.join(' '), 120)}")` : ''} — your account may not be allowed to do this.`;
    case 'busy': {
      const said = failure.detail.trim() ? ` (${shown(failure.detail, 120)})` : '';
      return `The server is busy (HTTP ${failure.status})${said} and asked to wait ${formatWait(failure.retryAfterMs)} — MCP Connections waits that long before trying again.`;
    }
    case 'initialize-rejected':
      return statusSentence(failure.status, '', undefined, context);
    case 'unexpected-content-type':
      return `The server answered with content type "${shown(failure.contentType, 60)}" instead of JSON or an event stream — check that "url" points at the server's MCP endpoint.`;
    case 'not-json':
      return `The server's answer was not JSON — check that "url" points at the server's MCP endpoint.`;
    case 'not-json-rpc':
      return `The server's answer was not a JSON-RPC message — check that "url" points at the server's MCP endpoint.`;
    case 'broken-answer': {
      const { data } = failure;
      if (data.brokenAnswer === 'too-large') {
        return `The server's answer exceeded ${formatMegabytes(data.limitBytes)} and was not read — ask for less data (narrower arguments, paging), or check the server.`;
      }
      if (data.brokenAnswer === 'cut') return `The server broke off its answer (${shown(describeNetworkFailure(data.failure), 80)}) — check the server's logs, then try again.`;
      if (data.brokenAnswer === 'stalled') return `The server kept breaking off its answer (${data.resumes} resumes brought nothing new) — check the server's logs, then try again.`;
      return `The server ended its answer without answering the request — check that "url" points at the server's MCP endpoint, and the server's logs.`;
    }
    case 'mcp-error':
      return `The server answered with an MCP error: ${shown(failure.message, 160)}`;
    case 'session-lost':
      return `The server ended the session and a new one could not be started: ${lossDetail(failure.cause, context)}.`;
    case 'config':
      return failure.problem;
    case 'disabled':
      return 'The server is disabled — set "enabled": true to connect it.';
    case 'untrusted':
      return 'The server is defined in workspace settings, and this workspace is not trusted — trust the workspace to connect it.';
    case 'not-connected':
      return 'The server is not connected.';
    case 'cancelled':
      return 'The request was cancelled.';
    case 'network':
      return networkSentence(failure.failure, context);
    case 'other':
      return capitalise(shown(failure.message, 200).replace(/\.$/, '')) + '.';
  }
}

/** The drop reason a reconnecting state shows: short, lower-case ("connection refused"). */
export function dropReason(failure: Failure, context: SentenceContext): string {
  if (failure.kind === 'network') return describeNetworkFailure(failure.failure);
  if (failure.kind === 'session-lost') return lossDetail(failure.cause, context);
  return sentenceFor(failure, context);
}

function unauthorizedSentence(failure: Extract<Failure, { kind: 'unauthorized' }>): string {
  if (failure.status === 403) {
    return failure.tokenSent
      ? `The server refused access with the token sent (HTTP 403) — check that the token in this server's "headers" has the rights it needs.`
      : `The server refused access (HTTP 403) — check the token in this server's "headers".`;
  }
  if (failure.tokenSent) return `The server rejected the token in this server's "Authorization" header (HTTP 401) — check or renew it.`;
  if (failure.challenge === 'bearer' && failure.oauth === 'off') {
    return `The server asks you to sign in with OAuth (HTTP 401), but this server's "auth" is "headers" — set "auth" to "auto" to sign in, or add an "Authorization" header to its "headers".`;
  }
  if (failure.challenge === 'bearer') {
    return `The server asks you to sign in with OAuth (HTTP 401), which is not available here — as a workaround, add an "Authorization": "Bearer <token>" header to this server's "headers".`;
  }
  return `The server requires authentication (HTTP 401) — add an "Authorization" header to this server's "headers".`;
}

function signInRequiredSentence(failure: Extract<Failure, { kind: 'sign-in-required' }>, shown: SentenceContext['shown']): string {
  const host = issuerHost(failure.issuer);
  const shownHost = host && shown(host, 100);
  switch (failure.reason) {
    case 'no-token':
      return `The server needs you to sign in${shownHost ? ` with ${shownHost}` : ''} (OAuth) — sign in to connect it.`;
    case 'expired':
      return `The sign-in${shownHost ? ` with ${shownHost}` : ''} is no longer accepted and could not be renewed — sign in again.`;
    case 'invalid-grant':
      return `${shownHost ?? 'The authorization server'} no longer accepts the sign-in (revoked or expired) — sign in again.`;
    case 'insufficient-scope':
      return `The server needs permissions the sign-in does not grant${failure.scopes.length ? ` (scope "${shown(failure.scopes.join(' '), 120)}")` : ''} — sign in again to grant them.`;
  }
}

/** "30 s", "2 min", "1 h". */
function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function networkSentence(failure: NetworkFailure, { host, shown }: SentenceContext): string {
  switch (failure.kind) {
    case 'blocked-port':
      return `Port ${failure.port} is one that fetch refuses to use (a "bad port" of the fetch standard, kept for other protocols) — serve MCP on another port, and change "url".`;
    case 'refused':
      return `Connection refused by ${host} — is the server running?`;
    case 'dns':
      return `The host ${host} was not found — check the URL.`;
    case 'reset':
      return `${host} closed the connection unexpectedly — check that the server is running and that the URL points at an MCP server.`;
    case 'tls':
      return `The server's TLS certificate is not trusted (${failure.code}) — use a certificate from a trusted authority, or add its CA with NODE_EXTRA_CA_CERTS.`;
    default:
      return capitalise(shown(describeNetworkFailure(failure), 200).replace(/\.$/, '')) + '.';
  }
}

function lossDetail(cause: SessionLossCause, context: SentenceContext): string {
  switch (cause.kind) {
    case 'network':
      return describeNetworkFailure(cause.failure);
    case 'reinitialise-failed': {
      const failure = classifyFetchError(cause.detail);
      return failure.kind === 'other' ? context.shown(failure.message, 160) : describeNetworkFailure(failure);
    }
    case 'legacy-stream-ended':
      if (cause.failure) return `the SSE stream broke: ${describeNetworkFailure(cause.failure)}`;
      return cause.detail ? `the SSE stream broke: ${context.shown(cause.detail, 160)}` : 'the server closed the SSE stream';
  }
}

function statusSentence(status: number, detail: string, redirectTarget: string | undefined, { host, displayUrl, shown }: SentenceContext): string {
  const said = detail && !/^\s*$/.test(detail) ? ` (${shown(detail, 120)})` : '';
  switch (status) {
    case 401:
      return `The server requires authentication (HTTP 401) — add an "Authorization" header to this server's "headers".`;
    case 403:
      return `The server refused access (HTTP 403) — check the token in this server's "headers".`;
    case 404:
      return `No MCP endpoint at ${displayUrl} (HTTP 404) — check the path (often /mcp).`;
    case 405:
      return `The URL does not accept MCP requests (HTTP 405) — check the path, or set "transport" to "sse" for a legacy server.`;
    case 406:
      return `The server refused the request's Accept header (HTTP 406)${said} — it may not be an MCP server.`;
    case 400:
      return `The server rejected the request as bad (HTTP 400)${said}.`;
  }
  if (status >= 500) return `The server failed with HTTP ${status}${said} — check the server's logs.`;
  if (redirectTarget) {
    // The SDK follows redirects only within the configured origin, so headers never leave it.
    const target = shown(redirectTarget, 200);
    return `The server redirected (HTTP ${status}) to ${target}, another origin, which is not followed so that headers stay with ${host} — if you trust it, set "url" to ${target}.`;
  }
  return `The server answered HTTP ${status}${said}.`;
}
