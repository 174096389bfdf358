/**
 * Why a request never got an answer, classified once from what `fetch` (undici) threw. Everything
 * that decides behaviour or phrases a sentence switches on `kind`; nothing compares message text.
 */
export type NetworkFailure =
  | { kind: 'refused' }
  | { kind: 'reset' }
  | { kind: 'dns' }
  | { kind: 'connect-timeout' }
  | { kind: 'headers-timeout'; limitMs?: number }
  | { kind: 'tls'; code: string }
  | { kind: 'blocked-port'; port: number }
  | { kind: 'aborted' }
  | { kind: 'other'; message: string };

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A timeout of ours (the wait for a GET's headers), carried as the abort reason. */
export class HeadersTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`no answer within ${formatDuration(limitMs)}`);
    this.name = 'HeadersTimeoutError';
  }
}

export function classifyFetchError(error: unknown, url?: URL): NetworkFailure {
  if (error instanceof HeadersTimeoutError) return { kind: 'headers-timeout', limitMs: error.limitMs };
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused' };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { kind: 'reset' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'dns' };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'connect-timeout' };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'headers-timeout' };
  }
  if (code && TLS_CODES.has(code)) return { kind: 'tls', code };
  // The fetch standard's "bad ports" (6000, 6665–6669, 10080…): undici refuses them before connecting.
  if (cause?.message === 'bad port') return { kind: 'blocked-port', port: Number(url?.port || 0) };
  if (error instanceof Error && error.name === 'AbortError') return { kind: 'aborted' };
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return { kind: 'other', message: message.replace(/^TypeError: /, '') };
}

/** "connection refused", "no answer within 10 s": the failure as a fragment of a log line. */
export function describeNetworkFailure(failure: NetworkFailure): string {
  switch (failure.kind) {
    case 'refused':
      return 'connection refused';
    case 'reset':
      return 'connection reset by the server';
    case 'dns':
      return 'host name not found';
    case 'connect-timeout':
      return 'connection timed out';
    case 'headers-timeout':
      return failure.limitMs === undefined ? 'no answer from the server' : `no answer within ${formatDuration(failure.limitMs)}`;
    case 'tls':
      return `the server's TLS certificate is not trusted (${failure.code})`;
    case 'blocked-port':
      return `port ${failure.port} is one that fetch refuses to use`;
    case 'aborted':
      return 'the request was cancelled';
    case 'other':
      return failure.message;
  }
}

/** A failure that means the server is not there (any more): what makes a live connection a dropped one. */
export function isServerGone(failure: NetworkFailure): boolean {
  return failure.kind === 'refused' || failure.kind === 'reset';
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
