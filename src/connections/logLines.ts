import type { AuthEvent, ClientSource } from '../auth/types';
import { describeNetworkFailure } from '../transport/failures';
import { statusLine } from '../transport/http';
import { formatMegabytes, StreamProblem, TransportEvent } from '../transport/types';
import { dropReason, SentenceContext } from './sentences';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

type Shown = SentenceContext['shown'];

/** The output-channel line for a transport event (without the "[server]" tag). */
export function logLineFor(event: TransportEvent, context: SentenceContext): { level: LogLevel; text: string } {
  const { shown } = context;
  switch (event.kind) {
    case 'get-fallback':
      return { level: 'info', text: `GET stream not offered (HTTP ${event.status} ${shown(event.statusText, 80)}) — continuing POST-only` };
    case 'stream-open':
      if (event.afterEmptyEnd) return { level: 'debug', text: 'GET stream open again' };
      return { level: 'info', text: event.resumed ? 'GET stream resumed' : 'GET stream open — server notifications are live' };
    case 'stream-problem': {
      const text =
        event.problem.kind === 'closed-empty'
          ? `GET stream keeps closing without sending anything — POST keeps working; next try in ${seconds(event.retryInMs)} (attempt ${event.attempt}/${event.maxAttempts})`
          : `GET stream ${event.resume ? 'resume ' : ''}failed: ${describeStreamProblem(event.problem, shown)} — POST keeps working; retrying in ${seconds(event.retryInMs)} (attempt ${event.attempt}/${event.maxAttempts})`;
      return { level: event.repeated ? 'debug' : 'warn', text };
    }
    case 'stream-interrupted':
      return { level: 'warn', text: `GET stream interrupted: ${describeStreamProblem(event.problem, shown)} — resuming` };
    case 'stream-given-up':
      return { level: 'warn', text: `GET stream unavailable after ${event.attempts} attempts (${describeStreamProblem(event.problem, shown)}) — continuing POST-only` };
    case 'answer-resumed':
      return { level: 'debug', text: 'An answer stream broke off and was resumed' };
    case 'session-reinitialised':
      return { level: 'info', text: `Session expired (${shown(event.trigger, 120)}) — re-initialised and retried` };
    case 'session-lost':
      return { level: 'warn', text: `Session lost: ${dropReason({ kind: 'session-lost', cause: event.cause }, context)}` };
    case 'legacy-sse-fallback':
      return { level: 'info', text: `Streamable HTTP initialize answered HTTP ${event.status} — using the legacy HTTP+SSE transport` };
    case 'wire':
      return { level: 'trace', text: shown(event.text, 500) };
    case 'sign-in-required':
      return { level: 'debug', text: 'GET stream refused: the server needs a sign-in' };
  }
}

/** "GET answered 502 Bad Gateway", "connection refused": why the GET stream is not working. */
export function describeStreamProblem(problem: StreamProblem, shown: Shown): string {
  switch (problem.kind) {
    case 'network':
      return shown(describeNetworkFailure(problem.failure), 160);
    case 'status':
      return `GET answered ${shown(statusLine(problem.status, problem.statusText), 80)}`;
    case 'not-event-stream':
      return `GET answered ${shown(statusLine(problem.status, problem.statusText), 80)} with content type "${shown(problem.contentType || 'none', 60)}" instead of an event stream`;
    case 'closed-empty':
      return 'the stream closed without sending anything';
    case 'event-too-large':
      return `an event exceeded ${formatMegabytes(problem.limitBytes)}`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

const CLIENT_SOURCES: Record<ClientSource, string> = {
  configured: 'configured',
  'metadata-document': 'client ID metadata document',
  dynamic: 'dynamic',
  entered: 'entered',
};

/**
 * The output-channel line for a step of the OAuth work (without the "[server]" tag). Events carry no secret; what
 * came from a server (issuer URLs, client IDs, error text) is shown through `shown`.
 */
export function authLogLineFor(event: AuthEvent, shown: Shown): { level: LogLevel; text: string } {
  const url = (text: string | undefined) => (text ? shown(text, 200) : 'the authorization server');
  const scopes = (list: string[]) => (list.length ? `scope "${shown(list.join(' '), 200)}"` : 'no scope');
  const until = (date: Date | undefined) => (date ? `, expires ${date.toLocaleString()}` : '');
  switch (event.kind) {
    case 'discovered':
      return {
        level: 'info',
        text: `OAuth: authorization server ${url(event.issuer)} (${event.protectedResourceMetadata ? 'from the protected resource metadata' : 'no protected resource metadata: the server\'s origin'}${event.authorizationServerMetadata ? '' : ', no metadata: default endpoints'})`,
      };
    case 'registered':
      return { level: 'info', text: `OAuth: registered client ${shown(event.clientId, 120)} with ${url(event.issuer)} (${CLIENT_SOURCES[event.source]}) for ${shown(event.redirectUri, 120)}` };
    case 'setting-ignored':
      return { level: 'warn', text: `OAuth: "oauth.${event.setting}" is ignored: ${shown(event.reason, 200)}` };
    case 'authorizing':
      return {
        level: 'info',
        text: `Signing in via ${url(event.issuer)} — ${CLIENT_SOURCES[event.clientSource]} client ${shown(event.clientId, 120)}, ${scopes(event.scopes)}, redirect ${shown(event.redirectUri, 120)}; waiting for the browser`,
      };
    case 'signed-in':
      return { level: 'info', text: `Signed in via ${url(event.issuer)} — ${scopes(event.scopes)}${until(event.expiresAt)}` };
    case 'sign-in-failed':
      return { level: 'warn', text: `Sign-in failed (${event.failure}): ${shown(event.message, 400)}` };
    case 'sign-in-required':
      return { level: 'info', text: `Needs sign-in${event.issuer ? ` with ${url(event.issuer)}` : ''} (${SIGN_IN_REASONS[event.reason]})` };
    case 'refreshed':
      return { level: 'info', text: `Renewed the sign-in with ${url(event.issuer)} (${event.trigger === 'expiring' ? 'about to expire' : 'the server refused the token'})${until(event.expiresAt)}` };
    case 'refresh-failed':
      return { level: 'warn', text: `Could not renew the sign-in with ${url(event.issuer)}: ${shown(event.error, 300)}${event.signInNeeded ? ' — a new sign-in is needed' : ' — the sign-in is kept'}` };
    case 'step-up':
      return { level: 'info', text: `The server asks for more permissions: signing in again for ${scopes(event.scopes)} (attempt ${event.attempt})` };
    case 'signed-out':
      return { level: 'info', text: `Signed out${event.forgotClient ? ', and forgot the registered client' : ''}` };
  }
}

const SIGN_IN_REASONS = {
  'no-token': 'not signed in',
  expired: 'the token is no longer accepted',
  'invalid-grant': 'the sign-in was revoked or expired',
  'insufficient-scope': 'more permissions needed',
} as const;
