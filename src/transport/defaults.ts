import type { RetryPolicy } from '../common/backoff';

/** The transports a server can be configured with; `auto` tries Streamable HTTP, then legacy SSE. */
export const TRANSPORT_KINDS = ['auto', 'streamable-http', 'sse'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/** Answers to the first GET of a session that mean "this server has no server-to-client stream". */
export const DEFAULT_GET_FALLBACK_STATUSES: readonly number[] = [400, 404, 405, 406];
/** The statuses `getFallbackStatuses` may hold: client errors only. */
export const GET_FALLBACK_STATUS_RANGE = { minimum: 400, maximum: 499 } as const;

/** Statuses of the initialize POST after which `auto` tries the 2024-11-05 HTTP+SSE transport. */
export const LEGACY_FALLBACK_STATUSES: readonly number[] = [400, 404, 405];

export const DEFAULT_GET_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 5 };
/** How long a GET may take to answer with its headers before it counts as failed. */
export const DEFAULT_GET_HEADERS_TIMEOUT_MS = 10_000;
/** The most an answer may hold (a JSON body, or one SSE event) before the transport stops reading it. */
export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;
/** Bound on the transport's own requests (the re-initialisation handshake) when the host sets none. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long closing a session (DELETE) may take. */
export const DELETE_TIMEOUT_MS = 3000;
