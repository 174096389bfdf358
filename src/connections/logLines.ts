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
