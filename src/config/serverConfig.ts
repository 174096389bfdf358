import type { OAuthSettings } from '../auth/types';
import type { RetryPolicy } from '../common/backoff';
import type { TransportKind } from '../transport/defaults';
import type { Endpoint } from '../transport/endpoint';
import { GET_FALLBACK_STATUSES, RECONNECT } from './limits';

/** How a server is authenticated: OAuth sign-in when it asks and no Authorization header is configured, always OAuth, or only the configured headers. */
export const AUTH_MODES = ['auto', 'oauth', 'headers'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Per-server OAuth settings, as configured: the sign-in's settings, except that `clientSecret` may still hold ${env:…}/${secret:…}. */
export type OAuthConfig = OAuthSettings;

/** One server as configured, after validation. Header values may still hold ${env:…}/${secret:…}. */
export interface ServerConfig {
  name: string;
  endpoint: Endpoint;
  headers: Record<string, string>;
  enabled: boolean;
  autoConnect: boolean;
  transport: TransportKind;
  timeoutSeconds: number;
  /** Offered to VS Code chat (when chat mode is not "off"). */
  exposeToChat: boolean;
  auth: AuthMode;
  oauth: OAuthConfig;
}

/**
 * Whether OAuth sign-in applies to this server: always with "oauth", never with "headers", and with "auto" only when no
 * Authorization header is configured (nor credentials in the URL): a 401 to a configured token is that token's rejection.
 */
export function usesOAuth(config: ServerConfig): boolean {
  if (config.auth !== 'auto') return config.auth === 'oauth';
  return !config.endpoint.credentialsHeader && !Object.keys(config.headers).some((name) => name.toLowerCase() === 'authorization');
}

/** Settings that apply to every server. */
export interface GlobalSettings {
  reconnect: RetryPolicy;
  getFallbackStatuses: number[];
}

export type ServerScope = 'user' | 'workspace';

/**
 * A configured server: either a usable config, or the problem that keeps it from connecting.
 * `scope` says where it was defined (workspace servers wait for workspace trust).
 */
export type ServerEntry = ValidEntry | InvalidEntry;

interface EntryBase {
  name: string;
  warnings: string[];
  scope: ServerScope;
}

export interface ValidEntry extends EntryBase {
  config: ServerConfig;
  problem?: undefined;
}

export interface InvalidEntry extends EntryBase {
  config?: undefined;
  problem: string;
}

export const DEFAULT_GLOBAL_SETTINGS: GlobalSettings = {
  reconnect: {
    maxAttempts: RECONNECT.maxAttempts.default,
    initialDelayMs: RECONNECT.initialDelaySeconds.default * 1000,
    maxDelayMs: RECONNECT.maxDelaySeconds.default * 1000,
  },
  getFallbackStatuses: [...GET_FALLBACK_STATUSES.default],
};

/** Whether two entries would connect the same way (warnings, such as a misspelt key, do not matter). */
export function sameEntry(a: ServerEntry, b: ServerEntry): boolean {
  return a.scope === b.scope && a.problem === b.problem && comparable(a.config) === comparable(b.config);
}

function comparable(config: ServerConfig | undefined): string {
  return config ? JSON.stringify({ ...config, endpoint: config.endpoint.configured }) : '';
}

export function sameSettings(a: GlobalSettings, b: GlobalSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
