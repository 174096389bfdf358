import type { StreamMode } from '../transport/types';
import type { Catalog } from './catalog';

export type ConnectedMode = Exclude<StreamMode, 'pending'>;

/** Why a server is disconnected when it is not the user's choice. */
export type Blocked = 'disabled' | 'untrusted';

/** The one state of a connection; every surface (tree, status bar, log, CLI) renders from it. */
export type ConnectionState =
  | { kind: 'disconnected'; blocked?: Blocked }
  | { kind: 'connecting' }
  | ConnectedState
  /** `retryAt`: the server asked (Retry-After) not to be asked again before then. */
  | { kind: 'reconnecting'; attempt: number; maxAttempts: number; reason: string; retryAt?: Date }
  | { kind: 'error'; reason: string; invalidConfig?: boolean }
  /** The server wants an OAuth sign-in by the user (nothing opens by itself); `issuer`: the authorization server's host, when known. */
  | { kind: 'needs-sign-in'; issuer?: string };

/** How a connected server is signed in (OAuth): never a token. */
export interface SignedIn {
  /** The authorization server's URL. */
  issuer: string;
  scopes: string[];
  expiresAt?: Date;
}

/** Everything known about a live connection. */
export interface ConnectedState {
  kind: 'connected';
  mode: ConnectedMode;
  /** What the first GET of a session answered when it meant "no stream here" (the last such answer). */
  getFallback?: GetFallback;
  session: { id?: string; protocolVersion?: string; reinitialisations: number };
  server: { name?: string; version?: string };
  capabilities: Capabilities;
  /** The server's tools, resources, resource templates and prompts, each read to its end (or said why not). */
  catalog: Catalog;
  /** Present when the connection is authenticated by an OAuth sign-in. */
  auth?: SignedIn;
}

export interface GetFallback {
  status: number;
  statusText: string;
  /** The start of the answer's body: redacted, markup stripped, at most 200 characters. */
  bodyExcerpt: string;
  time: Date;
}

export interface Capabilities {
  tools: boolean;
  resources: boolean;
  prompts: boolean;
  logging: boolean;
  /** resources/subscribe is offered. */
  subscribe: boolean;
  /** completion/complete is offered. */
  completions: boolean;
}

/** The state's one-line description, as the tree shows it next to the server's name. */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'connected':
      if (state.mode === 'streaming') return 'connected · streaming';
      if (state.mode === 'legacy-sse') return 'connected · legacy SSE';
      return state.getFallback ? `connected · POST-only (GET ${state.getFallback.status})` : 'connected · POST-only';
    case 'connecting':
      return 'connecting…';
    case 'reconnecting':
      return `reconnecting ${state.attempt}/${state.maxAttempts}${state.retryAt ? ` · next try ${state.retryAt.toLocaleTimeString()}` : ''}`;
    case 'disconnected':
      return state.blocked === 'disabled' ? 'disabled' : state.blocked === 'untrusted' ? 'disconnected · workspace not trusted' : 'disconnected';
    case 'error':
      return `error: ${state.reason}`;
    case 'needs-sign-in':
      return state.issuer ? `needs sign-in · ${state.issuer}` : 'needs sign-in';
  }
}

/** The last failure the state tells of, if any: what a "Last error" row shows. */
export function lastErrorOf(state: ConnectionState): string | undefined {
  if (state.kind === 'error') return state.reason;
  if (state.kind === 'reconnecting') return `Connection lost: ${state.reason}`;
  return undefined;
}

/** Whether two states show the same thing (a new object for an unchanged state must not redraw the tree). */
export function sameState(a: ConnectionState, b: ConnectionState): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
