import type { Connection } from '../connections/connection';
import type { ConnectionState } from '../connections/state';

/** How one server looks in the tree; plain data, so it is the same in tests and in the view. */
export interface ServerPresentation {
  description: string;
  icon: { id: string; color?: string };
  contextValue: string;
  tooltip: string;
}

export interface PresentationContext {
  /** The server comes from workspace settings and the workspace is not trusted. */
  blockedByTrust: boolean;
}

export function describeState(state: ConnectionState, enabled = true): string {
  switch (state.kind) {
    case 'connected':
      if (state.mode === 'streaming') return 'connected · streaming';
      if (state.mode === 'legacy-sse') return 'connected · legacy SSE';
      return state.getFallback ? `connected · POST-only (GET ${state.getFallback.status})` : 'connected · POST-only';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return `reconnecting ${state.attempt}/${state.maxAttempts}`;
    case 'disconnected':
      return enabled ? 'disconnected' : 'disabled';
    case 'error':
      return `error: ${state.reason}`;
  }
}

export function presentServer(connection: Connection, context: PresentationContext): ServerPresentation {
  const state = connection.state;
  const enabled = connection.entry.config?.enabled ?? true;
  let description = describeState(state, enabled);
  if (state.kind === 'disconnected' && context.blockedByTrust) description = 'disconnected · workspace not trusted';
  return {
    description,
    icon: iconFor(state, enabled),
    contextValue: `server:${state.kind}${context.blockedByTrust ? ':untrusted' : ''}`,
    tooltip: tooltipFor(connection, description),
  };
}

function iconFor(state: ConnectionState, enabled: boolean): ServerPresentation['icon'] {
  switch (state.kind) {
    case 'connected':
      return { id: 'pass-filled', color: 'testing.iconPassed' };
    case 'connecting':
    case 'reconnecting':
      return { id: 'sync~spin' };
    case 'disconnected':
      return enabled ? { id: 'debug-disconnect' } : { id: 'circle-slash' };
    case 'error':
      return { id: 'error', color: 'errorForeground' };
  }
}

/** Markdown. Never shows header values: only the URL (without credentials) and what the server said. */
function tooltipFor(connection: Connection, description: string): string {
  const lines = [`**${escape(connection.name)}** — ${escape(description)}`, ''];
  const row = (label: string, value: string | undefined) => value && lines.push(`${label}: ${value}  `);
  row('URL', connection.displayUrl && `\`${connection.displayUrl}\``);
  const state = connection.state;
  if (state.kind === 'connected') {
    row('Mode', state.mode === 'streaming' ? 'streaming (GET stream open)' : state.mode === 'legacy-sse' ? 'legacy HTTP+SSE' : 'POST-only');
  }
  const details = connection.details;
  if (details) {
    row('Session', details.sessionId ? `\`${shorten(details.sessionId)}\`` : 'none (stateless server)');
    row('Protocol', details.protocolVersion);
    row('Server', details.serverName && escape(`${details.serverName}${details.serverVersion ? ` ${details.serverVersion}` : ''}`));
  }
  const fallback = connection.lastGetFallback;
  if (fallback) {
    row('Last GET fallback', `HTTP ${fallback.status} ${escape(fallback.statusText)} at ${fallback.time.toLocaleTimeString()}${fallback.bodyExcerpt ? ` — "${escape(fallback.bodyExcerpt)}"` : ''}`);
  }
  if (connection.reinitialisations) row('Session re-initialised', `${connection.reinitialisations}×`);
  row('Last error', connection.lastError && escape(connection.lastError));
  for (const warning of connection.entry.warnings) row('Warning', escape(warning));
  return lines.join('\n');
}

function shorten(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);
}
