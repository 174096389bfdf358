import { DEFAULT_GET_FALLBACK_STATUSES, DEFAULT_GET_RETRY, GET_FALLBACK_STATUS_RANGE } from '../transport/defaults';

/**
 * Every default and range of the settings, declared once. package.json's contributed schema states
 * them too (VS Code reads them from there); a unit test holds the two together.
 */
export const TIMEOUT_SECONDS = { default: 30, minimum: 1, maximum: 600 } as const;

export const RECONNECT = {
  maxAttempts: { default: 5, minimum: 1, maximum: 100 },
  initialDelaySeconds: { default: 1, minimum: 1, maximum: 600 },
  maxDelaySeconds: { default: 30, minimum: 1, maximum: 3600 },
} as const;

export const GET_FALLBACK_STATUSES = { default: DEFAULT_GET_FALLBACK_STATUSES, ...GET_FALLBACK_STATUS_RANGE } as const;

/** The GET stream's own retries are not a setting; they follow the transport's defaults. */
export const GET_RETRY = DEFAULT_GET_RETRY;

export const MAX_NAME_LENGTH = 100;
export const MAX_URL_LENGTH = 2048;
export const MAX_HEADER_VALUE_LENGTH = 8192;

/** oauth.redirectPort: an unprivileged port. */
export const REDIRECT_PORT = { minimum: 1024, maximum: 65535 } as const;
export const REDIRECT_HOSTS = ['127.0.0.1', 'localhost'] as const;
