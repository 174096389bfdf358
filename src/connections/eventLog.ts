import type { TransportEvent } from '../transport/types';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** The output-channel line for a transport event (without the "[server]" tag). */
export function describeTransportEvent(event: TransportEvent): { level: LogLevel; text: string } {
  switch (event.kind) {
    case 'get-fallback':
      return { level: 'info', text: `GET stream not offered (HTTP ${event.status} ${event.statusText}) — continuing POST-only` };
    case 'stream-open':
      return { level: 'info', text: event.resumed ? 'GET stream resumed' : 'GET stream open — server notifications are live' };
    case 'stream-problem':
      return {
        level: 'warn',
        text: `GET stream ${event.resume ? 'resume ' : ''}failed: ${event.reason} — POST keeps working; retrying in ${seconds(event.retryInMs)} (attempt ${event.attempt}/${event.maxAttempts})`,
      };
    case 'stream-interrupted':
      return { level: 'warn', text: `GET stream interrupted: ${event.reason} — resuming` };
    case 'stream-given-up':
      return { level: 'warn', text: `GET stream unavailable after ${event.attempts} attempts (${event.reason}) — continuing POST-only` };
    case 'session-reinitialised':
      return { level: 'info', text: `Session expired (${event.trigger}) — re-initialised and retried` };
    case 'session-lost':
      return { level: 'warn', text: `Session lost: ${event.reason}` };
    case 'legacy-sse-fallback':
      return { level: 'info', text: `Streamable HTTP initialize answered HTTP ${event.status} — using the legacy HTTP+SSE transport` };
    case 'wire':
      return { level: 'trace', text: event.text };
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
