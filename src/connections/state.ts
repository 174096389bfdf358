import type { StreamMode } from '../transport/types';

export type ConnectedMode = Exclude<StreamMode, 'pending'>;

/** The one state of a connection; every surface (tree, status bar, log, CLI) renders from it. */
export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting' }
  | { kind: 'connected'; mode: ConnectedMode; getFallback?: { status: number; statusText: string } }
  | { kind: 'reconnecting'; attempt: number; maxAttempts: number; reason: string }
  | { kind: 'error'; reason: string; invalidConfig?: boolean };

export interface ListedItem {
  name: string;
  title?: string;
  description?: string;
}

/** What a connected server told us about itself. */
export interface ServerDetails {
  serverName?: string;
  serverVersion?: string;
  protocolVersion?: string;
  sessionId?: string;
  capabilities: { tools: boolean; resources: boolean; prompts: boolean; logging: boolean };
  tools: ListedItem[];
  resources: ListedItem[];
  prompts: ListedItem[];
}
