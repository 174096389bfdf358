import { markdownText } from '../common/text';
import { ConnectionState, describeState, lastErrorOf } from '../connections/state';

/** What a server's look is made from (a Connection has all of it). */
export interface PresentedServer {
  readonly name: string;
  readonly displayUrl: string | undefined;
  readonly state: ConnectionState;
  readonly entry: { readonly warnings: readonly string[] };
  /** Requests made for chat (how many, the last one), if any. */
  readonly usage?: { readonly calls: number; readonly last?: { readonly what: string; readonly outcome: string; readonly at: Date } };
}

/** What the view knows about a server besides its connection. */
export interface ServerNotes {
  /** Why the server's tools would show twice in chat (it is in VS Code's own MCP configuration too), if they would. */
  duplicateInChat?: string;
}

/** How one server looks in the tree; plain data, so it is the same in tests and in the view. */
export interface ServerPresentation {
  description: string;
  icon: { id: string; color?: string };
  contextValue: string;
  /** Markdown. */
  tooltip: string;
}

export function presentServer(connection: PresentedServer, notes: ServerNotes = {}): ServerPresentation {
  const state = connection.state;
  const description = describeState(state);
  const untrusted = state.kind === 'disconnected' && state.blocked === 'untrusted';
  return {
    description,
    icon: iconFor(state),
    contextValue: `server:${state.kind}${untrusted ? ':untrusted' : ''}`,
    tooltip: tooltipFor(connection, description, notes),
  };
}

function iconFor(state: ConnectionState): ServerPresentation['icon'] {
  switch (state.kind) {
    case 'connected':
      return { id: 'pass-filled', color: 'testing.iconPassed' };
    case 'connecting':
    case 'reconnecting':
      return { id: 'sync~spin' };
    case 'disconnected':
      return state.blocked === 'disabled' ? { id: 'circle-slash' } : { id: 'debug-disconnect' };
    case 'error':
      return { id: 'error', color: 'errorForeground' };
    case 'needs-sign-in':
      return { id: 'account', color: 'list.warningForeground' };
  }
}

/** Markdown. Never shows header values: only the URL (without credentials) and what the server said. */
function tooltipFor(connection: PresentedServer, description: string, notes: ServerNotes): string {
  const lines = [`**${escape(connection.name)}** — ${escape(description)}`, ''];
  const row = (label: string, value: string | undefined) => value && lines.push(`${label}: ${value}  `);
  row('URL', connection.displayUrl && `\`${connection.displayUrl}\``);
  const state = connection.state;
  if (state.kind === 'connected') {
    row('Mode', state.mode === 'streaming' ? 'streaming (GET stream open)' : state.mode === 'legacy-sse' ? 'legacy HTTP+SSE' : 'POST-only');
    row('Session', state.session.id ? escape(shorten(state.session.id)) : 'none (stateless server)');
    row('Protocol', state.session.protocolVersion && escape(state.session.protocolVersion));
    row('Server', state.server.name && escape(`${state.server.name}${state.server.version ? ` ${state.server.version}` : ''}`));
    const fallback = state.getFallback;
    if (fallback) {
      row('Last GET fallback', `HTTP ${fallback.status} ${escape(fallback.statusText)} at ${fallback.time.toLocaleTimeString()}${fallback.bodyExcerpt ? ` — "${escape(fallback.bodyExcerpt)}"` : ''}`);
    }
    if (state.auth) row('Sign-in', `OAuth via ${escape(state.auth.issuer)}${state.auth.expiresAt ? `, expires ${state.auth.expiresAt.toLocaleString()}` : ''}`);
    if (state.session.reinitialisations) row('Session re-initialised', `${state.session.reinitialisations}×`);
    for (const [list, label] of LISTS) {
      const result = state.catalog[list];
      if (result.error) row(label, `could not be listed — ${escape(result.error)}`);
      else if (result.cut) row(label, `cut after ${result.items.length} items — ${escape(result.cut)}`);
    }
  }
  if (state.kind === 'needs-sign-in') row('Sign-in', `needed (OAuth${state.issuer ? ` via ${escape(state.issuer)}` : ''}) — nothing opens until you sign in`);
  const usage = connection.usage;
  if (usage?.calls) row('Chat', `${usage.calls} ${usage.calls === 1 ? 'call' : 'calls'}${usage.last ? `, last: ${escape(usage.last.what)} — ${escape(usage.last.outcome)} at ${usage.last.at.toLocaleTimeString()}` : ''}`);
  row('Also in chat', notes.duplicateInChat && escape(notes.duplicateInChat));
  const lastError = lastErrorOf(state);
  row('Last error', lastError && escape(lastError));
  for (const warning of connection.entry.warnings) row('Warning', escape(warning));
  return lines.join('\n');
}

const LISTS = [
  ['tools', 'Tools'],
  ['resources', 'Resources'],
  ['resourceTemplates', 'Resource templates'],
  ['prompts', 'Prompts'],
] as const;

function shorten(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** Server text (and our own sentences that quote it) as Markdown that renders exactly as written, on one line. */
const escape = markdownText;
