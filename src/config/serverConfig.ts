import type { RetryPolicy, TransportKind } from '../transport/types';

/** One server as configured, after validation. Header values may still hold ${env:…}/${secret:…}. */
export interface ServerConfig {
  name: string;
  url: string;
  headers: Record<string, string>;
  enabled: boolean;
  autoConnect: boolean;
  transport: TransportKind;
  timeoutSeconds: number;
}

/** Settings that apply to every server. */
export interface GlobalSettings {
  reconnect: RetryPolicy;
  toleratedGetStatuses: number[];
}

/**
 * A configured server: either a usable config, or the problem that keeps it from connecting.
 * `scope` says where it was defined (workspace servers wait for workspace trust).
 */
export interface ServerEntry {
  name: string;
  config?: ServerConfig;
  problem?: string;
  warnings: string[];
  scope: 'user' | 'workspace';
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_GLOBAL_SETTINGS: GlobalSettings = {
  reconnect: { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 },
  toleratedGetStatuses: [400, 404, 405, 406],
};
